"""Overdispersion for funnel plots (Spiegelhalter 2005), as FunnelPlotR applies it.

Each unit's indicator is put on a variance-stabilised scale y with a known standard error s
and a target theta (FunnelPlotR's transforms):

* proportion x/n: y = asin(sqrt(x/n)), s = 1 / (2 sqrt(n)), theta = asin(sqrt(sum x / sum n));
* ratio O/E (and a rate, as O against E = population x overall rate): y = sqrt(O/E),
  s = 1 / (2 sqrt(E)), theta = 1 (FunnelPlotR's "CQC" square-root form, which allows O = 0).

z_i = (y_i - theta) / s_i is winsorised at the ``trim`` and 1 - ``trim`` quantiles (10% at
each end by default, as FunnelPlotR), and phi = mean(z_w^2) (Spiegelhalter 2005, section 6).

* multiplicative: limits theta -/+ z_alpha sqrt(phi) s (applied only when phi > 1);
* additive random effects: DerSimonian-Laird tau^2 = (n phi - (n - 1)) /
  (sum w - sum w^2 / sum w), w = 1 / s^2 (0 when n phi < n - 1), limits
  theta -/+ z_alpha sqrt(s^2 + tau^2).

Test for overdispersion: n phi against chi-squared with n - 1 degrees of freedom.

References: Spiegelhalter DJ. Funnel plots for comparing institutional performance. Stat Med
2005;24:1185-1202, and Handling over-dispersion of performance indicators. Qual Saf Health Care
2005;14:347-51. DerSimonian R, Laird N. Meta-analysis in clinical trials. Control Clin Trials
1986;7:177-88.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats as sps

from jsna.stats._common import StatsWarning
from jsna.stats._funnel_inputs import FunnelInputs, prepare

METHODS = (None, "multiplicative", "additive")


def check_method(overdispersion: str | None, trim: float) -> None:
    """ValueError for an unknown overdispersion option or a trim outside [0, 0.5)."""
    if overdispersion not in METHODS:
        raise ValueError(
            f"overdispersion={overdispersion!r} must be None, 'multiplicative' or 'additive'")
    if not (isinstance(trim, int | float) and 0 <= trim < 0.5):
        raise ValueError(f"trim={trim!r} must be a fraction from 0 to below 0.5 (0.1 = 10% each end)")


def transformed(statistic: str, x: np.ndarray, d: np.ndarray, av: float):
    """(y, s, theta) on the variance-stabilised scale for numerators x and denominators d.

    For ratios d is the expected count; for rates d is the population and E = d * av.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        if statistic == "proportion":
            return np.arcsin(np.sqrt(x / d)), 1 / (2 * np.sqrt(d)), float(np.arcsin(np.sqrt(av)))
        e = d if statistic == "ratio" else d * av
        return np.sqrt(x / e), 1 / (2 * np.sqrt(e)), 1.0


def dispersion(y: np.ndarray, s: np.ndarray, theta: float, trim: float = 0.1) -> tuple[float, float, int]:
    """(phi, tau2, n) from values y with standard errors s around target theta.

    phi = mean of the squared z-scores winsorised at the trim / 1 - trim quantiles (numpy's
    default linear interpolation = R's type 7, as FunnelPlotR); tau2 is DerSimonian-Laird's
    with Q = n phi.
    """
    z = (y - theta) / s
    n = int(z.size)
    if n < 2:
        return np.nan, np.nan, n
    if trim > 0:
        lo, hi = np.quantile(z, [trim, 1 - trim])
        z = np.clip(z, lo, hi)
    phi = float(np.mean(z**2))
    w = 1 / s**2
    denom = w.sum() - (w**2).sum() / w.sum()
    tau2 = 0.0 if n * phi < n - 1 else max(0.0, (n * phi - (n - 1)) / denom)
    return phi, float(tau2), n


def average(statistic: str, inp: FunnelInputs) -> float:
    """The funnel's centre: sum x / sum d over usable rows (1 for ratios)."""
    u = inp.usable
    return 1.0 if statistic == "ratio" else float(inp.x[u].sum() / inp.d[u].sum())


def estimate(statistic: str, inp: FunnelInputs, trim: float) -> tuple[float, float, int]:
    """phi, tau2 and the number of units used (usable rows; DSRs with 10+ events)."""
    u = inp.usable & ~inp.dsr_small
    y, s, theta = transformed(statistic, inp.x[u], inp.d[u], average(statistic, inp))
    return dispersion(y, s, theta, trim)


def funnel_overdispersion(
    df: pd.DataFrame,
    num_col: str,
    statistic: str,
    denom_col: str | None = None,
    rate_col: str | None = None,
    rate_type: str | None = None,
    multiplier: float | None = None,
    trim: float = 0.1,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Test a funnel's units for overdispersion and say whether to adjust the limits.

    Arguments as :func:`funnel_significance`. Output (one row): ``n_units``, ``phi``,
    ``tau2``, ``chi_squared`` (n phi), ``df`` (n - 1), ``p_value`` (chi-squared upper tail),
    ``overdispersed`` (p_value < ``alpha``), ``recommended`` ("additive" when overdispersed,
    following Spiegelhalter's preference for the random-effects form, else None), ``trim``,
    ``statistic``, ``method`` and ``note`` (the sentence to state beside the funnel).

    References
    ----------
    - Spiegelhalter DJ (2005). Handling over-dispersion of performance indicators. Qual Saf
      Health Care 14:347-351.
    - DerSimonian R, Laird N (1986). Meta-analysis in clinical trials. Control Clin Trials
      7:177-188.
    - R: no PHEindicatormethods equivalent; phi and tau² as ``FunnelPlotR::funnel_plot``.

    Examples
    --------
    >>> import pandas as pd
    >>> from jsna import stats
    >>> df = pd.DataFrame({"x": [12, 30, 25, 60, 41, 90, 18, 75, 33, 120],
    ...                    "n": [100, 180, 260, 300, 310, 500, 220, 400, 350, 600]})
    >>> out = stats.funnel_overdispersion(df, "x", "proportion", denom_col="n")
    >>> cols = ["n_units", "phi", "tau2", "overdispersed", "recommended"]
    >>> print(out[cols].round(3).to_string(index=False))
     n_units   phi  tau2  overdispersed recommended
          10 4.822 0.003           True    additive
    """
    check_method(None, trim)
    if not 0 < alpha < 1:
        raise ValueError(f"alpha={alpha!r} must be between 0 and 1")
    inp = prepare(df, num_col, statistic, denom_col, rate_col, rate_type, multiplier,
                  "funnel_overdispersion")
    if inp.n_left_out:
        warnings.warn(f"funnel_overdispersion: {inp.n_left_out} row(s) left out ({inp.reasons()})",
                      StatsWarning, stacklevel=2)
    phi, tau2, n = estimate(statistic, inp, trim)
    if n < 2:
        chi2, dof, p, over = np.nan, max(n - 1, 0), np.nan, False
        note = f"{n} unit(s) in the funnel: overdispersion cannot be tested"
    else:
        chi2, dof = n * phi, n - 1
        p = float(sps.chi2.sf(chi2, dof))
        over = p < alpha
        pct = f"{trim * 100:g}%"
        if over:
            note = (f"The {n} units vary more than chance alone would give (phi = {phi:.2f}, "
                    f"chi-squared {chi2:.1f} on {dof} d.f., p = {p:.2g}), so the limits are "
                    f"widened by an additive random-effects term (tau\u00b2 = {tau2:.3g}).")
        else:
            note = (f"No evidence that the {n} units vary more than chance (phi = {phi:.2f}, "
                    f"p = {p:.2g}): the standard limits are used.")
        note += f" z-scores winsorised at {pct} each end."
    return pd.DataFrame({
        "n_units": [n], "phi": [phi], "tau2": [tau2], "chi_squared": [chi2], "df": [dof],
        "p_value": [p], "overdispersed": [bool(over)],
        "recommended": ["additive" if over else None], "trim": [trim],
        "statistic": [statistic],
        "method": ["Spiegelhalter (2005): winsorised z-scores, DerSimonian-Laird tau\u00b2"],
        "note": [note],
    })
