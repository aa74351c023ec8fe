"""The series' one indicator registry (data/indicators.yaml) and the one place LA values come from.

Every report takes its indicators from :data:`REGISTRY`: the two babies (``reports`` includes
``two_babies``), the health-equity dashboard (``equity_dashboard``) and the Core20PLUS5 view
(``core20``). Each :class:`Indicator` says what is measured, at which life stage, from which
catalogued source, at what geography, in what unit, which direction is better (one vocabulary,
:data:`jsna.stats.compare.POLARITIES`), for which period, and how values are computed (``kind``):

* ``la``         published local-authority values (Fingertips family), the Place against England;
  :func:`la_latest` and :func:`la_series` are the only way any report reads them, so the same
  indicator shows the same value, period and source wherever it appears.
* ``imd_rate``   LSOA IoD2019 rate score x its denominator population = numerator; the group's
  value is a proportion (Wilson limits via jsna.stats.proportion).
* ``lsoa_mean``  LSOA score or indicator without counts: population-weighted mean, no interval.
* ``msoa_le``    MSOA life expectancy (LE 2015-19 from OHID Local Health, HLE or DFLE 2009-13): mean of the
  MSOA values weighted by IoD2019 mid-2015 populations; HLE/DFLE limits from the published MSOA limits
  (independent errors assumed), LE without limits (OHID publishes none).
* ``covid_rate`` MSOA Covid-19 deaths / mid-2019 population, crude rate (jsna.stats.rate).

Adding an indicator is one entry in data/indicators.yaml (its header lists the fields).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from scipy import stats as sps

from jsna import paths
from jsna.places import ENGLAND_CODE
from jsna.stats.compare import POLARITIES, compare_with_benchmark, published_comparison

STAGES = ("Start well", "Grow well", "Live well", "Age well", "Die well")
KINDS = ("imd_rate", "lsoa_mean", "msoa_le", "covid_rate", "la")
REPORTS = ("two_babies", "equity_dashboard")
CI_METHODS = ("published", "wilson", "byars")
GEOGRAPHIES = ("LA", "LSOA", "MSOA")
UPPER_TIER_PREFIXES = ("E06", "E08", "E09", "E10")
COUNTY_PREFIX = "E10"
#: The health-equity framework was adopted in 2021: the default agreed baseline is the held period
#: whose middle is nearest this date (2021 for calendar years, 2021/22 for school or financial
#: years, 2020-22 for three pooled years).
BASELINE_TARGET = pd.Timestamp("2021-10-01")
#: A better/worse flag on data whose period ended more than this many years ago is marked as old.
OLD_AFTER_YEARS = 5
NOT_HELD = "not in this report's sources"
NOT_HELD_COUNTY = ("not in this report's sources (the Fingertips series used covers districts and unitary "
                   "authorities only)")
#: why an area has rows in a source but no value: the publisher leaves it blank (e.g. OHID's slope index of
#: inequality for Rutland, whose few neighbourhoods cannot form a gradient)
NOT_PUBLISHED = "not published for this area: the publisher leaves the value blank"
#: An indicator whose only source for the area is a live Fingertips source not yet downloaded (``make data
#: REFRESH=1``): the dashboard lists these once, in one box (reader's words; the command is in the README).
NOT_AVAILABLE = "not available when this report was produced"
#: The note on a value taken from the council a new council replaced (data/predecessors.yaml).
PREDECESSOR_NOTE = "value published for {predecessor_name}, which covered the same area before {name} was formed"
#: Indicators a life stage asks for that no source held by the series contains (the searches are in
#: the data mirror's fingertips/SOURCES.md): every report showing the stage lists them, worded
#: "not in the data held" (:func:`not_held_sentence`). Start well: the first 1,001 days to school entry.
NOT_HELD_BY_STAGE: dict[str, tuple[str, ...]] = {
    "Start well": (
        "low birth weight of term babies",
        "smoking status at the time of delivery",
        "breastfeeding at 6 to 8 weeks",
        "infant mortality",
        "child development at 2 to 2\u00bd years",
        "a good level of development at the end of Reception for all children (only children on free school "
        "meals are in this report's sources, to 2017/18)",
    ),
}
#: The registry indicator that now covers a name of :data:`NOT_HELD_BY_STAGE` in a report (it is then not
#: listed as missing there: the report shows the indicator, or lists it as not available until refreshed).
NOT_HELD_COVERED_BY = {
    "low birth weight of term babies": "low_birth_weight_term",
    "smoking status at the time of delivery": "smoking_at_delivery",
    "breastfeeding at 6 to 8 weeks": "breastfeeding_6_8_weeks",
    "infant mortality": "infant_mortality",
    "child development at 2 to 2\u00bd years": "child_development_2_2half",
}
Z95 = float(sps.norm.ppf(0.975))
Z998 = float(sps.norm.ppf(0.999))

#: Sources of the Index of Multiple Deprivation 2019 that defines every deprivation fifth of the series: an
#: indicator read from them is part of the grouping (:attr:`Indicator.part_of_grouping`)
GROUPING_SOURCES = ("imd2019_lsoa", "imd2019_indicators_file8")
#: The Covid-19 pandemic's years in England's health data: the first lockdown (23 March 2020) to the end of
#: 2021, after which restrictions ended (February 2022). A period overlapping them carries :data:`COVID_WORDS`.
COVID_START, COVID_END = pd.Timestamp("2020-03-01"), pd.Timestamp("2021-12-31")
COVID_WORDS = "affected by the Covid-19 pandemic"


def covid_affected(period_start: object, period_end: object) -> bool:
    """True when a period overlaps the pandemic years (:data:`COVID_START` to :data:`COVID_END`): 2020,
    2021, 2021/22, 2020-22, 2019-21 and 2019/20 (its last month) are affected; 2019 and 2017-19 are not.

    >>> covid_affected(pd.Timestamp("2021-01-01"), pd.Timestamp("2021-12-31"))
    True
    >>> covid_affected(pd.Timestamp("2017-01-01"), pd.Timestamp("2019-12-31"))
    False
    """
    if any(x is None or pd.isna(x) for x in (period_start, period_end)):
        return False
    return pd.Timestamp(period_start) <= COVID_END and pd.Timestamp(period_end) >= COVID_START

__all__ = [
    "BASELINE_TARGET", "CI_METHODS", "KINDS", "NOT_AVAILABLE", "NOT_HELD", "NOT_HELD_COUNTY", "OLD_AFTER_YEARS",
    "POLARITIES", "PREDECESSOR_NOTE", "Predecessor", "first_held_source", "predecessors",
    "REGISTRY", "REPORTS", "STAGES", "Indicator", "IndicatorError", "LaSource", "add_limits", "baseline_row",
    "NOT_HELD_BY_STAGE", "get_indicator", "indicators", "is_old", "la_latest", "la_series", "la_source_ids",
    "SMALL_AREA_PUBLISHERS", "load_registry", "not_held_sentence", "small_area_source_label", "source_label",
    "source_rows", "EnglandVerdict", "england_verdict", "VERDICT_BY_PUBLISHER", "VERDICT_BY_INTERVAL",
    "NOT_PUBLISHED", "GROUPING_SOURCES", "COVID_WORDS", "covid_affected", "pre_pandemic_row", "la_history",
]


class IndicatorError(ValueError):
    """data/indicators.yaml is invalid (names the entry and the field)."""


@dataclass(frozen=True)
class LaSource:
    """One published file (catalogue id) and the indicator inside it."""

    source: str
    indicator: str | None = None
    sex: str = "Persons"
    category: str | None = None


@dataclass(frozen=True)
class Indicator:
    """One indicator of the registry (see data/indicators.yaml for the fields)."""

    id: str
    name: str
    stage: str
    kind: str
    geography: str  # "LSOA", "MSOA" or "LA"
    unit: str
    polarity: str
    period: str
    method: str
    reports: tuple[str, ...] = ()
    source: str = ""  # small-area kinds: catalogue id
    value_col: str = ""  # imd_rate/lsoa_mean: column of the LSOA frame
    pop_col: str = "pop_total"  # denominator / weight column of the LSOA frame
    multiplier: float = 1.0
    sex: str = ""  # msoa_le: "Male"/"Female"
    measure: str = ""  # msoa_le: "le", "hle" or "dfle"
    dp: int = 1
    sources: tuple[LaSource, ...] = field(default_factory=tuple)  # la: tried as described above
    baseline: str | None = None  # la: the agreed baseline period
    pre_pandemic: str | None = None  # la, mortality and life expectancy: the last period before Covid-19
    ci_method: str = "published"
    inequality: str | None = None
    core20: str | None = None

    def __post_init__(self) -> None:
        for name, value, allowed in (("stage", self.stage, STAGES), ("kind", self.kind, KINDS),
                                     ("polarity", self.polarity, POLARITIES),
                                     ("geography", self.geography, GEOGRAPHIES),
                                     ("ci_method", self.ci_method, CI_METHODS)):
            if value not in allowed:
                raise IndicatorError(f"indicator {self.id!r}: {name} {value!r} not in {allowed}")
        bad = [r for r in self.reports if r not in REPORTS]
        if bad:
            raise IndicatorError(f"indicator {self.id!r}: reports {bad} not in {REPORTS}")
        if self.kind == "la" and not self.sources:
            raise IndicatorError(f"indicator {self.id!r}: kind 'la' needs sources")
        if self.kind != "la" and not self.source:
            raise IndicatorError(f"indicator {self.id!r}: kind {self.kind!r} needs source")
        if self.pre_pandemic is not None:
            from jsna.load.fingertips import PeriodError, normalise_period

            try:
                pre = normalise_period(self.pre_pandemic)
            except PeriodError as exc:
                raise IndicatorError(f"indicator {self.id!r}: pre_pandemic: {exc}") from None
            if self.kind != "la" or covid_affected(pre.start, pre.end) or pre.end > COVID_START:
                raise IndicatorError(f"indicator {self.id!r}: pre_pandemic {self.pre_pandemic!r} must be an LA "
                                     "indicator's period ending before the pandemic (e.g. '2019' or '2017-19')")

    @property
    def is_small_area(self) -> bool:
        """True when the two babies (most vs least deprived fifth) can be compared."""
        return self.kind != "la"

    @property
    def fixed_period_end(self) -> pd.Timestamp | None:
        """The end of a small-area indicator's fixed period ("2016-20" ends 31 December 2020); None for an LA
        indicator (its period is each row's) and for a label without dates ("IoD2019", "Mar-Dec 2020")."""
        from jsna.load.fingertips import PeriodError, normalise_period

        if self.kind == "la":
            return None
        try:
            return normalise_period(self.period).end
        except PeriodError:
            return None

    @property
    def part_of_grouping(self) -> bool:
        """True for a small-area indicator taken from the IoD2019, whose IMD defines the deprivation fifths:
        part of its gap between fifths follows from how the fifths are made (an IMD domain or one of its
        inputs), so it never leads a summary and its sentence says so."""
        return self.kind != "la" and self.source in GROUPING_SOURCES

    @property
    def source_id(self) -> str:
        """The first-choice catalogue id (small-area kinds: the one source)."""
        return self.source or self.sources[0].source

    @property
    def source_ids(self) -> tuple[str, ...]:
        return tuple(s.source for s in self.sources) if self.kind == "la" else (self.source,)


_FIELDS = set(Indicator.__dataclass_fields__)
_REQUIRED = ("id", "name", "stage", "kind", "geography", "unit", "polarity", "period", "method")


def _entry(e: object, i: int, path: Path) -> Indicator:
    iid = e.get("id", f"entry {i + 1}") if isinstance(e, dict) else f"entry {i + 1}"
    if not isinstance(e, dict):
        raise IndicatorError(f"{path}: {iid} must be a mapping")
    missing = [k for k in _REQUIRED if e.get(k) in (None, "")]
    if missing:
        raise IndicatorError(f"{path}: indicator {iid!r} lacks field(s) {missing}")
    unknown = set(e) - _FIELDS
    if unknown:
        raise IndicatorError(f"{path}: indicator {iid!r} has unknown field(s) {sorted(unknown)}")
    srcs = []
    for s in e.get("sources") or []:
        if not isinstance(s, dict) or not s.get("source") or set(s) - set(LaSource.__dataclass_fields__):
            raise IndicatorError(f"{path}: indicator {iid!r}: each source needs 'source' (and optionally "
                                 f"indicator, sex, category), got {s!r}")
        srcs.append(LaSource(**s))
    e = {**e, "sources": tuple(srcs), "reports": tuple(e.get("reports") or ())}
    for key in ("baseline", "pre_pandemic"):
        if e.get(key) is not None:
            e[key] = str(e[key])
    try:
        return Indicator(**e)
    except IndicatorError as exc:
        raise IndicatorError(f"{path}: {exc}") from None


def load_registry(path: Path | None = None) -> tuple[Indicator, ...]:
    """The registry from data/indicators.yaml, validated: one id per indicator, known stages,
    polarities, kinds and reports; an ``inequality`` names another indicator; a ``core20`` area is
    checked by the Core20PLUS5 view."""
    path = Path(path or paths.ROOT / "data" / "indicators.yaml")
    if not path.exists():
        raise IndicatorError(f"Indicator registry not found: {path}")
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(entries, list):
        raise IndicatorError(f"{path}: expected a YAML list of indicators")
    out = tuple(_entry(e, i, path) for i, e in enumerate(entries))
    ids = [i.id for i in out]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise IndicatorError(f"{path}: duplicate indicator id(s) {dup}")
    for ind in out:
        if ind.inequality and ind.inequality not in ids:
            raise IndicatorError(f"{path}: indicator {ind.id!r} inequality={ind.inequality!r} is not an id")
    return out


REGISTRY: tuple[Indicator, ...] = load_registry()
_BY_ID = {i.id: i for i in REGISTRY}


def get_indicator(indicator_id: str) -> Indicator:
    """One indicator by id; the error lists the valid ids."""
    try:
        return _BY_ID[indicator_id]
    except KeyError:
        raise KeyError(f"Unknown indicator {indicator_id!r}. Known: {', '.join(_BY_ID)}") from None


def indicators(stage: str | None = None, kind: str | None = None, report: str | None = None,
               registry: tuple[Indicator, ...] | None = None) -> list[Indicator]:
    """The registry in life-course order, optionally filtered by stage, kind and/or report."""
    return [i for i in (registry or REGISTRY) if (stage is None or i.stage == stage)
            and (kind is None or i.kind == kind) and (report is None or report in i.reports)]


def not_held_sentence(stage: str, report: str | None = None) -> str | None:
    """'Start well indicators not in the data held: low birth weight of term babies, ...' (None when
    the registry lists none for the stage). With ``report``, names an indicator of that report covers
    (:data:`NOT_HELD_COVERED_BY`) are left out."""
    from jsna.words import join_names

    shown = {i.id for i in indicators(report=report)} if report else set()
    names = [n for n in NOT_HELD_BY_STAGE.get(stage, ()) if NOT_HELD_COVERED_BY.get(n) not in shown]
    if not names:
        return None
    return f"{stage} indicators {NOT_HELD}: {join_names(list(names))}."


def la_source_ids(inds: list[Indicator] | tuple[Indicator, ...] | None = None,
                  data_dir: Path | None = None) -> list[str]:
    """Catalogue ids of every LA source the given indicators (default: all) may read. A live
    Fingertips source (catalogue ``live:``) counts only once its file is held in ``data_dir``
    (``make data REFRESH=1``): before that, the indicator reads its other sources."""
    from jsna.catalogue import load_catalogue

    cat = load_catalogue()
    ids = {s.source for i in (inds or REGISTRY) if i.kind == "la" for s in i.sources}
    return sorted(sid for sid in ids
                  if sid not in cat or not cat[sid].live or cat[sid].raw_path(data_dir).is_file())


def source_label(source_id: str | None) -> str:
    """Who publishes a source, in words for readers (no catalogue ids)."""
    if not source_id or (isinstance(source_id, float) and np.isnan(source_id)):
        return ""
    s = str(source_id)
    if s.startswith("ons_"):
        return "ONS"
    if s.startswith(("trafford_", "fingertips_")):
        return "OHID Fingertips"
    if s.startswith("ohid_localhealth_"):
        return "OHID Local Health"
    return s


#: Who publishes each small-area indicator's source (``Indicator.source``), in words for readers.
SMALL_AREA_PUBLISHERS = {
    "imd2019_lsoa": "MHCLG, IoD2019", "imd2019_indicators_file8": "MHCLG, IoD2019",
    "ons_hle_msoa_2009_13_llr": "ONS", "ons_dfle_msoa_2009_13_llr": "ONS",
    "ohid_localhealth_le_msoa_2015_19": "OHID, Local Health", "covid_ons_msoa_deaths_2020_england": "ONS",
}


def small_area_source_label(source_id: str | None) -> str:
    """Who publishes a small-area indicator's source, in words for readers ("see About the data" for a
    source :data:`SMALL_AREA_PUBLISHERS` does not name)."""
    return SMALL_AREA_PUBLISHERS.get(str(source_id), "see About the data")


# --------------------------------------------------------------------------- LA values
def source_rows(la: pd.DataFrame, src: LaSource) -> pd.DataFrame:
    """Rows of one source and indicator in a tidy LA frame (jsna.load.fingertips.la_indicators):
    the sex asked for, the category asked for (none = whole-population rows), the broadest age
    band where a file holds several (the most frequent)."""
    rows = la[la["source_id"] == src.source]
    if src.indicator:
        rows = rows[rows["indicator_id"] == src.indicator]
    rows = rows[rows["sex"].fillna("Persons") == src.sex]
    rows = rows[rows["category"] == src.category] if src.category else rows[rows["category"].isna()]
    if "age" in rows and rows["age"].nunique() > 1:
        rows = rows[rows["age"] == rows["age"].mode().iloc[0]]
    return rows


def add_limits(df: pd.DataFrame, ci_method: str = "published") -> pd.DataFrame:
    """Add ``lower95``, ``upper95``, ``lower998``, ``upper998`` and ``ci_method`` to tidy rows.

    ``published``: the file's limits; a missing 99.8% limit is scaled from the 95% one (each side
    multiplied by z(0.999)/z(0.975)). ``wilson``/``byars``: recomputed with jsna.stats.proportion
    (percentages) or jsna.stats.rate (per 100,000) from ``count`` and ``denominator``.
    """
    out = df.copy()
    if ci_method in ("wilson", "byars"):
        if out[["count", "denominator"]].isna().all().all():
            raise ValueError(f"ci_method={ci_method!r} needs count and denominator, which these rows lack")
        ok = out["count"].notna() & out["denominator"].notna()
        calc = out.loc[ok, ["count", "denominator"]].reset_index(names="_row")
        if ci_method == "wilson":
            from jsna.stats.proportion import proportion
            res = proportion(calc, "count", "denominator", group_cols="_row", confidence=(0.95, 0.998),
                             multiplier=100)
            label = "Wilson score"
        else:
            from jsna.stats.rate import rate
            res = rate(calc, "count", "denominator", group_cols="_row", confidence=(0.95, 0.998),
                       multiplier=100000)
            label = "Byars / exact Poisson"
        res = res.set_index("_row")
        for a, b in (("lower95", "lower95_0cl"), ("upper95", "upper95_0cl"),
                     ("lower998", "lower99_8cl"), ("upper998", "upper99_8cl")):
            out[a] = res[b].reindex(out.index).astype(float)
        out["ci_method"] = np.where(ok, label, "no count/denominator")
        return out
    if ci_method != "published":
        raise ValueError(f"ci_method={ci_method!r}; use one of {CI_METHODS}")
    v = out["value"].astype(float)
    out["lower95"] = out["lower_ci95"].astype(float)
    out["upper95"] = out["upper_ci95"].astype(float)
    lo998, hi998 = out["lower_ci998"].astype(float), out["upper_ci998"].astype(float)
    scaled = lo998.isna() & hi998.isna() & out["lower95"].notna() & out["upper95"].notna()
    k = Z998 / Z95
    out["lower998"] = lo998.where(~scaled, v - (v - out["lower95"]) * k)
    out["upper998"] = hi998.where(~scaled, v + (out["upper95"] - v) * k)
    has95 = out["lower95"].notna() & out["upper95"].notna()
    out["ci_method"] = np.select(
        [scaled, has95 & ~scaled], ["published 95%; 99.8% scaled from 95%", "published 95% and 99.8%"],
        "no limits published")
    return out


def _choose(ind: Indicator, la: pd.DataFrame, area_code: str) -> tuple[LaSource | None, pd.DataFrame]:
    """The source holding the latest period for the area (ties: the first listed) and its rows."""
    best, best_rows, best_end = None, la.iloc[0:0], None
    for src in ind.sources:
        rows = source_rows(la, src)
        area = rows[(rows["area_code"] == area_code) & rows["value"].notna()]
        if area.empty:
            continue
        end = area["period_end"].max()
        if best_end is None or end > best_end:
            best, best_rows, best_end = src, rows, end
    return best, best_rows


@dataclass(frozen=True)
class Predecessor:
    """A council formed since April 2019 for exactly the area of an earlier one (data/predecessors.yaml)."""

    code: str
    name: str
    predecessor: str
    predecessor_name: str
    source: str

    @property
    def note(self) -> str:
        return PREDECESSOR_NOTE.format(predecessor_name=self.predecessor_name, name=self.name)


def predecessors(path: Path | None = None) -> dict[str, Predecessor]:
    """{new council's code: :class:`Predecessor`} from data/predecessors.yaml (every field required)."""
    path = Path(path or paths.ROOT / "data" / "predecessors.yaml")
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    fields = set(Predecessor.__dataclass_fields__)
    out = {}
    for i, e in enumerate(entries):
        if not isinstance(e, dict) or set(e) != fields or not all(isinstance(v, str) and v for v in e.values()):
            raise IndicatorError(f"{path}: entry {i + 1} must have exactly the fields {sorted(fields)} "
                                 f"(non-empty text), got {e!r}")
        out[e["code"]] = Predecessor(**e)
    return out


_PREDECESSORS = predecessors()


def first_held_source(ind: Indicator, la: pd.DataFrame) -> LaSource | None:
    """The first of the indicator's sources with any rows in ``la`` (a live source not yet downloaded
    has none): the one a value is expected from."""
    held = set(la["source_id"].dropna().unique()) if len(la) else set()
    return next((s for s in ind.sources if s.source in held), None)


def _refresh_would_fill(ind: Indicator, la: pd.DataFrame) -> bool:
    """True when one of the indicator's sources is a live Fingertips source not read into ``la``
    (not downloaded yet: ``make data REFRESH=1`` fetches every council)."""
    from jsna.catalogue import load_catalogue

    cat = load_catalogue()
    held = set(la["source_id"].dropna().unique()) if len(la) else set()
    return any(s.source in cat and cat[s.source].live and s.source not in held for s in ind.sources)


def missing_reason(ind: Indicator, la: pd.DataFrame, area_code: str) -> str:
    """Why an LA indicator has no value for an area, in words for readers: :data:`NOT_PUBLISHED` when a
    source has the area's rows with every value blank, :data:`NOT_AVAILABLE` when a live Fingertips source
    not yet downloaded would give it, else :data:`NOT_HELD` (with the counties a county's extract covers)."""
    for s in ind.sources:
        rows = source_rows(la, s)
        area = rows[rows["area_code"] == area_code]
        if len(area) and area["value"].isna().all():
            return NOT_PUBLISHED
    if _refresh_would_fill(ind, la):
        return NOT_AVAILABLE
    if str(area_code).startswith(COUNTY_PREFIX):
        counties = set()
        for s in ind.sources:
            codes = source_rows(la, s)["area_code"].astype(str)
            counties |= set(codes[codes.str.startswith(COUNTY_PREFIX)])
        if not counties:
            return NOT_HELD_COUNTY
        if len(counties) < 10:
            return (f"{NOT_HELD} (the Fingertips series used covers districts and unitary authorities, and only "
                    f"{len(counties)} {'county' if len(counties) == 1 else 'counties'})")
    return NOT_HELD


def la_series(ind: Indicator, la: pd.DataFrame, area_code: str) -> tuple[pd.DataFrame, LaSource | None, pd.DataFrame]:
    """Time series of one LA indicator for one area, from the one source every report uses.

    Returns (series, source, rows): ``series`` is the area's rows with a value, oldest first, with
    the limits of :func:`add_limits` and ``england`` (England's value in the same period of the same
    source); ``source`` the :class:`LaSource` used (None when no source has the area); ``rows`` all
    rows of that source (other areas, for region, peers and the spread of authorities).
    """
    if ind.kind != "la":
        raise ValueError(f"la_series: indicator {ind.id!r} is not kind 'la'")
    src, rows = _choose(ind, la, area_code)
    used = area_code
    pred = _PREDECESSORS.get(str(area_code))
    if src is None and pred is not None:  # a council formed since 2019 for the same area: its predecessor's value
        src, rows = _choose(ind, la, pred.predecessor)
        used = pred.predecessor
    if src is None:
        return pd.DataFrame(), None, rows
    area = rows[(rows["area_code"] == used) & rows["value"].notna()]
    if used != area_code:
        area = area.assign(area_code=area_code, note=pred.note)
    area = add_limits(area, ind.ci_method)
    eng = rows[rows["area_code"] == ENGLAND_CODE].drop_duplicates("period").set_index("period")
    area = area.assign(england=area["period"].map(eng["value"]).astype(float),
                       england_lower95=area["period"].map(eng["lower_ci95"]).astype(float),
                       england_upper95=area["period"].map(eng["upper_ci95"]).astype(float))
    return area.sort_values("period_start").reset_index(drop=True), src, rows


def la_history(ind: Indicator, la: pd.DataFrame, area_code: str) -> pd.DataFrame:
    """Every period held of one LA indicator for one area, across ALL its sources (a long series, e.g. ONS life
    expectancy from 2001-03 and OHID's from 2015-17): one row per period, the first-listed source holding it
    winning, with ``england`` (England's value in the same source and period) and ``source_id``; oldest first.
    :func:`la_series` stays the one source every report quotes for the latest value."""
    parts = []
    for rank, src in enumerate(ind.sources):
        rows = source_rows(la, src)
        area = rows[(rows["area_code"] == area_code) & rows["value"].notna()]
        if area.empty:
            continue
        eng = rows[rows["area_code"] == ENGLAND_CODE].drop_duplicates("period").set_index("period")["value"]
        parts.append(area.drop_duplicates("period").assign(
            england=area["period"].drop_duplicates().map(eng).astype(float), _rank=rank))
    cols = ["period", "period_start", "period_end", "value", "england", "source_id"]
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts).sort_values(["period_start", "period_end", "_rank"])
    return out.drop_duplicates("period")[cols].reset_index(drop=True)


def la_latest(ind: Indicator, la: pd.DataFrame, area_code: str) -> dict:
    """The latest held value of one LA indicator for one area, as every report shows it.

    Keys: available, value, lower95, upper95, lower998, upper998, ci_method, period, period_end,
    source_id, source_label, england, england_lower95, england_upper95, compared_to_england (as
    published), note (why it is missing, or where the value came from).
    """
    series, src, _ = la_series(ind, la, area_code)
    if src is None:
        return {"available": False, "note": missing_reason(ind, la, area_code), "source_id": None}
    r = series.iloc[-1]
    note = str(r["note"]) if pd.notna(r.get("note")) and str(r.get("note")) else ""
    if note and "Explore local statistics" in note:  # a county row filled from ONS by the loader
        note = "value from ONS (the Fingertips series used lacks this area)"
    return {"available": True, "value": float(r["value"]), "lower95": r["lower95"], "upper95": r["upper95"],
            "lower998": r["lower998"], "upper998": r["upper998"], "ci_method": r["ci_method"],
            "period": str(r["period"]), "period_end": r["period_end"], "period_start": r["period_start"],
            "source_id": src.source, "source_label": source_label(src.source), "england": r["england"],
            "england_lower95": r["england_lower95"], "england_upper95": r["england_upper95"],
            "compared_to_england": r.get("compared_to_england"), "count": r.get("count"),
            "denominator": r.get("denominator"), "note": note}


def baseline_row(series: pd.DataFrame, setting: str | None) -> pd.Series | None:
    """The baseline row of an area's series: the agreed baseline period (``setting``) when held;
    without a setting, the held period whose middle is nearest :data:`BASELINE_TARGET`. None when
    the baseline period is not held or is the latest period itself."""
    if series.empty:
        return None
    latest = series.iloc[-1]["period"]
    if setting:
        hit = series[series["period"] == setting]
    else:
        mid = series["period_start"] + (series["period_end"] - series["period_start"]) / 2
        hit = series.loc[[(mid - BASELINE_TARGET).abs().idxmin()]]
    if hit.empty or hit.iloc[0]["period"] == latest:
        return None
    return hit.iloc[0]


def pre_pandemic_row(series: pd.DataFrame, setting: str | None) -> pd.Series | None:
    """The row of an area's series for the indicator's last pre-pandemic period (``Indicator.pre_pandemic``);
    None without a setting, when the period is not held, or when it is the latest period."""
    if not setting or series.empty:
        return None
    hit = series[series["period"] == setting]
    if hit.empty or hit.iloc[0]["period"] == series.iloc[-1]["period"]:
        return None
    return hit.iloc[0]


def is_old(period_end: object, today: pd.Timestamp | None = None, years: int = OLD_AFTER_YEARS) -> bool:
    """True when a period ended more than ``years`` years before ``today`` (default: now)."""
    if period_end is None or pd.isna(period_end):
        return False
    today = pd.Timestamp.today().normalize() if today is None else pd.Timestamp(today)
    return pd.Timestamp(period_end) < today - pd.DateOffset(years=years)



# --------------------------------------------------------------------------- the one verdict against England
VERDICT_BY_PUBLISHER = "the publisher's own comparison with England (95% level)"
VERDICT_BY_INTERVAL = "the 95% confidence interval against England's value (Fingertips' method)"


@dataclass(frozen=True)
class EnglandVerdict:
    """An indicator's one verdict against England: ``word`` better / similar / worse (higher / lower
    for an indicator without a polarity, "not compared" without the means to compare) and ``method``
    (:data:`VERDICT_BY_PUBLISHER`, :data:`VERDICT_BY_INTERVAL` or "")."""

    word: str
    method: str

    @property
    def compared(self) -> bool:
        return self.word != "not compared"


def england_verdict(value: float | None, lower95: float | None, upper95: float | None, england: float | None,
                    polarity: str, published: object = None) -> EnglandVerdict:
    """The series' ONE decision of whether a Place's indicator is better, similar or worse than England.

    Every report calls it (the two babies' whole-area rows, the health-equity dashboard, the Core20PLUS5
    view, the headlines), so an indicator never has two verdicts for one Place. The publisher's method
    wherever the publisher gives one:

    1. the publisher's printed comparison (Fingertips' "Compared to England value or percentiles" column:
       "Better", "Similar", "Worse", "Higher", "Lower" ...), read by
       :func:`jsna.stats.compare.published_comparison`;
    2. else the local value's 95% confidence interval against England's value, the method Fingertips
       uses for that column (:func:`jsna.stats.compare.compare_with_benchmark`): better or worse when
       the interval excludes England's value, similar when it includes it. England's own interval
       plays no part: comparing two intervals for overlap (as the two babies once did) misses real
       differences (Schenker and Gentleman 2001);
    3. else "not compared".

    References
    ----------
    - Public Health England (2017). Technical Guide: RAG Rating Indicator Values. Fingertips Public
      Health Data technical guidance ("Compared with benchmark").
    - Schenker N, Gentleman JF (2001). On judging the significance of differences by examining the
      overlap between confidence intervals. Am Stat 55:182-186.

    Examples
    --------
    Leicester's male healthy life expectancy 2022-24 (ONS: 57.8, 95% CI 54.7 to 60.8) against England's
    60.9: the interval excludes 60.9, so worse (the two intervals' overlap would have said no difference).

    >>> england_verdict(57.8, 54.7, 60.8, 60.9, "high_is_good").word
    'worse'
    """
    def missing(x: object) -> bool:
        return x is None or x is pd.NA or (isinstance(x, float) and np.isnan(x))

    word = published_comparison(published, value, england, polarity) if not missing(published) else "not compared"
    if word != "not compared":
        return EnglandVerdict(word, VERDICT_BY_PUBLISHER)
    if missing(lower95) or missing(upper95) or missing(england):
        return EnglandVerdict("not compared", "")
    return EnglandVerdict(str(compare_with_benchmark(float(lower95), float(upper95), float(england), polarity)),
                          VERDICT_BY_INTERVAL)
