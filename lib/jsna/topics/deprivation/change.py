"""What changed between IoD2019 and IoD2025 for a Place: shares in England's most deprived 10% and
20% in each edition, and the neighbourhoods that moved decile.

The two editions sit on different neighbourhoods: IoD2019 on the LSOAs of 2011, IoD2025 on those of
2021. The ONS LSOA 2011 -> 2021 lookup (:func:`jsna.load.geography.lsoa11_lsoa21_lookup`) links them:
most LSOAs are unchanged (U); some 2011 LSOAs were split into several (S), some merged into one
(M), a few redrawn irregularly (X). Each 2021 LSOA of the Place is compared with the 2011 LSOA(s) it
came from:

* one former LSOA (unchanged or split): its 2019 decile against the 2021 LSOA's 2025 decile;
* several (merged or redrawn): the 2025 decile against the range of the former LSOAs' 2019 deciles,
  "more deprived" only when below all of them, "less deprived" only when above all of them.

A 2021 LSOA whose former LSOAs are not all in the Place's 2019 table (or that the lookup lacks), and
a 2011 LSOA of the Place with no successor in its 2025 table, cannot be compared: they are listed,
with the residents they hold, never dropped silently.

MHCLG's caveat (:data:`jsna.editions.CHANGE_CAVEAT`): compare ranks and deciles, not scores. No score
is compared here. Residents: IoD2019's mid-2015 population for 2019 shares, Census 2021 usual
residents for 2025 shares and for the neighbourhoods that moved.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from jsna.areas import CORE20_DECILES, codes_in, core20_summary
from jsna.editions import IOD2019, IOD2025

__all__ = ["Change", "ChangeReport", "edition_shares", "compare", "decile_shares", "district_ranks", "for_place",
           "DIRECTIONS"]

#: direction of a 2021 LSOA's move, in the order of the legend (most deprived first)
DIRECTIONS = ("more deprived decile", "same decile", "within its former LSOAs' deciles",
              "less deprived decile")


def edition_shares(lsoas: pd.DataFrame, label: str, population: str) -> dict:
    """LSOAs and residents of one edition's Place table in England's most deprived 10% (decile 1)
    and 20% (deciles 1-2): counts and shares (%)."""
    d = lsoas["imd_decile"].astype(int)
    pop = lsoas["pop_total"].astype(float)
    total = float(pop.sum())
    d1 = d == 1
    c20 = core20_summary(lsoas).iloc[0]  # the most deprived 20%: the one Core20 summary (jsna.areas)
    return {
        "edition": label, "population": population, "lsoas": len(lsoas),
        "lsoas_10": int(d1.sum()), "pct_lsoas_10": 100.0 * d1.mean(),
        "lsoas_20": int(c20["lsoas_core20"]), "pct_lsoas_20": 100.0 * int(c20["lsoas_core20"]) / len(lsoas),
        "residents": int(round(total)),
        "residents_10": int(round(pop[d1].sum())), "pct_residents_10": 100.0 * pop[d1].sum() / total if total else np.nan,
        "residents_20": int(round(float(c20["pop_core20"]))),
        "pct_residents_20": float(c20["share_core20"]) if total else np.nan,
    }


def decile_shares(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Per national decile 1-10: % of the Place's residents and LSOAs in it, 2019 and 2025."""
    out = pd.DataFrame({"decile": range(1, 11)})
    for tag, df in (("2019", old), ("2025", new)):
        g = df.groupby(df["imd_decile"].astype(int))
        pop = out["decile"].map(g["pop_total"].sum()).fillna(0.0)
        n = out["decile"].map(g.size()).fillna(0).astype(int)
        out[f"pct_residents_{tag}"] = 100.0 * pop / pop.sum()
        out[f"lsoas_{tag}"] = n
        out[f"pct_lsoas_{tag}"] = 100.0 * n / n.sum()
    return out


@dataclass(frozen=True)
class Change:
    """The 2019 -> 2025 comparison of one Place (see the module docstring)."""

    shares: pd.DataFrame  # one row per edition: edition_shares
    deciles: pd.DataFrame  # decile_shares
    moves: pd.DataFrame  # one row per compared 2021 LSOA
    unmatched_new: pd.DataFrame  # 2021 LSOAs that cannot be compared: code, name, district, residents, reason
    unmatched_old: pd.DataFrame  # 2011 LSOAs of 2019 with no successor in the 2025 table (residents mid-2015)
    residents: int  # Census 2021 residents of the Place's 2021 LSOAs
    changed_lsoas: int  # 2021 LSOAs whose boundaries changed (split, merged or redrawn)
    changed_residents: int  # their Census 2021 residents

    @property
    def pct_changed_residents(self) -> float:
        return 100.0 * self.changed_residents / self.residents if self.residents else float("nan")

    def counts(self) -> dict[str, int]:
        """Compared 2021 LSOAs by direction (:data:`DIRECTIONS`), plus 'compared', 'two_or_more'
        (moved two deciles or more), into/out of the most deprived 10% and 20%."""
        m = self.moves
        out = {k: int((m["direction"] == k).sum()) for k in DIRECTIONS}
        out["compared"] = len(m)
        out["two_or_more"] = int((m["shift"].abs() >= 2).sum())
        for n, decs in ((10, (1,)), (20, CORE20_DECILES)):
            top = max(decs)
            out[f"into_{n}"] = int(((m["decile_2025"] <= top) & (m["decile_2019_best"] > top)).sum())
            out[f"out_of_{n}"] = int(((m["decile_2025"] > top) & (m["decile_2019_worst"] <= top)).sum())
        return out


def _joined_by(keys: pd.Series, values: pd.Series) -> dict[str, str]:
    """``", ".join`` of each key's values that are not missing, in order (a plain loop: a pandas
    aggregation with a Python function per 2021 neighbourhood took seconds for a large county)."""
    parts: dict[str, list[str]] = {}
    for key, value in zip(keys.to_numpy(), values.to_numpy(), strict=True):
        if isinstance(value, str) or not pd.isna(value):
            parts.setdefault(key, []).append(str(value))
    return {key: ", ".join(v) for key, v in parts.items()}


def compare(old: pd.DataFrame, new: pd.DataFrame, bridge: pd.DataFrame) -> Change:
    """Compare the Place's IoD2019 table (``old``: jsna.areas.lsoas(place, edition="iod2019")) with
    its IoD2025 table (``new``) through the ONS LSOA 2011 -> 2021 lookup (``bridge``:
    jsna.load.geography.lsoa11_lsoa21_lookup)."""
    o, n = IOD2019, IOD2025
    for df, ed in ((old, o), (new, n)):
        if ed.lsoa not in df.columns:
            raise ValueError(f"compare: expected an {ed.short} table with column {ed.lsoa!r}")
    ref = old[[o.lsoa, o.lsoa_name, "imd_decile", "imd_rank"]].rename(
        columns={o.lsoa: "lsoa11cd", o.lsoa_name: "_name11", "imd_decile": "_dec", "imd_rank": "_rank"})
    new_codes = set(new[n.lsoa])
    b = bridge[codes_in(bridge["lsoa21cd"], new_codes) | codes_in(bridge["lsoa11cd"], ref["lsoa11cd"])]
    pairs = b[codes_in(b["lsoa21cd"], new_codes)].merge(ref, on="lsoa11cd", how="left")
    label = pairs["lsoa11cd"] + (" " + pairs["lsoa11nm"] if "lsoa11nm" in pairs else "")
    pairs["_outside"] = label.where(pairs["_dec"].isna())
    per = pairs.groupby("lsoa21cd", sort=False).agg(
        change=("change", "first"), n=("lsoa11cd", "size"), lo=("_dec", "min"), hi=("_dec", "max"),
        rank=("_rank", "first"))
    for col, src in (("former", "lsoa11cd"), ("former_names", "_name11"), ("outside", "_outside")):
        joined = _joined_by(pairs["lsoa21cd"], pairs[src])
        per[col] = [joined.get(k, "") for k in per.index]
    base = pd.DataFrame({"code": new[n.lsoa].to_numpy(), "name": new[n.lsoa_name].to_numpy(),
                         "ward": new[n.ward_name].to_numpy(), "district": new[n.lad_name].to_numpy(),
                         "residents": new["pop_total"].astype(float).to_numpy(),
                         "decile_2025": new["imd_decile"].astype(int).to_numpy(),
                         "rank_2025": new["imd_rank"].astype(int).to_numpy()})
    d = base.join(per, on="code")
    no_lookup = d["change"].isna()
    outside = ~no_lookup & (d["outside"] != "")
    unmatched = pd.concat([
        d.loc[no_lookup, ["code", "name", "ward", "district", "residents"]].assign(
            reason="not in the ONS lookup from 2011 to 2021 neighbourhoods"),
        d.loc[outside, ["code", "name", "ward", "district", "residents"]].assign(
            reason=[f"formed partly from 2011 neighbourhoods outside the 2019 area ({x})" for x in d.loc[outside, "outside"]]),
    ]).sort_index()
    m = d[~no_lookup & ~outside].copy()
    lo, hi, new_dec = m["lo"].astype(int), m["hi"].astype(int), m["decile_2025"]
    single = m["n"] == 1
    m["direction"] = np.select([new_dec < lo, new_dec > hi, (lo == hi) & (hi == new_dec)],
                               [DIRECTIONS[0], DIRECTIONS[3], DIRECTIONS[1]], DIRECTIONS[2])
    m["shift"] = np.where(new_dec < lo, new_dec - lo, np.where(new_dec > hi, new_dec - hi, 0)).astype(int)
    moves = pd.DataFrame({
        "code": m["code"], "name": m["name"], "ward": m["ward"], "district": m["district"],
        "residents": m["residents"], "change": m["change"], "former": m["former"], "former_names": m["former_names"],
        "decile_2019_best": hi, "decile_2019_worst": lo, "decile_2019": lo.where(single),
        "rank_2019": m["rank"].where(single), "decile_2025": new_dec, "rank_2025": m["rank_2025"],
        "direction": m["direction"], "shift": m["shift"]})
    kinds = per["change"]
    moves = moves.astype({"decile_2019": "Int64", "rank_2019": "Int64"})
    succ = set(b.loc[codes_in(b["lsoa21cd"], new_codes), "lsoa11cd"])
    lost = old[~codes_in(old[o.lsoa], succ)]
    unmatched_old = pd.DataFrame({"code": lost[o.lsoa], "name": lost[o.lsoa_name], "district": lost[o.lad_name],
                                  "residents": lost["pop_total"].astype(float),
                                  "reason": "no 2021 neighbourhood in the 2025 area"}).reset_index(drop=True)
    changed = new[n.lsoa].map(kinds).fillna("U") != "U"
    shares = pd.DataFrame([edition_shares(old, o.short, o.population_label),
                           edition_shares(new, n.short, n.population_label)])
    return Change(shares=shares, deciles=decile_shares(old, new), moves=moves.sort_values(
                      ["shift", "decile_2025", "code"], kind="mergesort").reset_index(drop=True),
                  unmatched_new=unmatched.reset_index(drop=True)[["code", "name", "ward", "district", "residents",
                                                                  "reason"]],
                  unmatched_old=unmatched_old, residents=int(round(float(new["pop_total"].sum()))),
                  changed_lsoas=int(changed.sum()),
                  changed_residents=int(round(float(new.loc[changed, "pop_total"].sum()))))


def district_ranks(old_published: pd.DataFrame, new_published: pd.DataFrame) -> pd.DataFrame:
    """MHCLG's published rank of each district's average score, 2019 (of 317) and 2025 (of 296), from
    jsna.topics.deprivation.compute.published_districts of each edition: one row per district code
    (a council formed since 2019 has a 2025 rank only; the districts it was formed from, 2019 only)."""
    cols = ["code", "name", "rank_of_avg_score", "prop_decile1", "n_districts"]
    a = old_published[cols].rename(columns=lambda c: c if c in ("code", "name") else f"{c}_2019")
    z = new_published[cols].rename(columns=lambda c: c if c in ("code", "name") else f"{c}_2025")
    out = a.merge(z, on="code", how="outer", suffixes=("", "_new"), sort=False)
    out["name"] = out["name"].fillna(out.pop("name_new"))
    order = list(dict.fromkeys([*new_published["code"], *old_published["code"]]))
    return out.set_index("code").loc[order].reset_index()


# ---------------------------------------------------------------------------------------------
# The section's figures for one Place
# ---------------------------------------------------------------------------------------------

@dataclass
class ChangeReport:
    """Everything the 2019 -> 2025 section shows for one Place."""

    change: Change
    ranks: pd.DataFrame  # district_ranks
    frame: object  # GeoDataFrame of the Place's 2021 LSOAs with column 'direction' (NA: not compared)

    @property
    def counts(self) -> dict[str, int]:
        return self.change.counts()


def for_place(old: pd.DataFrame, new: pd.DataFrame, bridge: pd.DataFrame, published_2019: pd.DataFrame,
              published_2025: pd.DataFrame, frame) -> ChangeReport:
    """The 2019 -> 2025 section of one Place: :func:`compare` of its IoD2019 table (``old``) and its
    IoD2025 table (``new``) through the ONS lookup (``bridge``), :func:`district_ranks` of MHCLG's
    published district figures of each edition (jsna.topics.deprivation.compute.published_districts)
    and ``frame``, the map frame of its 2021 LSOAs (compute.map_frame), with each one's direction."""
    c = compare(old, new, bridge)
    keep = [IOD2025.lsoa, IOD2025.lsoa_name, IOD2025.ward_name, IOD2025.lad, IOD2025.lad_name, IOD2025.utla,
            IOD2025.utla_name, frame.geometry.name]
    frame = frame[keep].merge(c.moves[["code", "direction"]].rename(columns={"code": IOD2025.lsoa}),
                              on=IOD2025.lsoa, how="left")
    return ChangeReport(change=c, ranks=district_ranks(published_2019, published_2025), frame=frame)
