"""The deprivation report's tables, as the reader sees them (and the data files behind its change
map): built from the topic's results, no computation."""

from __future__ import annotations

import pandas as pd

from jsna.editions import IOD2025, Edition, edition_of, get_edition
from jsna.load.geography import LSOA_CHANGES
from jsna.topics.deprivation.change import Change
from jsna.topics.deprivation.compute import Headline


def headline_table(place: Headline, england: Headline) -> pd.DataFrame:
    """The key findings' figures as a table: the area beside England (the average score to the three
    decimals MHCLG publishes a district's with, else to one)."""
    dp = 3 if place.published_rank else 1
    rank = f"{place.published_rank} of {place.n_districts}" if place.published_rank else "not in this report's sources"
    return pd.DataFrame({
        "Measure": ["LSOAs", "Residents", f"Average {place.ed.imd} score", "Rank of average score (1 = most deprived)",
                    "LSOAs in England's most deprived 10%", "% of LSOAs in England's most deprived 10%",
                    "Residents of England's most deprived 20% of LSOAs (Core20)", "% of residents in Core20 LSOAs"],
        place.name: [f"{place.n_lsoas:,}", f"{place.population:,}", f"{place.avg_score:.{dp}f}", rank,
                     f"{place.n_lsoas_decile1:,}", f"{place.pct_lsoas_decile1:.1f}",
                     f"{place.core20_population:,}", f"{place.core20_pct:.1f}"],
        "England": [f"{england.n_lsoas:,}", f"{england.population:,}", f"{england.avg_score:.1f}", "",
                    f"{england.n_lsoas_decile1:,}", f"{england.pct_lsoas_decile1:.1f}",
                    f"{england.core20_population:,}", f"{england.core20_pct:.1f}"]})


def area_table(summary: pd.DataFrame, name_col: str, label: str,
               edition: Edition | str | None = None) -> pd.DataFrame:
    """Ward or MSOA summary for display."""
    ed = get_edition(edition)
    return pd.DataFrame({
        label: summary[name_col].astype(str),
        "LSOAs": summary["lsoas"].astype(int),
        f"Population ({ed.population_short})": summary["population"].astype(int),
        f"Average {ed.imd} score (higher = more deprived)": summary["avg_score"].round(1),
        "LSOAs in most deprived 10%": summary["lsoas_decile1"].astype(int),
        "% in most deprived 20% (Core20)": summary["core20_pct"].round(1),
    })


def district_table(summary: pd.DataFrame, edition: Edition | str | None = None) -> pd.DataFrame:
    """District summary for display (with MHCLG's rank among England's districts when known)."""
    ed = get_edition(edition)
    out = area_table(summary, ed.lad_name, "District", ed)
    if "published_rank" in summary.columns:
        out.insert(4, f"Rank of {ed.n_districts} districts (1 = most deprived)",
                   summary["published_rank"].astype("Int64").to_numpy())
    return out


def lsoa_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Most/least deprived LSOAs for display."""
    ed = edition_of(rows)
    return pd.DataFrame({
        "LSOA": rows[ed.lsoa].astype(str) + " " + rows[ed.lsoa_name].astype(str),
        "Neighbourhood (MSOA)": rows[ed.msoa_hcl].astype(str),
        "Ward": rows[ed.ward_name].astype(str),
        "District": rows[ed.lad_name].astype(str),
        f"National rank (of {ed.n_lsoas:,})": rows["imd_rank"].astype(int),
        "National decile": rows["imd_decile"].astype(int),
        f"{ed.imd} score": rows["imd_score"].round(1),
    })


def quintile_table(summary: pd.DataFrame, edition: Edition | str | None = None) -> pd.DataFrame:
    """Local quintile summary for display."""
    ed = get_edition(edition)
    return pd.DataFrame({
        "Local quintile": [f"{q}{' (most deprived)' if q == 1 else ' (least deprived)' if q == 5 else ''}"
                           for q in summary["quintile"].astype(int)],
        "LSOAs": summary["lsoas"].astype(int),
        f"Population ({ed.population_short})": summary["population"].astype(int),
        "% of population": summary["pct_population"].round(1),
        f"{ed.imd} score from": summary["min_score"].round(1),
        f"{ed.imd} score to": summary["max_score"].round(1),
    })


def shares_table(c: Change) -> pd.DataFrame:
    """Neighbourhoods and residents in England's most deprived 10% and 20%, one column per edition."""
    old, new = c.shares.iloc[0], c.shares.iloc[1]
    rows = []
    for what, key in (("Neighbourhoods (LSOAs)", "lsoas"), ("Residents", "residents")):
        rows.append({"Measure": f"{what}: all", "IMD 2019": f"{int(old[key]):,}", "IMD 2025": f"{int(new[key]):,}"})
        for n in (10, 20):
            rows.append({"Measure": f"{what} in England's most deprived {n}%",
                         "IMD 2019": f"{int(old[f'{key}_{n}']):,} ({old[f'pct_{key}_{n}']:.1f}%)",
                         "IMD 2025": f"{int(new[f'{key}_{n}']):,} ({new[f'pct_{key}_{n}']:.1f}%)"})
    if getattr(c, "changed_lsoas", 0):  # the redrawn neighbourhoods the sentence above the table counts
        rows.append({"Measure": "Neighbourhoods of 2021 redrawn from 2011 (split, merged or redrawn)", "IMD 2019": "",
                     "IMD 2025": f"{int(c.changed_lsoas):,}"})
        rows.append({"Measure": "Residents of redrawn neighbourhoods", "IMD 2019": "",
                     "IMD 2025": f"{int(c.changed_residents):,} ({c.pct_changed_residents:.1f}%)"})
    rows.append({"Measure": "Neighbourhoods are those of", "IMD 2019": "2011", "IMD 2025": "2021"})
    rows.append({"Measure": "Residents are", "IMD 2019": "mid-2015 population (MHCLG's, excluding prisoners)",
                 "IMD 2025": "Census 2021 usual residents"})
    return pd.DataFrame(rows)


def moves_table(moves: pd.DataFrame, n: int = 25, min_shift: int = 2) -> pd.DataFrame:
    """The 2021 neighbourhoods that moved ``min_shift`` deciles or more (largest moves first, at most
    ``n``), for display: the 2011 neighbourhood(s), deciles and ranks of both editions."""
    m = moves[moves["shift"].abs() >= min_shift]
    m = m.assign(_a=m["shift"].abs()).sort_values(["_a", "shift", "code"], ascending=[False, True, True],
                                                    kind="mergesort").head(n)
    return pd.DataFrame({
        "LSOA (2021)": m["code"].astype(str) + " " + m["name"].astype(str),
        "Ward (2024)": m["ward"].astype(str),
        "From 2011 LSOAs": m["former_names"].astype(str),
        "Boundary": m["change"].map(LSOA_CHANGES).fillna("unchanged"),
        "Decile IMD 2019": [int(a) if a == b else f"{int(a)} to {int(b)}"
                            for a, b in zip(m["decile_2019_worst"], m["decile_2019_best"], strict=True)],
        "Decile IMD 2025": m["decile_2025"].astype(int),
        "Rank IMD 2019 (of 32,844)": ["several 2011 LSOAs" if pd.isna(v) else f"{int(v):,}" for v in m["rank_2019"]],
        "Rank IMD 2025 (of 33,755)": [f"{int(v):,}" for v in m["rank_2025"]],
        "Residents (Census 2021)": m["residents"].round().astype(int),
    }).reset_index(drop=True)


def moves_data(moves: pd.DataFrame) -> pd.DataFrame:
    """Every compared 2021 neighbourhood (the CSV behind the moves table)."""
    return pd.DataFrame({
        "LSOA 2021 code": moves["code"], "LSOA 2021 name": moves["name"], "Ward (2024)": moves["ward"],
        "District": moves["district"], "Residents (Census 2021)": moves["residents"].round().astype(int),
        "Boundary since 2011": moves["change"].map(LSOA_CHANGES).fillna("unchanged"),
        "Formed from 2011 LSOAs": moves["former"],
        "IMD 2019 decile of those 2011 LSOAs": [str(int(a)) if a == b else f"{int(a)} to {int(b)}" for a, b in
                                                  zip(moves["decile_2019_worst"], moves["decile_2019_best"], strict=True)],
        "IMD 2019 rank of 32,844 (one 2011 LSOA)": moves["rank_2019"],
        "IMD 2025 decile": moves["decile_2025"], "IMD 2025 rank of 33,755": moves["rank_2025"],
        "Decile 2019 to 2025": moves["direction"], "Deciles moved (negative = more deprived)": moves["shift"]})


def ranks_table(ranks: pd.DataFrame) -> pd.DataFrame:
    """MHCLG's published district ranks of average score, 2019 and 2025, for display."""
    def rank(v, n, year: int) -> str:
        return f"not a district in {year}" if pd.isna(v) else f"{int(v)} of {int(n)}"

    return pd.DataFrame({
        "District": ranks["name"].astype(str),
        "Rank of average score, IoD2019 (1 = most deprived)": [
            rank(v, n, 2019) for v, n in zip(ranks["rank_of_avg_score_2019"], ranks["n_districts_2019"], strict=True)],
        "Rank of average score, IoD2025 (1 = most deprived)": [
            rank(v, n, 2025) for v, n in zip(ranks["rank_of_avg_score_2025"], ranks["n_districts_2025"], strict=True)],
        "% of LSOAs in most deprived 10%, IoD2019": (100 * ranks["prop_decile1_2019"]).round(1),
        "% of LSOAs in most deprived 10%, IoD2025": (100 * ranks["prop_decile1_2025"]).round(1),
    })


def map_data(frame, moves: pd.DataFrame) -> pd.DataFrame:
    """The CSV behind the map of the direction of change: every 2021 LSOA drawn, with its 2011
    LSOA(s), deciles and ranks of both editions (:func:`moves_data`; blank where not compared)."""
    ed = IOD2025
    drawn = pd.DataFrame({"LSOA 2021 code": frame[ed.lsoa].to_numpy(), "LSOA 2021 name": frame[ed.lsoa_name].to_numpy(),
                          "Ward (2024)": frame[ed.ward_name].to_numpy()})
    full = moves_data(moves).drop(columns=["LSOA 2021 name", "Ward (2024)"])
    out = drawn.merge(full, on="LSOA 2021 code", how="left")
    out["Decile 2019 to 2025"] = out["Decile 2019 to 2025"].fillna("not compared")
    return out
