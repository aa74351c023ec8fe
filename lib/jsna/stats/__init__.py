"""jsna.stats: the PHE/OHID standard public-health statistics, DataFrame in, DataFrame out.

Names, arguments and output columns follow PHEindicatormethods (R) so analysts recognise them,
and every method is vectorised across groups (numpy/scipy and grouped pandas aggregation).

Conventions shared by every method
----------------------------------
* ``group_cols``: None (whole frame is one group), a column name or a list of names. Output has
  one row per group (group columns first), in order of first appearance.
* ``confidence``: 0.95 (default), 95, a pair such as ``(0.95, 0.998)``, or None (no limits).
  One level gives ``lowercl``/``uppercl``; two give ``lower95_0cl``, ``upper95_0cl``,
  ``lower99_8cl``, ``upper99_8cl``. Levels must lie in [0.9, 1].
* Every output carries ``confidence`` (e.g. "95%" or "95%, 99.8%"), ``statistic`` and ``method``.
  Where a value cannot be computed for a group it is NA and a ``note`` column says why.
* Bad input (missing column, non-numeric column, negative counts, numerator > denominator for a
  proportion, duplicated age bands ...) raises ValueError naming the column and the fix.

Public API
----------
proportion(df, num_col, denom_col, group_cols=None, confidence=0.95, multiplier=1)
    Wilson score limits. Output: group cols, the summed ``num_col``/``denom_col``, ``value``, limits,
    ``confidence``, ``statistic`` ("proportion of 1" / "percentage"), ``method`` ("Wilson").
rate(df, num_col, denom_col, group_cols=None, confidence=0.95, multiplier=100000)
    Crude rate; exact Poisson limits below 10 events, Byars otherwise.
mean(df, value_col, group_cols=None, confidence=0.95)
    Mean with Student's t limits; outputs ``value_sum``, ``value_count``, ``stdev``, ``value``.
dsr(df, num_col, denom_col, group_cols=None, age_col="ageband", stdpop="esp2013",
    confidence=0.95, multiplier=100000, independent_events=True, eventfreq_col=None)
    Directly standardised rate, Dobson limits (European Standard Population 2013 joined on the
    start age of ``age_col`` by default); NA when the total count < 10.
isr(df, num_col, denom_col, ref_num, ref_denom, group_cols=None, confidence=0.95,
    multiplier=100000, observed_totals=None, ref_df=None, age_col=None)
    Indirectly standardised rate (Byars / exact below 10).
isratio(df, num_col, denom_col, ref_num, ref_denom, group_cols=None, confidence=0.95,
    refvalue=1, observed_totals=None, ref_df=None, age_col=None)
    Indirectly standardised ratio (SMR with refvalue=100).
quantiles(df, value_col, nquantiles=5, group_cols=None, weight_col=None, invert=True)
    Returns df with a ``quantile`` column (Int64; 1 = highest value when invert=True, i.e. most
    deprived for IMD scores). PHE rule by count; with ``weight_col`` each quantile holds about
    an equal share of the weight (population-weighted quintiles). ``invert`` may be a bool or
    the name of a boolean column (constant within each group). Also adds ``quantile_note``
    (why a quantile is NA: missing value, too few areas in the group, zero weight).
sii(df, quantile_col, population_col, value_col=None, lower_cl_col=None, upper_cl_col=None,
    se_col=None, x_col=None, group_cols=None, value_type=0, transform=False, multiplier=1,
    repetitions=100000, confidence=0.95, rii=False, intercept=False, seed=None)
    Slope / relative index of inequality with Monte Carlo limits; value_type 0 any, 1 rate
    (log scale when transform=True), 2 proportion of 1 (logit scale when transform=True).
    Quantile 1 = most deprived; SII = fitted value at the least deprived end minus the most
    deprived end (PHE sign: negative when the value is higher in the most deprived), RII =
    their ratio. Output ``sii``, ``sii_lowercl``/``sii_uppercl`` (or ``sii_lower95_0cl`` ...),
    ``rii`` + limits when rii=True, ``intercept`` when asked, ``note``. A group with a quantile
    of zero population or no value (e.g. Rutland's empty quintile) -> NA + note, no exception.
life_expectancy(df, deaths_col, pop_col, startage_col, group_cols=None, le_age=0,
    confidence=0.95)
    Chiang II abridged life table, Silcocks limits; 20 bands 0,1,5,...,90 (85+ accepted with a
    warning). Output one row per group and start age: ``startage``, ``value``, limits,
    ``pops_used``, ``dths_used``, ``note``.
funnel_limits(df, num_col, statistic, multiplier, denom_col=None, rate_col=None,
    rate_type=None, ratio_type=None, years_of_data=None, overdispersion=None, trim=0.1)
    Funnel plot control limits (95% and 99.8%) following the Fingertips technical guidance;
    ``overdispersion`` "multiplicative" or "additive" (Spiegelhalter 2005, as FunnelPlotR)
    widens them and adds ``overdispersion``, ``phi``, ``tau2`` columns. Rows with a missing
    or zero denominator (or missing rate) are left out of the funnel with a StatsWarning.
funnel_significance(df, num_col, statistic, denom_col=None, rate_col=None, rate_type=None,
    multiplier=None, overdispersion=None, trim=0.1)
    Adds ``significance`` ("High (0.001)", "High (0.025)", "Not significant", "Low (0.025)",
    "Low (0.001)") relative to the funnel for the whole data set, and ``significance_note``
    (why a row has no label: NA for 0/0, expected 0, missing values).
funnel_overdispersion(df, num_col, statistic, denom_col=None, rate_col=None, rate_type=None,
    multiplier=None, trim=0.1, alpha=0.05)
    One row: ``n_units``, ``phi``, ``tau2``, ``chi_squared``, ``df``, ``p_value``,
    ``overdispersed``, ``recommended`` ("additive" or None), ``trim``, ``statistic``,
    ``method``, ``note`` (a sentence saying whether the limits were adjusted).
suppress(df, count_cols, threshold=5, value_cols=None, marker=None, flag_col="suppressed")
    Blanks counts below ``threshold`` (and the rates/proportions built on them) and flags them.
trend(df, value_col, lower_cl_col, upper_cl_col, period_col, group_cols=None, polarity=None)
    Fingertips recent trend over the five most recent yearly points (WLS with weights 1/SE^2,
    chi-squared > 9.5495, leave-one-out sign check). Output per group: ``trend``
    ("Increasing" / "Decreasing" [+ " and getting better/worse"], "No significant change",
    "Cannot be calculated"), ``direction``, ``slope``, ``slope_se``, ``chi_squared``,
    ``significant``, ``points_used``, ``first_period``, ``last_period``, ``statistic``,
    ``method``, ``note``.
compare_with_benchmark(lower, upper, benchmark, polarity), compare_groups(a_lower, a_upper,
    b_lower, b_upper), judge(direction, polarity), published_comparison(word, ...), POLARITIES
    (jsna.stats.compare) The series' one polarity vocabulary ("high_is_good", "low_is_good",
    "no_judgement") and its only comparison functions: a value's interval against a benchmark
    (better / similar / worse, Fingertips), and two groups by interval overlap (higher / lower /
    no clear difference / not tested).
ESP2013
    European Standard Population 2013 (19 bands 0-4 ... 85-89, 90+) as a DataFrame.
StatsWarning
    UserWarning subclass for results set to NA by rule; filter it by category in reports.
byars_limits(x, c), exact_limits(x, c), wilson_limits(x, n, c)
    The interval formulas on numpy arrays.
"""

from jsna.stats._common import StatsWarning, byars_limits, exact_limits, wilson_limits
from jsna.stats.compare import (
    POLARITIES,
    compare_groups,
    compare_with_benchmark,
    judge,
    published_comparison,
)
from jsna.stats.dsr import ESP2013, dsr
from jsna.stats.funnel import funnel_limits, funnel_significance
from jsna.stats.isr import isr, isratio
from jsna.stats.life_expectancy import life_expectancy
from jsna.stats.mean import mean
from jsna.stats.overdispersion import funnel_overdispersion
from jsna.stats.proportion import proportion
from jsna.stats.quantiles import quantiles
from jsna.stats.rate import rate
from jsna.stats.sii import sii
from jsna.stats.suppress import suppress
from jsna.stats.trend import trend

__all__ = [
    "ESP2013",
    "POLARITIES",
    "StatsWarning",
    "byars_limits",
    "compare_groups",
    "compare_with_benchmark",
    "dsr",
    "exact_limits",
    "funnel_limits",
    "funnel_overdispersion",
    "funnel_significance",
    "isr",
    "isratio",
    "judge",
    "life_expectancy",
    "mean",
    "proportion",
    "published_comparison",
    "quantiles",
    "rate",
    "sii",
    "suppress",
    "trend",
    "wilson_limits",
]
