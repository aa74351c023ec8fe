"""Health Equity Audit charts: uptake by group (point + interval), each with its text description.

Every builder returns ``(fig, alt, description)`` built from the same table, so the chart and
its text alternative cannot drift apart. Pass them to ``jsna.report.figure``.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from jsna.palette import COMPARATOR, PLACE, QUINTILE_COLOURS  # noqa: E402
from jsna.report import Chart, attach_data  # noqa: E402
from jsna.topics.health_equity_audit import text  # noqa: E402
from jsna.topics.health_equity_audit.funnel_chart import funnel_plot  # noqa: E402
from jsna.topics.health_equity_audit.tables import QUINTILE_LABELS  # noqa: E402
from jsna.words import fmt_number, fmt_pct, is_missing  # noqa: E402


def _interval(row: pd.Series) -> str:
    if is_missing(row.get("lowercl")) or is_missing(row.get("uppercl")):
        return ""
    return f" (95% confidence interval {fmt_pct(row['lowercl'])} to {fmt_pct(row['uppercl'])})"


def describe_uptake(table: pd.DataFrame, group_col: str, labels: Sequence[str],
                    overall: float | None = None, what: str = "uptake") -> list[str]:
    """One sentence per group: value, interval and counts; 'suppressed'/'nobody eligible' when so."""
    out = []
    if overall is not None and not is_missing(overall):
        out.append(f"Overall {what} is {fmt_pct(overall)} (shown as a dashed line).")
    for label, (_, row) in zip(labels, table.iterrows(), strict=True):
        if bool(row.get("suppressed", False)):
            out.append(f"{label}: suppressed (fewer than 5 people served or eligible).")
        elif is_missing(row.get("value")):
            out.append(f"{label}: not available (nobody eligible).")
        else:
            out.append(f"{label}: {fmt_pct(row['value'])}{_interval(row)}, "
                       f"{fmt_number(row['served'])} of {fmt_number(row['eligible'])} people.")
    return out


def uptake_chart(table: pd.DataFrame, group_col: str, title: str, *,
                 labels: Sequence[str] | None = None, colours: Sequence[str] | None = None,
                 overall: float | None = None, xlabel: str = "Uptake (%)",
                 group_title: str = "", what: str = "uptake") -> Chart:
    """Horizontal point-and-interval chart of ``value`` with ``lowercl``/``uppercl`` per group.

    table: one row per group in display order (top to bottom), with ``value``, ``lowercl``,
    ``uppercl``, ``served``, ``eligible`` and optionally ``suppressed``. Returns (fig, alt,
    description).
    """
    if table.empty:
        raise ValueError("uptake_chart: the table has no rows")
    labels = list(labels) if labels is not None else [str(v) for v in table[group_col]]
    colours = list(colours) if colours is not None else [PLACE] * len(table)
    n = len(table)
    fig, ax = plt.subplots(figsize=(7.5, 0.55 * n + 1.6))
    ys = list(range(n))[::-1]
    shown = []
    for y, colour, (_, row) in zip(ys, colours, table.iterrows(), strict=True):
        sup = bool(row.get("suppressed", False))
        if sup or is_missing(row.get("value")):
            ax.text(1, y, "suppressed" if sup else "nobody eligible", va="center",
                    fontsize=9, color=COMPARATOR, style="italic")
            continue
        lo, hi = row.get("lowercl"), row.get("uppercl")
        if not (is_missing(lo) or is_missing(hi)):
            ax.plot([lo, hi], [y, y], color=colour, lw=2.5, solid_capstyle="butt")
            for v in (lo, hi):
                ax.plot([v, v], [y - 0.15, y + 0.15], color=colour, lw=1.5)
        ax.plot(row["value"], y, "o", ms=9, color=colour, mec="black", mew=0.8, zorder=3)
        ax.text(row["value"], y + 0.28, fmt_pct(row["value"]), ha="center", va="bottom", fontsize=8)
        shown.append(row)
    if overall is not None and not is_missing(overall):
        ax.axvline(overall, color=COMPARATOR, ls="--", lw=1.2,
                   label=f"Overall {fmt_pct(overall)}")
        ax.legend(loc="lower right", fontsize=8, frameon=False)
    ax.set_yticks(ys, labels)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlim(0, 100)
    ax.set_xlabel(xlabel)
    if group_title:
        ax.set_ylabel(group_title)
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold", wrap=True)
    ax.grid(axis="x", color="#dddddd", lw=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    vals = [r["value"] for r in shown]
    rng = (f" Values range from {fmt_pct(min(vals))} to {fmt_pct(max(vals))}." if vals else "")
    alt = (f"Chart: {title}. {what.capitalize()} with 95% confidence intervals for "
           f"{len(table)} groups ({group_title or group_col}).{rng}")
    desc = " ".join(describe_uptake(table, group_col, labels, overall, what))
    attach_data(fig, uptake_data(table, labels, group_title or group_col),
                {f"overall {what} (%)": overall} if overall is not None and not is_missing(overall) else {})
    return Chart(fig, alt, desc)


def uptake_data(table: pd.DataFrame, labels: Sequence[str], group_title: str) -> pd.DataFrame:
    """The tidy data behind an uptake chart (its "Download the data (CSV)"): one row per group with
    the counts, uptake and 95% limits; a suppressed group shows no counts, only why."""
    rows = []
    for label, (_, r) in zip(labels, table.iterrows(), strict=True):
        sup = bool(r.get("suppressed", False))
        empty = not sup and is_missing(r.get("value"))
        keep = not (sup or empty)
        rows.append({group_title: label,
                     "served": r["served"] if keep else None, "eligible": r["eligible"] if keep else None,
                     "uptake (%)": r["value"] if keep else None,
                     "lower 95% limit (%)": r.get("lowercl") if keep else None,
                     "upper 95% limit (%)": r.get("uppercl") if keep else None,
                     "note": "suppressed (fewer than 5 people served or eligible)" if sup else "nobody eligible" if empty else ""})
    return pd.DataFrame(rows)


def quintile_chart(table: pd.DataFrame, title: str, overall: float | None = None,
                   basis: str = "national") -> Chart:
    """Uptake by IMD 2019 quintile (1 = most deprived, darkest) with Wilson intervals."""
    labels = [f"Quintile {QUINTILE_LABELS[int(q)]}" for q in table["quintile"]]
    colours = [QUINTILE_COLOURS[int(q) - 1] for q in table["quintile"]]
    group_title = ("IMD 2019 quintile (England)" if basis == "national"
                   else "IMD 2019 quintile (within the Place)")
    return uptake_chart(table, "quintile", title, labels=labels, colours=colours,
                        overall=overall, group_title=group_title)


def ethnicity_chart(table: pd.DataFrame, title: str, overall: float | None = None) -> Chart:
    """Uptake by ethnic group; groups whose ethnicity is not recorded are drawn in grey."""
    recorded = table["recorded"] if "recorded" in table else pd.Series(True, index=table.index)
    colours = [PLACE if r else COMPARATOR for r in recorded]
    labels = [g if r else f"{g} (not recorded)" for g, r in zip(table["ethnicity"], recorded,
                                                               strict=True)]
    chart = uptake_chart(table, "ethnicity", title, labels=labels, colours=colours,
                         overall=overall, group_title="Ethnic group")
    # the not-recorded groups shown, together (as the report's sentence gives them): no suppressed
    # group is in the sum, so it reveals no small count
    shown = table[~recorded.to_numpy() & ~table.get("suppressed", pd.Series(False, index=table.index)).fillna(False)
                  .astype(bool).to_numpy() & table["value"].notna().to_numpy()]
    if len(shown) >= 2:
        data, meta = chart.fig.jsna_data
        served, eligible = int(shown["served"].sum()), int(shown["eligible"].sum())
        extra = pd.DataFrame([{"Ethnic group": "Not recorded, groups shown together", "served": served,
                               "eligible": eligible, "uptake (%)": 100 * served / eligible, "note": ""}])
        attach_data(chart.fig, pd.concat([data, extra], ignore_index=True), meta)
    return chart


def mix_chart(table: pd.DataFrame, title: str, overall: float | None = None) -> Chart:
    """Uptake for practices grouped by their share of minority ethnic patients (fewest at the top),
    with Wilson intervals; the label gives each group's range of minority ethnic share."""
    labels = [f"{lab} ({fmt_pct(lo, 0)}-{fmt_pct(hi, 0)})".replace(" (fewest minority ethnic patients)", ", fewest")
              .replace(" (most minority ethnic patients)", ", most")
              for lab, lo, hi in zip(table["label"], table["share_min"], table["share_max"], strict=True)]
    return uptake_chart(table, "label", title, labels=labels, overall=overall,
                        group_title="Practices by share of minority ethnic patients")


# --------------------------------------------------------------------------- the report's figures
def deprivation_chart(r, basis: str = "national") -> Chart:
    """Uptake by IMD 2019 quintile of England (``basis`` "national") or within the Place ("local")
    of the results ``r``, titled with the finding (labelled for the synthetic file)."""
    table = r.by_national_quintile if basis == "national" else r.by_local_quintile
    return quintile_chart(table, text.label(text.quintile_title(table), r.synthetic), r.overall, basis)


def ethnic_group_chart(r) -> Chart:
    """Uptake by ethnic group of the results ``r``, titled with the finding."""
    title = text.label(text.ethnicity_title(r.by_ethnicity, r.overall), r.synthetic)
    return ethnicity_chart(r.by_ethnicity, title, r.overall)


def practice_mix_chart(r) -> Chart:
    """Uptake by the ethnic mix of the practices' patients of the results ``r``, titled with the finding."""
    title = text.label(text.mix_title(r.by_practice_mix, r.mix_reasons), r.synthetic)
    return mix_chart(r.by_practice_mix, title, r.overall)


def practice_funnel(r) -> Chart:
    """Funnel plot of the practices shown (not suppressed) of the results ``r``, titled with the finding."""
    shown = r.practices_shown
    return funnel_plot(shown, r.funnel_limits, text.label(text.practice_title(shown), r.synthetic), r.overall)
