"""Covid-19 impact computations (issue 5): waves, deaths, MSOA inequality, vaccine equity.

Pure functions over the tidy frames of :mod:`jsna.load.covid`. Statistics go through
:mod:`jsna.stats` (crude rates, Wilson proportions, quantiles, SII). Problems in the input
are never hidden: every function that can meet one returns it as a flag column or as a
plain-English note in a ``notes`` list, which the notebook prints in its data notes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from jsna import areas, reliability
from jsna.load import DataError
from jsna.places import ENGLAND_CODE

PER = 100_000
#: ONS mid-2019 population estimate for England (MYE2), the denominator the dashboard used.
ENGLAND_POPULATION_2019 = 56_286_961
LEICESTER_LOCKDOWN = pd.Timestamp("2020-06-29")
FREE_TESTING_ENDED = pd.Timestamp("2022-04-01")

#: Wave periods used for annotation and peaks. Waves 1 and 2 follow ONS's definitions
#: (24 Jan-11 Sep 2020, 12 Sep 2020-24 Apr 2021); Delta and Omicron are the approximate
#: periods when each variant dominated in England.
WAVES: tuple[tuple[str, str, str], ...] = (
    ("Wave 1", "2020-01-24", "2020-09-11"),
    ("Wave 2 (Alpha)", "2020-09-12", "2021-04-24"),
    ("Delta", "2021-04-25", "2021-12-14"),
    ("Omicron", "2021-12-15", "2022-12-31"),
)


@dataclass
class Result:
    """A computed table plus the notes a reader needs about it."""

    table: pd.DataFrame
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- coverage


def coverage(codes_wanted: list[str], codes_present: pd.Series | list[str]) -> tuple[list[str], list[str]]:
    """Split wanted area codes into (present, missing) for a file."""
    have = set(pd.Series(codes_present, dtype="string").dropna())
    present = [c for c in codes_wanted if c in have]
    return present, [c for c in codes_wanted if c not in have]


# --------------------------------------------------------------------------- daily series


def complete_daily(df: pd.DataFrame, value_cols: list[str], key: str = "area_code",
                   start: str | pd.Timestamp | None = None,
                   end: str | pd.Timestamp | None = None) -> Result:
    """Reindex each area's daily series to a full calendar, filling absent days with 0.

    The dashboard omits days with no cases, so an absent day means zero. Adds ``filled``
    (True where a row was added). Other columns (e.g. population, names) are carried forward
    within the area. Negative values (downward revisions) are kept and flagged in ``revised``.
    """
    if df.empty:
        raise DataError("complete_daily: no rows to complete (is the area in the file?)")
    lo = pd.Timestamp(start) if start is not None else df["date"].min()
    hi = pd.Timestamp(end) if end is not None else df["date"].max()
    calendar = pd.date_range(lo, hi, freq="D")
    parts, notes, filled_total = [], [], 0
    for code, g in df.groupby(key, sort=False):
        g = g.drop_duplicates("date", keep="last").set_index("date").sort_index()
        g = g.loc[(g.index >= lo) & (g.index <= hi)]
        full = g.reindex(calendar)
        full.index.name = "date"
        added = full[value_cols[0]].isna() & ~full.index.isin(g.index)
        full["filled"] = added
        for c in value_cols:
            if c in g.columns and g[c].isna().any():
                full[c] = full[c].astype("Float64")
            full.loc[added, c] = 0
        other = [c for c in full.columns if c not in (*value_cols, "filled")]
        full[other] = full[other].ffill().bfill()
        full[key] = code
        filled_total += int(added.sum())
        parts.append(full.reset_index())
    out = pd.concat(parts, ignore_index=True)
    revised = np.zeros(len(out), dtype=bool)
    for c in value_cols:
        revised |= (pd.to_numeric(out[c], errors="coerce") < 0).fillna(False).to_numpy()
    out["revised"] = revised
    if filled_total:
        notes.append(f"{filled_total:,} area-days absent from the file were counted as zero "
                     "(the dashboard leaves out days with none).")
    if revised.any():
        notes.append(f"{int(revised.sum()):,} daily value(s) were negative (downward revisions by the "
                     "publisher); they are kept in totals, and any 7-day sum below zero is shown as not available.")
    return Result(out, notes)


def combine_areas(daily: pd.DataFrame, codes: list[str], code: str, name: str,
                  value_cols: list[str], population_col: str | None = "population") -> Result:
    """Sum several areas' complete daily series into one (e.g. a county from its districts).

    If any of ``codes`` is absent the combined series is not computed (empty table) and a note
    names the missing areas: a total without them would be silently wrong.
    """
    present, missing = coverage(codes, daily["area_code"])
    if missing:
        return Result(daily.iloc[0:0].copy(), [
            f"{name}: no rows for {', '.join(missing)} in the file, so the {name} total is not shown."])
    sub = daily[daily["area_code"].isin(codes)]
    agg = {c: "sum" for c in value_cols}
    if population_col:
        pops = sub.groupby("area_code")[population_col].first()
        if len(pops) != len(codes):
            raise DataError(f"combine_areas: population missing for some of {codes}")
    out = sub.groupby("date", as_index=False).agg(agg)
    if population_col:
        out[population_col] = int(pops.sum())
    out["area_code"], out["area_name"] = code, name
    n_dates = sub.groupby("date")["area_code"].nunique()
    if (n_dates < len(codes)).any():
        return Result(out, [f"{name}: the areas' series cover different dates; the total uses dates "
                            "where all areas have data."])
    return Result(out, [])


def rolling_rate(daily: pd.DataFrame, value_col: str, population: str | float,
                 window: int = 7, key: str = "area_code", per: int = PER) -> Result:
    """Add ``<value>_7d`` (trailing 7-day sum) and ``rate_7d`` (per 100,000) to a complete daily series.

    ``population`` is a column name or one number. A population of zero or missing gives an NA
    rate and a note; a negative 7-day sum (revisions) gives NA.
    """
    out = daily.sort_values([key, "date"]).copy()
    vals = pd.to_numeric(out[value_col], errors="coerce").astype("float64")
    roll = vals.groupby(out[key]).transform(lambda s: s.rolling(window, min_periods=window).sum())
    pop = out[population].astype("float64") if isinstance(population, str) else pd.Series(
        float(population), index=out.index)
    notes = []
    bad_pop = pop.isna() | (pop <= 0)
    if bad_pop.any():
        areas = sorted(set(out.loc[bad_pop, key].astype(str)))
        notes.append(f"Population is zero or missing for {', '.join(areas)}: rates not shown for "
                     "those areas.")
    roll = roll.where(roll >= 0)
    out[f"{value_col}_{window}d"] = roll
    out[f"rate_{window}d"] = (roll / pop.where(~bad_pop)) * per
    return Result(out, notes)


def cumulative_rate(daily: pd.DataFrame, value_col: str, population: float, end: str | pd.Timestamp,
                    start: str | pd.Timestamp | None = None, per: int = PER) -> dict[str, float]:
    """Total of ``value_col`` from start to end (inclusive) and the crude rate per 100,000."""
    d = daily[(daily["date"] <= pd.Timestamp(end))]
    if start is not None:
        d = d[d["date"] >= pd.Timestamp(start)]
    total = float(pd.to_numeric(d[value_col], errors="coerce").fillna(0).sum())
    rate = total / population * per if population and population > 0 else float("nan")
    return {"total": total, "rate": rate, "population": population}


def wave_peaks(series: pd.DataFrame, rate_col: str = "rate_7d", key: str = "area_code") -> pd.DataFrame:
    """Highest 7-day rate and its date for each area within each wave period."""
    rows = []
    for code, g in series.groupby(key, sort=False):
        for wave, lo, hi in WAVES:
            w = g[(g["date"] >= lo) & (g["date"] <= hi)].dropna(subset=[rate_col])
            if w.empty:
                continue
            i = w[rate_col].idxmax()
            rows.append({key: code, "area_name": w.get("area_name", pd.Series([code])).iloc[0],
                         "wave": wave, "peak_date": w.at[i, "date"], "peak_rate": float(w.at[i, rate_col])})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- MSOA cases


def msoa_case_totals(weekly: pd.DataFrame, population: pd.DataFrame, msoas: list[str],
                     end: str | pd.Timestamp = "2020-12-31") -> Result:
    """Cumulative 2020 cases per MSOA as a range, because weeks with 0-2 cases are suppressed.

    ``cases_known`` sums published weeks (lower bound); ``cases_upper`` adds 2 per suppressed
    week. Rates per 100,000 use ONS mid-2019 MSOA populations. A week absent from the file
    (not just blank) is counted in ``weeks_missing`` and treated like a suppressed week.
    """
    w = weekly[weekly["msoa11cd"].isin(msoas) & (weekly["week_ending"] <= pd.Timestamp(end))]
    notes: list[str] = []
    present, missing = coverage(msoas, w["msoa11cd"])
    if missing:
        notes.append(f"{len(missing)} MSOA(s) have no weekly case rows ({', '.join(missing[:5])}"
                     f"{'...' if len(missing) > 5 else ''}); they are shown as no data.")
    weeks = pd.DatetimeIndex(sorted(w["week_ending"].unique()))
    if len(weeks) > 1:
        gaps = np.diff(weeks.values).astype("timedelta64[D]").astype(int)
        if (gaps != 7).any():
            notes.append("The weekly MSOA file skips at least one week; totals cover the weeks present only.")
    grid = pd.MultiIndex.from_product([present, weeks], names=["msoa11cd", "week_ending"])
    full = w.set_index(["msoa11cd", "week_ending"]).reindex(grid)
    absent = full["suppressed"].isna()
    if absent.any():
        notes.append(f"{int(absent.sum())} MSOA-week(s) are absent from the file and are treated as 0-2 cases.")
    full["suppressed"] = full["suppressed"].astype("boolean").fillna(True)
    g = full.reset_index().groupby("msoa11cd")
    out = pd.DataFrame({
        "cases_known": g["cases"].sum(min_count=0).astype("int64"),
        "weeks_suppressed": g["suppressed"].sum().astype("int64"),
        "weeks": g.size(),
    }).reset_index()
    out["cases_upper"] = out["cases_known"] + 2 * out["weeks_suppressed"]
    out = out.merge(population[["msoa11cd", "population"]], on="msoa11cd", how="left")
    pop = out["population"].astype("float64")
    bad = pop.isna() | (pop <= 0)
    if bad.any():
        notes.append(f"{int(bad.sum())} MSOA(s) have no usable population; their rates are not shown.")
    pop = pop.where(~bad)
    out["rate_known"] = out["cases_known"] / pop * PER
    out["rate_upper"] = out["cases_upper"] / pop * PER
    n_sup = int(w["suppressed"].sum())
    notes.append(
        f"{n_sup:,} of {len(w):,} MSOA-weeks ({n_sup / max(len(w), 1):.0%}) had 0-2 cases and were "
        "suppressed by the publisher. They are not counted as zero: totals are given as a range from "
        "the published weeks only (lower) to published weeks plus 2 per suppressed week (upper).")
    return Result(out, notes)


# --------------------------------------------------------------------------- deprivation


def local_quintiles(df: pd.DataFrame, score_col: str = "imd_score",
                    weight_col: str = "population") -> pd.DataFrame:
    """Add ``quintile`` (1 = most deprived fifth of the Place's MSOAs by IMD score; population-weighted,
    :func:`jsna.areas.local_quintiles`). Used only where no area table is given."""
    d = df.dropna(subset=[score_col]).copy()
    if len(d) < 5:
        raise DataError(f"local_quintiles: need at least 5 areas with a {score_col!r}, got {len(d)}")
    out = areas.local_quintiles(d, score_col, weight_col, out_col="quintile")
    return out.drop(columns=["quintile_note"])


def rates_by_quintile(df: pd.DataFrame, count_col: str, pop_col: str = "population",
                      quintile_col: str = "quintile") -> pd.DataFrame:
    """Crude rate per 100,000 with 95% limits by local deprivation quintile (jsna.stats.rate)."""
    from jsna import stats

    out = stats.rate(df, count_col, pop_col, group_cols=quintile_col, multiplier=PER)
    out = out.rename(columns={count_col: "numerator", pop_col: "denominator"})
    return out.sort_values(quintile_col, ignore_index=True)


def gap_summary(by_q: pd.DataFrame, quintile_col: str = "quintile", value_type: int = 1,
                multiplier: float = 1, seed: int = 2019, repetitions: int = 10_000) -> dict[str, float]:
    """Most vs least deprived: ratio, difference, and SII with 95% limits (jsna.stats.sii).

    SII follows PHE's sign convention: the modelled value at the least deprived end minus the
    value at the most deprived end (negative = higher in the most deprived).

    ``by_q`` has one row per quintile with value, lowercl, uppercl and the population column
    ``denominator`` (as returned by jsna.stats.rate / proportion).
    """
    from jsna import stats

    q = by_q.set_index(quintile_col)
    if not {1, 5} <= set(q.index):
        raise DataError("gap_summary: quintiles 1 and 5 are both needed")
    most, least = float(q.at[1, "value"]), float(q.at[5, "value"])
    try:
        s = stats.sii(by_q, quintile_col, "denominator", value_col="value", lower_cl_col="lowercl",
                      upper_cl_col="uppercl", value_type=value_type, multiplier=multiplier,
                      repetitions=repetitions, seed=seed)
        sii = (float(s["sii"].iloc[0]), float(s["sii_lowercl"].iloc[0]), float(s["sii_uppercl"].iloc[0]))
    except (NotImplementedError, ValueError):  # e.g. too few quintiles with data: report the gap without SII
        sii = (float("nan"),) * 3
    return {
        "most": most, "least": least,
        "most_lower": float(q.at[1, "lowercl"]), "most_upper": float(q.at[1, "uppercl"]),
        "least_lower": float(q.at[5, "lowercl"]), "least_upper": float(q.at[5, "uppercl"]),
        "ratio": most / least if least > 0 else float("nan"),
        "difference": most - least,
        "sii": sii[0], "sii_lower": sii[1], "sii_upper": sii[2],
    }


def ltla_scatter_data(ltla: pd.DataFrame, district_codes: list[str]) -> Result:
    """All English LTLAs with a ``highlight`` flag for the Place's districts (missing ones noted)."""
    out = ltla.copy()
    present, missing = coverage(district_codes, out["lad19cd"])
    out["highlight"] = out["lad19cd"].isin(present)
    notes = []
    if missing:
        notes.append(f"{', '.join(missing)} not in the all-England LTLA file (2019 boundaries, with "
                     "Hackney+City and Cornwall+Scilly merged), so not highlighted.")
    return Result(out, notes)


def rank_of(ltla: pd.DataFrame, code: str, col: str = "death_rate") -> tuple[int, int]:
    """(rank, n) of one LTLA by ``col``, 1 = highest."""
    r = ltla[col].rank(ascending=False, method="min")
    return int(r[ltla["lad19cd"] == code].iloc[0]), int(ltla[col].notna().sum())


# --------------------------------------------------------------------------- vaccinations

#: Broad age groups for uptake: vaccination band keys (July 2021 file) -> NIMS band keys.
AGE_GROUPS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "16-49": (("under_25", "25_29", "30_34", "35_39", "40_44", "45_49"),
              ("16_24", "25_29", "30_34", "35_39", "40_44", "45_49")),
    "50-64": (("50_54", "55_59", "60_64"), ("50_54", "55_59", "60_64")),
    "65+": (("65_69", "70_74", "75_79", "80_plus"), ("65_69", "70_74", "75_79", "80_plus")),
}


def uptake_by_msoa(vacc: pd.DataFrame, nims: pd.DataFrame, msoas: list[str]) -> Result:
    """Uptake by MSOA, dose and broad age group (and all 16+) against NIMS populations.

    The vaccination 'Under 25' band is compared with NIMS 16-24 (under-16s were hardly vaccinated
    by July 2021). A band with a missing count is left out of both numerator and denominator for
    that MSOA (noted). ``uptake_pct`` is capped at 100 for display and ``over_100`` flags rows where
    people vaccinated exceeded the NIMS population, as NHS England did.
    """
    notes: list[str] = []
    v = vacc[vacc["msoa11cd"].isin(msoas)]
    present, missing = coverage(msoas, v["msoa11cd"])
    _, nims_missing = coverage(present, nims["msoa11cd"])
    if missing:
        notes.append(f"{len(missing)} MSOA(s) are missing from the vaccination file: {', '.join(missing[:5])}.")
    if nims_missing:
        notes.append(f"{len(nims_missing)} MSOA(s) have no NIMS population: {', '.join(nims_missing[:5])}; "
                     "they are left out of uptake figures.")
    nims_long = nims.melt(id_vars="msoa11cd", var_name="nims_band", value_name="population")
    rows = []
    for group, (vbands, nbands) in AGE_GROUPS.items():
        pairs = pd.DataFrame({"age_band": vbands, "nims_band": nbands})
        m = v.merge(pairs, on="age_band").merge(nims_long, on=["msoa11cd", "nims_band"], how="inner")
        m["age_group"] = group
        rows.append(m)
    banded = pd.concat(rows, ignore_index=True)
    gaps = banded["vaccinated"].isna()
    if gaps.any():
        bad = banded.loc[gaps, ["msoa11cd", "age_band", "dose"]].drop_duplicates()
        notes.append(
            f"{bad['msoa11cd'].nunique()} MSOA(s) ({', '.join(sorted(bad['msoa11cd'].unique())[:4])}) have no "
            f"count for {', '.join(sorted(bad['age_band'].unique()))}; that band is left out of both the "
            "count and the population for those MSOAs.")
    banded = banded[~gaps]
    per_group = banded.groupby(["msoa11cd", "dose", "age_group"], as_index=False)[
        ["vaccinated", "population"]].sum()
    all16 = banded.groupby(["msoa11cd", "dose"], as_index=False)[["vaccinated", "population"]].sum()
    all16["age_group"] = "16+"
    out = pd.concat([per_group, all16], ignore_index=True)
    out["vaccinated"] = out["vaccinated"].astype("int64")
    out["population"] = out["population"].astype("int64")
    out = flag_uptake(out, notes)
    return Result(out, notes)


def flag_uptake(df: pd.DataFrame, notes: list[str] | None = None) -> pd.DataFrame:
    """Add ``uptake_raw`` (%), ``uptake_pct`` (capped at 100), ``over_100``, ``vaccinated_capped``.

    A population of zero gives NA uptake. Notes about capping are appended to ``notes``.
    """
    out = df.copy()
    pop = out["population"].astype("float64")
    zero = pop <= 0
    raw = out["vaccinated"] / pop.where(~zero) * 100
    out["uptake_raw"] = raw
    out["over_100"] = (raw > 100).fillna(False)
    out["uptake_pct"] = raw.clip(upper=100)
    out["vaccinated_capped"] = np.minimum(out["vaccinated"], out["population"])
    if notes is not None:
        if out["over_100"].any():
            notes.append(f"{int(out['over_100'].sum())} area/age/dose value(s) had more people vaccinated than "
                         "the NIMS population; uptake is shown as 100% and flagged, as NHS England did, and "
                         "the count is capped at the population in group totals.")
        if zero.any():
            notes.append(f"{int(zero.sum())} area/age value(s) have a NIMS population of zero; uptake not shown.")
    return out


def uptake_by_quintile(uptake: pd.DataFrame, quintiles: pd.DataFrame) -> pd.DataFrame:
    """Wilson 95% limits for uptake (%) by local quintile, dose and age group (jsna.stats.proportion)."""
    from jsna import stats

    d = uptake.merge(quintiles[["msoa11cd", "quintile"]], on="msoa11cd", how="inner")
    d = d[d["population"] > 0]
    out = stats.proportion(d, "vaccinated_capped", "population", group_cols=["dose", "age_group", "quintile"],
                           multiplier=100)
    out = out.rename(columns={"vaccinated_capped": "numerator", "population": "denominator"})
    return out.sort_values(["dose", "age_group", "quintile"], ignore_index=True)


def uptake_march_70plus(vacc03: pd.DataFrame, msoas: list[str]) -> Result:
    """First-dose uptake among people aged 70+ by MSOA, NHS England release of 4 March 2021."""
    v = vacc03[vacc03["msoa11cd"].isin(msoas) & vacc03["age_band"].isin(["70_74", "75_79", "80_plus"])]
    out = v.groupby("msoa11cd", as_index=False)[["vaccinated", "population"]].sum()
    out["dose"], out["age_group"] = 1, "70+"
    notes: list[str] = []
    return Result(flag_uptake(out, notes), notes)


def ltla_uptake(vacc: pd.DataFrame, nims: pd.DataFrame) -> pd.DataFrame:
    """First and second dose uptake (% of NIMS 16+) by LTLA, as NHS England computed it."""
    tot = vacc.groupby(["lad19cd", "lad19nm", "dose"], as_index=False)["vaccinated"].sum(min_count=1)
    tot = tot.merge(nims[["lad19cd", "16_plus"]].rename(columns={"16_plus": "population"}), on="lad19cd")
    return flag_uptake(tot)


# --------------------------------------------------------------------------- Place-level assembly


@dataclass
class Waves:
    """7-day case (or death) rates for a Place, its districts and England, with notes."""

    place: pd.DataFrame
    districts: pd.DataFrame
    england: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    @property
    def available(self) -> bool:
        return not self.place.empty


def _england_series(england: pd.DataFrame, value_col: str, start, end) -> Result:
    eng = england.dropna(subset=[value_col]) if value_col == "deaths" else england
    done = complete_daily(eng[["area_code", "area_name", "date", value_col]], [value_col], start=start, end=end)
    res = rolling_rate(done.table, value_col, ENGLAND_POPULATION_2019)
    return Result(res.table, [f"England: {n}" for n in done.notes + res.notes])


def case_waves(place, cases: pd.DataFrame, england: pd.DataFrame, start: str = "2020-03-01") -> Waves:
    """7-day case rates per 100,000 by specimen date for the Place (sum of its districts), each district
    and England, on a full daily calendar. Denominators: ONS mid-2019 populations carried in the files."""
    end = min(cases["date"].max(), england["date"].max())
    present, missing = coverage(place.district_codes, cases["area_code"])
    eng = _england_series(england, "cases", start, end)
    notes = list(eng.notes)
    if not present:
        return Waves(pd.DataFrame(), pd.DataFrame(), eng.table, notes)
    done = complete_daily(cases[cases["area_code"].isin(present)], ["cases"], start=start, end=end)
    notes += done.notes
    districts = rolling_rate(done.table, "cases", "population")
    notes += districts.notes
    if len(place.district_codes) == 1 and not missing:
        return Waves(districts.table.assign(area_name=place.name), pd.DataFrame(), eng.table, notes)
    combined = combine_areas(done.table, place.district_codes, place.id, place.name, ["cases"])
    notes += combined.notes
    whole = rolling_rate(combined.table, "cases", "population") if not combined.table.empty else Result(
        pd.DataFrame())
    notes += whole.notes
    return Waves(whole.table, districts.table, eng.table, notes)


def death_waves(place, utla: pd.DataFrame, cases: pd.DataFrame, england: pd.DataFrame) -> Waves:
    """7-day deaths within 28 days of a positive test per 100,000 for the Place's upper-tier areas (summed)
    and England, to the end of the local series (21 June 2021). Denominator: ONS mid-2019 population
    (sum of the districts in the UKHSA LTLA file)."""
    present, missing = coverage(place.upper_tier_codes, utla["area_code"])
    eng_end = utla["date"].max()
    eng = _england_series(england, "deaths", "2020-03-01", eng_end)
    if missing:
        names = {a.code: a.name for a in place.upper_tier}
        note = (f"Deaths within 28 days are not available for {', '.join(names[c] for c in missing)} in this release "
                "(the local deaths file covers Leicester, Leicestershire and Rutland only).")
        return Waves(pd.DataFrame(), pd.DataFrame(), eng.table, [note])
    pops = cases.groupby("area_code")["population"].first()
    d_present, d_missing = coverage(place.district_codes, pops.index.to_series())
    if d_missing:
        return Waves(pd.DataFrame(), pd.DataFrame(), eng.table,
                     [f"No population for {', '.join(d_missing)}; death rates not shown."])
    pop = int(pops[place.district_codes].sum())
    sub = utla[utla["area_code"].isin(place.upper_tier_codes)].copy()
    sub["deaths"] = sub["deaths"].fillna(0)
    done = complete_daily(sub[["area_code", "area_name", "date", "deaths"]], ["deaths"], start="2020-03-01",
                          end=eng_end)
    total = done.table.groupby("date", as_index=False)["deaths"].sum()
    total["area_code"], total["area_name"], total["population"] = place.id, place.name, pop
    res = rolling_rate(total, "deaths", "population")
    return Waves(res.table, pd.DataFrame(), eng.table, done.notes + res.notes)


def place_msoas(place, lookup: pd.DataFrame) -> list[str]:
    """The Place's MSOA codes from the LLR MSOA lookup (empty for a Place outside LLR)."""
    return lookup.loc[lookup["lad19cd"].isin(place.district_codes), "msoa11cd"].tolist()


def msoa_deaths_by_quintile(deaths: pd.DataFrame, population: pd.DataFrame, msoas: list[str],
                            msoa_areas: pd.DataFrame | None = None) -> Result:
    """ONS deaths involving COVID-19 (Mar-Dec 2020) by MSOA with population and local quintile.

    ``msoa_areas`` is the Place's area table (:func:`jsna.areas.msoas`): its population-weighted
    IMD score and local quintile are used, so every topic groups the same MSOA the same way.
    Without it, quintiles are formed from the deaths file's own MSOA scores."""
    d = deaths[deaths["msoa11cd"].isin(msoas)].merge(population, on="msoa11cd", how="left")
    if msoa_areas is not None:
        groups = msoa_areas[["msoa11cd", "imd_score", "local_quintile"]].rename(
            columns={"local_quintile": "quintile"})
        d = d.drop(columns=["imd_score"]).merge(groups, on="msoa11cd", how="left")
    notes = []
    _, missing = coverage(msoas, d["msoa11cd"])
    if missing:
        notes.append(f"{len(missing)} MSOA(s) missing from the ONS deaths file ({', '.join(missing[:5])}); "
                     "left out of the deprivation comparison.")
    bad = d["population"].isna() | (d["population"] <= 0)
    if bad.any():
        notes.append(f"{int(bad.sum())} MSOA(s) without a population left out of the rates.")
        d = d[~bad]
    if msoa_areas is not None:
        return Result(d.dropna(subset=["quintile"]).reset_index(drop=True), notes)
    return Result(local_quintiles(d), notes)


def quintile_check(by_q: pd.DataFrame, msoas: pd.DataFrame, events: bool,
                   compared: tuple[int, ...] | None = (1, 5)) -> reliability.Verdict:
    """The reliability rule for a comparison of local quintiles: MSOAs, residents and (for rates)
    events per quintile. ``compared=ALL_FIFTHS`` checks all five (the SII uses every quintile)."""
    n = msoas.groupby("quintile").size()
    g = by_q.assign(n_areas=by_q["quintile"].map(n).fillna(0).astype(int))
    return reliability.assess(g, "quintile", "n_areas", "denominator", "numerator" if events else None,
                              compared=compared)


# --------------------------------------------------------------------------- the whole report

#: Fixed end date for cumulative totals: the last day of the local deaths snapshot.
TOTALS_END = pd.Timestamp("2021-06-21")
TOTALS_START = pd.Timestamp("2020-03-01")


@dataclass
class CovidReport:
    """Everything the Covid-19 notebook shows for one Place (tables, gaps, notes)."""

    place_name: str
    cases: Waves
    deaths: Waves
    totals: dict[str, dict[str, float]]
    totals_table: pd.DataFrame
    msoa: pd.DataFrame | None
    msoa_case_notes: list[str]
    deaths_by_q: pd.DataFrame | None
    cases_by_q: pd.DataFrame | None
    cases_upper_by_q: pd.DataFrame | None
    deaths_gap: dict | None
    cases_gap: dict | None
    scatter: Result
    district_names: dict[str, str]
    ltla: pd.DataFrame
    ons: pd.DataFrame
    ons_table: pd.DataFrame
    uptake_by_q: pd.DataFrame | None
    uptake_gap: dict | None
    uptake_msoa: pd.DataFrame | None
    ltla_uptake: pd.DataFrame | None
    ltla_uptake_table: pd.DataFrame | None
    march_by_q: pd.DataFrame | None
    march_table: pd.DataFrame | None
    uptake_notes: list[str]
    ethnicity_table: pd.DataFrame
    ethnicity: pd.DataFrame
    notes: list[str]
    sources: list[str]
    llr_data: bool
    #: the reliability rule (jsna.reliability) for each within-Place comparison: deaths, cases, uptake
    checks: dict[str, reliability.Verdict] = field(default_factory=dict)


def _totals(waves: Waves, col: str, start=TOTALS_START, end=TOTALS_END) -> dict[str, dict[str, float]]:
    out = {}
    if waves.available:
        pop = float(waves.place["population"].iloc[0])
        out["place"] = cumulative_rate(waves.place, col, pop, end, start)
    if not waves.england.empty:
        out["england"] = cumulative_rate(waves.england, col, ENGLAND_POPULATION_2019, end, start)
    return out


def _ons_table(ons: pd.DataFrame) -> pd.DataFrame:
    e = ons[(ons["area_code"] == ENGLAND_CODE) & ons["group"].isin(["most deprived areas", "least deprived areas"])]
    wide = e.pivot_table(index=["period_start", "period_end"], columns="group", values="value").reset_index()
    src = e.groupby(["period_start", "period_end"])["source_type"].first().reset_index()
    wide = wide.merge(src, on=["period_start", "period_end"])
    wide["ratio"] = (wide["most deprived areas"] / wide["least deprived areas"]).round(2)
    return pd.DataFrame({
        "Period": [f"{a.day} {a:%b %Y} to {b.day} {b:%b %Y}" for a, b in zip(wide["period_start"], wide["period_end"],
                                                                          strict=True)],
        "Most deprived (per 100,000)": wide["most deprived areas"],
        "Least deprived (per 100,000)": wide["least deprived areas"],
        "Ratio": wide["ratio"],
        "Source": wide["source_type"],
    })


@dataclass
class Inputs:
    """Every frame the Covid-19 report reads, loaded through jsna.load.covid and jsna.areas."""

    cases: pd.DataFrame
    england: pd.DataFrame
    utla: pd.DataFrame
    lookup: pd.DataFrame
    msoa_pop: pd.DataFrame
    msoa_weekly: pd.DataFrame
    msoa_deaths: pd.DataFrame
    ltla_deaths: pd.DataFrame
    vacc07: pd.DataFrame
    vacc03: pd.DataFrame
    vacc_ltla: pd.DataFrame
    nims_m: pd.DataFrame
    nims_l: pd.DataFrame
    ons: pd.DataFrame
    ethnicity: pd.DataFrame
    msoa_areas: pd.DataFrame | None = None


def load_inputs(place, data_dir=None) -> Inputs:
    """Load every source of the topic (one call per source) and the Place's MSOA area table."""
    from jsna.load import census
    from jsna.load import covid as load

    return Inputs(
        cases=load.ltla_cases_daily(data_dir), england=load.england_daily(data_dir),
        utla=load.utla_cases_deaths_daily(data_dir), lookup=load.msoa_lookup(data_dir),
        msoa_pop=load.msoa_population_2019(data_dir), msoa_weekly=load.msoa_cases_weekly_2020(data_dir),
        msoa_deaths=load.msoa_deaths_2020(data_dir), ltla_deaths=load.ltla_deathrate_imd(data_dir),
        vacc07=load.vaccinations_msoa_2021_07(data_dir), vacc03=load.vaccinations_msoa_2021_03(data_dir),
        vacc_ltla=load.vaccinations_ltla_2021_07(data_dir), nims_m=load.nims_msoa(data_dir),
        nims_l=load.nims_ltla(data_dir), ons=load.ons_deprivation_headlines(data_dir),
        ethnicity=census2021_ethnicity(census.ethnic_group_ltla(data_dir)),
        msoa_areas=areas.msoas(place, data_dir))


def compute(place, inputs: Inputs, seed: int = 2019) -> CovidReport:
    """Everything the Covid-19 report shows for one Place (see :func:`headlines`)."""
    i = inputs
    return headlines(place, i.cases, i.england, i.utla, i.lookup, i.msoa_pop, i.msoa_weekly, i.msoa_deaths,
                     i.ltla_deaths, i.vacc07, i.vacc03, i.vacc_ltla, i.nims_m, i.nims_l, i.ons, i.ethnicity,
                     seed=seed, msoa_areas=i.msoa_areas)


def headlines(place, cases, england, utla, lookup, msoa_pop, msoa_weekly, msoa_deaths, ltla_deaths,
              vacc07, vacc03, vacc_ltla, nims_m, nims_l, ons, ethnicity, seed: int = 2019,
              msoa_areas: pd.DataFrame | None = None) -> CovidReport:
    """Compute every table and gap in the Covid-19 report for one Place from the loaded frames.

    LLR-only inputs give None/empty parts for other Places (the notebook then says "not available");
    the England-wide LTLA file still places any Place's districts on the national picture.
    ``msoa_areas``: the Place's MSOA area table (:func:`jsna.areas.msoas`) for the local quintiles.
    """
    notes: list[str] = []
    cw = case_waves(place, cases, england)
    dw = death_waves(place, utla, cases, england)
    notes += cw.notes + [n for n in dw.notes if n not in cw.notes]
    totals = {"cases": _totals(cw, "cases"), "deaths": _totals(dw, "deaths")}
    rows = []
    for what in ("cases", "deaths"):
        for who, label in (("place", place.name), ("england", "England")):
            t = totals[what].get(who)
            if t:
                rows.append({"Measure": "Cases (specimen date)" if what == "cases" else "Deaths within 28 days",
                             "Area": label, "Total": round(t["total"]), "Per 100,000": round(t["rate"], 1)})
    totals_table = pd.DataFrame(rows)
    if not totals_table.empty:
        totals_table["Period"] = f"1 March 2020 to {TOTALS_END.day} June 2021"

    msoas = place_msoas(place, lookup)
    llr = bool(msoas)
    msoa = deaths_by_q = cases_by_q = deaths_gap = cases_gap = cases_upper_by_q = None
    uptake_by_q = uptake_gap = uptake_msoa = march_by_q = march_table = None
    msoa_case_notes: list[str] = []
    uptake_notes: list[str] = []
    checks: dict[str, reliability.Verdict] = {}
    if llr:
        dq = msoa_deaths_by_quintile(msoa_deaths, msoa_pop, msoas, msoa_areas)
        notes += dq.notes
        q = dq.table
        ct = msoa_case_totals(msoa_weekly, msoa_pop, msoas)
        msoa_case_notes = ct.notes
        names = lookup[["msoa11cd", "msoa11nm"]]
        msoa = (names[names["msoa11cd"].isin(msoas)]
                .merge(q[["msoa11cd", "deaths", "crude_rate", "imd_score", "quintile", "population"]],
                       on="msoa11cd", how="left")
                .merge(ct.table.drop(columns=["population"]), on="msoa11cd", how="left")
                .rename(columns={"crude_rate": "death_rate"}))
        deaths_by_q = rates_by_quintile(q, "deaths")
        deaths_gap = gap_summary(deaths_by_q, seed=seed)
        checks["deaths"] = quintile_check(deaths_by_q, q, events=True, compared=reliability.ALL_FIFTHS)
        cq = msoa.dropna(subset=["quintile", "cases_known"])
        cases_by_q = rates_by_quintile(cq.assign(cases_known=cq["cases_known"].astype("int64")), "cases_known")
        cases_gap = gap_summary(cases_by_q, seed=seed)
        checks["cases"] = quintile_check(cases_by_q, cq, events=True, compared=reliability.ALL_FIFTHS)
        cases_upper_by_q = rates_by_quintile(cq.assign(cases_upper=cq["cases_upper"].astype("int64")),
                                             "cases_upper")
        up = uptake_by_msoa(vacc07, nims_m, msoas)
        uptake_notes += up.notes
        uptake_by_q = uptake_by_quintile(up.table, q)
        sel = uptake_by_q[(uptake_by_q["dose"] == 1) & (uptake_by_q["age_group"] == "16+")]
        uptake_gap = gap_summary(sel, value_type=2, seed=seed)
        checks["uptake"] = quintile_check(sel, q, events=False)
        u = up.table[(up.table["dose"] == 1) & (up.table["age_group"] == "16+")]
        uptake_msoa = u[["msoa11cd", "vaccinated", "population", "uptake_pct", "over_100"]]
        m03 = uptake_march_70plus(vacc03, msoas)
        uptake_notes += [f"March 2021 release: {n}" for n in m03.notes]
        march_by_q = uptake_by_quintile(m03.table, q)
        march_table = pd.DataFrame({
            "Local quintile": march_by_q["quintile"].map({1: "1 most deprived", 5: "5 least deprived"}).fillna(
                march_by_q["quintile"].astype(str)),
            "People 70+ vaccinated": march_by_q["numerator"].astype("int64"),
            "Population 70+ (release denominator)": march_by_q["denominator"].astype("int64"),
            "Uptake %": march_by_q["value"].round(1),
            "95% CI": [f"{a:.1f} to {b:.1f}" for a, b in zip(march_by_q["lowercl"], march_by_q["uppercl"], strict=True)],
        })
    names = {a.code: a.name for a in place.districts}
    scatter = ltla_scatter_data(ltla_deaths, place.district_codes)
    notes += scatter.notes
    lu = lut = None
    if llr:
        lu = ltla_uptake(vacc_ltla, nims_l)
        lu = lu[lu["lad19cd"].isin(place.district_codes)]
        lut = lu.pivot_table(index="lad19nm", columns="dose", values="uptake_pct").reset_index()
        lut.columns = ["District", "First dose %", "Second dose %"]
        lut[["First dose %", "Second dose %"]] = lut[["First dose %", "Second dose %"]].round(1)
    eth = ethnicity_view(ethnicity, ltla_deaths, lu, place)
    sources = ["covid_ltla_cases_daily", "covid_england_daily", "covid_utla_cases_deaths_daily",
               "covid_msoa_cases_weekly_2020", "covid_ons_msoa_deaths_2020", "covid_vacc_msoa_2021_03",
               "covid_ltla_cumdeathrate_imd_england", "covid_ons_deprivation_headlines", "covid_vacc_msoa_2021_07",
               "covid_vacc_ltla_2021_07", "covid_nims_msoa", "covid_nims_ltla", "census2021_ethnic_group_ltla21",
               "covid_msoa_lookup"]
    return CovidReport(
        place_name=place.name, cases=cw, deaths=dw, totals=totals, totals_table=totals_table, msoa=msoa,
        msoa_case_notes=msoa_case_notes, deaths_by_q=deaths_by_q, cases_by_q=cases_by_q,
        cases_upper_by_q=cases_upper_by_q, deaths_gap=deaths_gap,
        cases_gap=cases_gap, scatter=scatter, district_names=names, ltla=ltla_deaths, ons=ons,
        ons_table=_ons_table(ons), uptake_by_q=uptake_by_q, uptake_gap=uptake_gap, uptake_msoa=uptake_msoa,
        ltla_uptake=lu, ltla_uptake_table=lut, march_by_q=march_by_q, march_table=march_table,
        uptake_notes=uptake_notes, ethnicity_table=_ethnicity_table(eth), ethnicity=eth, notes=notes,
        sources=sources, llr_data=llr, checks=checks)


SOUTH_ASIAN = ("Indian", "Pakistani", "Bangladeshi")


def census2021_ethnicity(census: pd.DataFrame) -> pd.DataFrame:
    """Census 2021 ethnic group by district (jsna.load.census.ethnic_group_ltla), England only, as
    shares: lad20cd (the 2021 district code), minority_prop (every group other than White, the
    definition of the 2011 'minority ethnic' share), south_asian_prop, black_prop."""
    d = census[census["ltla21cd"].str.startswith("E")]
    tot = d.groupby("ltla21cd")["persons"].sum()
    def share(mask: pd.Series) -> pd.Series:
        return d[mask].groupby("ltla21cd")["persons"].sum().reindex(tot.index, fill_value=0) / tot
    group = d["ethnic_group"].str.split(": ", n=1).str[-1]
    out = pd.DataFrame({
        "lad20cd": tot.index,
        "minority_prop": share(d["broad_group"] != "White").to_numpy(),
        "south_asian_prop": share(d["broad_group"].str.startswith("Asian") & group.isin(SOUTH_ASIAN)).to_numpy(),
        "black_prop": share(d["broad_group"].str.startswith("Black")).to_numpy(),
    })
    return out.reset_index(drop=True)


def ethnicity_view(ethnicity: pd.DataFrame, ltla_deaths: pd.DataFrame, uptake: pd.DataFrame | None,
                   place) -> pd.DataFrame:
    """The Place's districts: Census 2021 minority ethnic share, death rate (Feb 2021) and uptake.

    Joined on district code (2021 codes in the Census file, 2019 in the others; LLR codes are
    the same in both). Districts missing from a file get NA.
    """
    d = pd.DataFrame({"lad19cd": place.district_codes, "district": [a.name for a in place.districts]})
    d = d.merge(ethnicity.rename(columns={"lad20cd": "lad19cd"}), on="lad19cd", how="left")
    d = d.merge(ltla_deaths[["lad19cd", "death_rate"]], on="lad19cd", how="left")
    if uptake is not None and not uptake.empty:
        first = uptake[uptake["dose"] == 1][["lad19cd", "uptake_pct"]].rename(columns={"uptake_pct": "first_dose_pct"})
        d = d.merge(first, on="lad19cd", how="left")
    else:
        d["first_dose_pct"] = np.nan
    d["england_minority_rank"] = d["minority_prop"].map(
        lambda v: int((ethnicity["minority_prop"] > v).sum()) + 1 if pd.notna(v) else pd.NA)
    d["n_ltla"] = int(ethnicity["minority_prop"].notna().sum())
    return d


def _ethnicity_table(eth: pd.DataFrame) -> pd.DataFrame:
    if eth.empty:
        return eth
    return pd.DataFrame({
        "District": eth["district"],
        "Minority ethnic groups % (2021)": (eth["minority_prop"] * 100).round(1),
        "South Asian % (2021)": (eth["south_asian_prop"] * 100).round(1),
        "Black % (2021)": (eth["black_prop"] * 100).round(1),
        "First dose % of NIMS 16+ (July 2021)": eth["first_dose_pct"].round(1),
        "Deaths per 100,000 (to Feb 2021)": eth["death_rate"],
    })


def headline_text(h: CovidReport) -> str:
    """Deterministic plain-text headline numbers (for the notebook's nbval-checked cell)."""
    lines = [f"Place: {h.place_name}"]
    if h.cases.available:
        pk = h.cases.place.loc[h.cases.place["rate_7d"].idxmax()]
        lines.append(f"Peak 7-day case rate: {pk['rate_7d']:.1f} per 100,000 ({pk['date']:%Y-%m-%d})")
    for what in ("cases", "deaths"):
        t = h.totals[what].get("place")
        if t:
            lines.append(f"{what.capitalize()} 2020-03-01 to 2021-06-21: {t['total']:.0f} ({t['rate']:.1f} per 100,000)")
    below = "not compared (below the reliability minimum)"
    if h.deaths_gap:
        lines.append("ONS deaths Mar-Dec 2020 per 100,000, most vs least deprived quintile: " + (
            f"{h.deaths_gap['most']:.1f} vs {h.deaths_gap['least']:.1f}" if h.checks["deaths"].ok else below))
    if h.uptake_gap:
        lines.append("First-dose uptake 16+ July 2021, most vs least deprived quintile: " + (
            f"{h.uptake_gap['most']:.1f}% vs {h.uptake_gap['least']:.1f}%" if h.checks["uptake"].ok else below))
    return "\n".join(lines)
