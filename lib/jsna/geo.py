"""Place geography: Place-code validation against the ONS lookups, regions, and
`python -m jsna params` (write a params file for any English upper-tier local authority).

Two vintages of council codes are known: April 2019 (IoD2019, LSOA/MSOA 2011 tables) and April 2023
(today's 153 upper-tier councils; IoD2025 and Census 2021 on LSOA 2021). Params files are written in
April 2023 codes. A council formed after April 2019 (Buckinghamshire 2020, North and West
Northamptonshire 2021, Cumberland, Westmorland and Furness, North Yorkshire and Somerset 2023) also lists
the April 2019 districts it was formed from (``areas_2019``), for data published on the older areas.
Every 2019 -> 2023 change was a merger of whole districts, so that link is exact at district level.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import sys
from pathlib import Path

import pandas as pd
import yaml

from jsna import paths, reads
from jsna.load.geography import lsoa_lookup, ltla_utla_lookup
from jsna.places import (
    Area,
    Place,
    PlaceError,
    available_places,
    load_place,
    place_from_dict,
)
from jsna.words import possessive

__all__ = [
    "councils",
    "district_bridge",
    "areas_2019_of",
    "load_valid_place",
    "validate_place",
    "upper_tier_areas",
    "region_of",
    "utla_regions",
    "new_params",
    "region_of_2023",
    "code_vintages",
    "write_params",
    "params_main",
    "slugify",
    "describe_code",
]


def _file_key(source_id: str, data_dir: Path | None) -> tuple:
    """(path, size, mtime) of a catalogued raw file: a cache key that changes when the file does."""
    from jsna.catalogue import get_source

    path = get_source(source_id).raw_path(data_dir)
    try:
        st = path.stat()
        return (str(path.resolve()), st.st_size, st.st_mtime_ns)
    except OSError:  # missing file: the loader raises its clear error
        return (str(path), -1, -1)


def _ltla_lookup(data_dir: Path | None) -> pd.DataFrame:
    """ltla_utla_lookup, read once per file version: params generation and validation call it for
    every Place (hundreds of times in the all-England run)."""
    return _ltla_cached(_file_key("ons_ltla19_utla19", data_dir), data_dir).copy()


@reads.recorded_cache(maxsize=4)
def _ltla_cached(key: tuple, data_dir: Path | None) -> pd.DataFrame:
    return ltla_utla_lookup(data_dir)


def _as_place(place: Place | str) -> Place:
    return load_place(place) if isinstance(place, str) else place


_KINDS = {"E06": "unitary authority", "E10": "county", "E08": "metropolitan district", "E09": "London borough"}


def _lookup_2023(data_dir: Path | None) -> pd.DataFrame:
    """April 2023 districts (= LAD 2024 codes) -> upper tier: lad24cd, lad24nm, utla23cd, utla23nm."""
    return _cached_2023(_file_key("ons_ltla23_utla23", data_dir), data_dir).copy()


@reads.recorded_cache(maxsize=4)
def _cached_2023(key: tuple, data_dir: Path | None) -> pd.DataFrame:
    from jsna.load.geography import ltla23_utla23_lookup

    return ltla23_utla23_lookup(data_dir)


def councils(vintage: int = 2023, data_dir: Path | None = None) -> pd.DataFrame:
    """England's upper-tier councils in the codes of one vintage (2019: 151, 2023: 153), one row each
    sorted by code: code, name, kind, n_districts, districts (tuple of (code, name) pairs)."""
    if vintage == 2019:
        lk = _ltla_lookup(data_dir).rename(columns={"utla19cd": "u", "utla19nm": "un", "lad19cd": "d",
                                                     "lad19nm": "dn"})
    elif vintage == 2023:
        lk = _lookup_2023(data_dir).rename(columns={"utla23cd": "u", "utla23nm": "un", "lad24cd": "d",
                                                     "lad24nm": "dn"})
    else:
        raise PlaceError(f"vintage {vintage!r}: valid vintages are 2019 and 2023")
    groups: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for code, name, lad, lad_name in zip(lk["u"].tolist(), lk["un"].tolist(), lk["d"].tolist(),
                                         lk["dn"].tolist(), strict=True):
        groups.setdefault((code, name), []).append((lad, lad_name))
    rows = [{"code": code, "name": name, "kind": _KINDS.get(code[:3], "other"), "n_districts": len(d),
             "districts": tuple(sorted(d))} for (code, name), d in sorted(groups.items())]
    return pd.DataFrame(rows, columns=["code", "name", "kind", "n_districts", "districts"])


def district_bridge(data_dir: Path | None = None) -> pd.DataFrame:
    """Every English April 2019 district with the April 2023 district it lies in (every change was a
    merger of whole districts, apart from a few LSOAs moved in minor boundary changes): lad19cd, lad19nm,
    lad23cd, lad23nm, n_lsoa11, n_moved (LSOAs 2011 now in another district). Built from the ONS LSOA
    2011 -> 2021 lookup and IoD2025's LSOA 2021 -> LAD 2024 lookup; raises DataError if a 2019 district's LSOAs fall in two 2023 districts."""
    keys = tuple(_file_key(s, data_dir) for s in ("lookup_lsoa11_ew", "ons_lsoa11_lsoa21_lad22",
                                                   "lookup_lsoa21_lad24", "ons_ltla23_utla23"))
    return _bridge_cached(keys, data_dir).copy()


@reads.recorded_cache(maxsize=4)
def _bridge_cached(key: tuple, data_dir: Path | None) -> pd.DataFrame:
    from jsna.load import DataError, read_source

    lk = lsoa_lookup(data_dir)[["lsoa11cd", "lad19cd", "lad19nm"]]
    bridge = read_source("ons_lsoa11_lsoa21_lad22", data_dir)[["lsoa11_code", "lsoa21_code"]]
    # IoD2025's LSOA 2021 -> LAD 2024 lookup (exact: LAD 2022 nests in LAD 2024), not the best-fit ward lookup
    l24 = read_source("lookup_lsoa21_lad24", data_dir)[["LSOA21CD", "LAD24CD"]].rename(
        columns={"LSOA21CD": "lsoa21_code", "LAD24CD": "ltla24_code"})
    names = dict(zip(*[_lookup_2023(data_dir)[c] for c in ("lad24cd", "lad24nm")], strict=True))
    d = (lk.merge(bridge, left_on="lsoa11cd", right_on="lsoa11_code", how="inner")
           .merge(l24, on="lsoa21_code", how="inner"))
    pairs = d.groupby(["lad19cd", "lad19nm", "ltla24_code"]).agg(n_lsoa11=("lsoa11cd", "nunique")).reset_index()
    total = pairs.groupby("lad19cd")["n_lsoa11"].transform("sum")
    # a few LSOAs moved district in minor boundary changes (e.g. Gateshead -> Northumberland): the 2019
    # district belongs to the 2023 district holding nearly all of its LSOAs
    pairs = pairs.sort_values(["lad19cd", "n_lsoa11"], ascending=[True, False]).assign(_total=total)
    pairs = pairs.drop_duplicates("lad19cd")
    weak = pairs["n_lsoa11"] < 0.95 * pairs["_total"]
    if weak.any():
        bad = pairs.loc[weak, "lad19cd"].iloc[0]
        raise DataError(f"ons_lsoa11_lsoa21_lad22: the LSOAs of April 2019 district {bad} are split between "
                        "April 2023 districts; the district bridge needs whole-district changes")
    pairs["n_moved"] = pairs.pop("_total") - pairs["n_lsoa11"]
    pairs = pairs.rename(columns={"ltla24_code": "lad23cd"})
    pairs["lad23nm"] = pairs["lad23cd"].map(names)
    return pairs[["lad19cd", "lad19nm", "lad23cd", "lad23nm", "n_lsoa11", "n_moved"]].sort_values("lad19cd").reset_index(drop=True)


def _successors(code: str, data_dir: Path | None) -> list[tuple[str, str]]:
    """The April 2023 upper-tier councils an April 2019 code (district or upper tier) now lies in."""
    ltla = _ltla_lookup(data_dir)
    lads = set(ltla.loc[(ltla["utla19cd"] == code) | (ltla["lad19cd"] == code), "lad19cd"])
    br = district_bridge(data_dir)
    lad23 = set(br.loc[br["lad19cd"].isin(lads), "lad23cd"])
    l23 = _lookup_2023(data_dir)
    hit = l23[l23["lad24cd"].isin(lad23)][["utla23cd", "utla23nm"]].drop_duplicates().sort_values("utla23cd")
    return list(hit.itertuples(index=False, name=None))


def areas_2019_of(place: Place, data_dir: Path | None = None) -> tuple[tuple[Area, ...], tuple[Area, ...]] | None:
    """The April 2019 (upper tiers, districts) covering exactly an April 2023 Place, or None when the
    Place's codes are the same in both vintages. Upper tiers are those wholly inside the Place (a
    council that was part of a 2019 county, such as Cumberland, lists none)."""
    br = district_bridge(data_dir)
    ltla = _ltla_lookup(data_dir)
    old_codes = set(ltla["lad19cd"])
    parts: dict[str, str] = {}
    for code in place.district_codes:
        came_from = br[br["lad23cd"] == code]
        if code in old_codes and (came_from.empty or set(came_from["lad19cd"]) == {code}):
            parts[code] = str(ltla.loc[ltla["lad19cd"] == code, "lad19nm"].iloc[0])  # unchanged
        else:
            parts.update(zip(came_from["lad19cd"], came_from["lad19nm"], strict=True))
    codes19 = sorted(parts)
    if codes19 == sorted(place.district_codes):
        return None
    if not codes19:
        raise PlaceError(f"{place.source_file or place.id}: no April 2019 districts found for "
                         f"{', '.join(place.district_codes)} in the LSOA 2011 -> 2021 lookup")
    mine = pd.DataFrame({"lad19cd": codes19, "lad19nm": [parts[c] for c in codes19]})
    districts = tuple(Area(c, n) for c, n in sorted(zip(mine["lad19cd"], mine["lad19nm"], strict=True)))
    upper = []
    for ucd, g in ltla.groupby("utla19cd", sort=True):
        if set(g["lad19cd"]) <= set(codes19):
            upper.append(Area(str(ucd), str(g["utla19nm"].iloc[0])))
    return tuple(upper), districts


def upper_tier_areas(data_dir: Path | None = None) -> pd.DataFrame:
    """England's upper-tier LAs (April 2019), one row each, sorted by code.

    Columns: utla19cd, utla19nm, kind ("unitary authority", "county", "metropolitan district",
    "London borough"), n_districts, districts (tuple of (lad19cd, lad19nm) pairs).
    """
    lk = _ltla_lookup(data_dir)
    kinds = {"E06": "unitary authority", "E10": "county", "E08": "metropolitan district",
             "E09": "London borough"}
    # plain Python grouping: this runs for every params file written, so keep it cheap
    groups: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for code, name, lad, lad_name in zip(lk["utla19cd"].tolist(), lk["utla19nm"].tolist(),
                                         lk["lad19cd"].tolist(), lk["lad19nm"].tolist(), strict=True):
        groups.setdefault((code, name), []).append((lad, lad_name))
    rows = [{
        "utla19cd": code,
        "utla19nm": name,
        "kind": kinds.get(code[:3], "other"),
        "n_districts": len(dists),
        "districts": tuple(dists),
    } for (code, name), dists in sorted(groups.items())]
    return pd.DataFrame(rows)


def _utla_hint(areas: pd.DataFrame, bad: str) -> str:
    close = areas[areas["code"].str[:3] == bad[:3]] if len(bad) >= 3 else areas.iloc[0:0]
    sample = close if 0 < len(close) <= 40 else areas
    pairs = list(zip(sample["code"], sample["name"], strict=True))[:12]
    listed = ", ".join(f"{c} {n}" for c, n in pairs)
    return (f"Valid upper-tier codes (April 2023, {len(areas)} in England) include: {listed} ... "
            "Run `python -m jsna params list` for all of them.")


def _vintages_of(code: str, data_dir: Path | None) -> dict[int, str]:
    """{vintage: name} for the vintages (2019, 2023) whose lookups hold the code as a district or
    upper tier."""
    out: dict[int, str] = {}
    l19 = _ltla_lookup(data_dir)
    for c, n in (("utla19cd", "utla19nm"), ("lad19cd", "lad19nm")):
        hit = l19.loc[l19[c] == code, n]
        if not hit.empty:
            out.setdefault(2019, str(hit.iloc[0]))
    l23 = _lookup_2023(data_dir)
    for c, n in (("utla23cd", "utla23nm"), ("lad24cd", "lad24nm")):
        hit = l23.loc[l23[c] == code, n]
        if not hit.empty:
            out.setdefault(2023, str(hit.iloc[0]))
    return out


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def describe_code(code: str, data_dir: Path | None = None) -> str | None:
    """What an area code that is not a current (April 2023) upper-tier code is, and what to use: a
    district of a county (-> the county), or an April 2019 code abolished since (-> its successor).
    None when the code is in neither vintage's lookup."""
    code = code.strip().upper()
    l23 = _lookup_2023(data_dir)
    hit = l23[l23["lad24cd"] == code]
    if not hit.empty and hit["utla23cd"].iloc[0] != code:
        r = hit.iloc[0]
        return (f"{code} is {r['lad24nm']}, a district of {r['utla23cd']} {r['utla23nm']} (April 2023). "
                f"Reports are for upper-tier authorities: use {r['utla23cd']} {r['utla23nm']} "
                f"(`python -m jsna params new {r['utla23cd']}`), whose report covers {r['lad24nm']} "
                "and its other districts.")
    known = _vintages_of(code, data_dir)
    if 2019 not in known or 2023 in known:
        return None
    succ = _successors(code, data_dir)
    if not succ:
        return None
    what = "council" if code[:3] != "E07" else "district"
    names = [f"{c} {n}" for c, n in succ]
    cmd = (f"`python -m jsna params new {succ[0][0]}`" if len(succ) == 1 else
           "a params file of kind: group listing them (`python -m jsna params new` for each)")
    return (f"{code} is {known[2019]}, an April 2019 {what} code that no longer exists: its area is now "
            f"in {_listed(names)} (April 2023). Use {_listed(names)} ({cmd}); figures published for "
            "the former councils are shown for the districts it was formed from.")


def _code_hint(areas: pd.DataFrame, code: str, data_dir: Path | None) -> str:
    """describe_code, else the list of valid upper-tier codes."""
    try:
        described = describe_code(code, data_dir)
    except Exception:  # noqa: BLE001 - a lookup is missing: the plain hint still helps
        described = None
    return described or _utla_hint(areas, code)


def _vintage_problem(code: str, vintage: int, data_dir: Path | None) -> str:
    """Why a code is not valid in a params file of a given vintage, naming the vintage it belongs to."""
    known = _vintages_of(code, data_dir)
    other = [v for v in known if v != vintage]
    if other:
        return (f"is an April {other[0]} code ({known[other[0]]}), but this file's codes are April {vintage} "
                f"(field 'geography': {vintage}; valid vintages 2019 and 2023, and one vintage per file)")
    return f"is not an English local authority code in the ONS April {vintage} lookup"


def validate_place(place: Place | str, data_dir: Path | None = None) -> Place:
    """Check a Place's codes against the ONS lookups of its vintage; return it unchanged if valid.

    Every upper-tier code must be an English upper-tier council of the file's vintage (``geography``,
    April 2023 unless stated) and still exist in April 2023 (an abolished code names its successor),
    the districts must be exactly the districts of those areas, and ``areas_2019`` must list the April
    2019 areas of a council formed since. Raises PlaceError naming the params file, the field, the bad
    code and the valid choices.
    """
    place = _as_place(place)
    where = place.source_file or f"<params {place.id}>"
    areas = councils(place.geography, data_dir)
    by_code = {r.code: r for r in areas.itertuples(index=False)}
    current = set(councils(2023, data_dir)["code"]) if place.geography != 2023 else set(by_code)
    expected: dict[str, str] = {}
    for i, area in enumerate(place.upper_tier):
        row = by_code.get(area.code)
        if row is None:
            known = _vintages_of(area.code, data_dir)
            problem = (_vintage_problem(area.code, place.geography, data_dir)
                       if any(v != place.geography for v in known) else
                       f"is not an English upper-tier local authority code in the ONS April {place.geography} lookup")
            raise PlaceError(f"{where}: field 'upper_tier[{i}].code': {area.code!r} {problem}. "
                             f"{_code_hint(councils(2023, data_dir), area.code, data_dir)}")
        if area.code not in current:
            raise PlaceError(f"{where}: field 'upper_tier[{i}].code': {area.code!r} no longer exists. "
                             f"{describe_code(area.code, data_dir) or ''}".rstrip())
        expected.update(dict(row.districts))
    owner: dict[str, str] = {}
    for r in areas.itertuples(index=False):
        owner.update({d: r.code for d, _ in r.districts})
    valid = ", ".join(f"{c} {n}" for c, n in expected.items())
    for i, area in enumerate(place.districts):
        if area.code in expected:
            continue
        if area.code not in owner:
            problem = _vintage_problem(area.code, place.geography, data_dir)
        else:
            problem = f"belongs to upper-tier area {owner[area.code]}, not to this Place"
        raise PlaceError(f"{where}: field 'districts[{i}].code': {area.code!r} {problem}. "
                         f"Valid choices for this Place: {valid}")
    missing = [c for c in expected if c not in set(place.district_codes)]
    if missing:
        raise PlaceError(f"{where}: field 'districts': missing {', '.join(f'{c} {expected[c]}' for c in missing)}"
                         f". The districts must be all of: {valid}")
    if place.geography == 2023:
        _check_areas_2019(place, where, data_dir)
    return place


def _areas_yaml(areas: tuple[Area, ...]) -> str:
    return ", ".join(f"{a.code} {a.name}" for a in areas) or "(none)"


def _check_areas_2019(place: Place, where: object, data_dir: Path | None) -> None:
    try:
        derived = areas_2019_of(place, data_dir)
    except FileNotFoundError:
        return  # the 2021 lookups are not held: the 2019 codes are taken as written
    if derived is None and place.areas_2019 is None:
        return
    if derived is None:
        raise PlaceError(f"{where}: field 'areas_2019': not needed, the Place's codes are the same in April "
                         "2019 and April 2023. Remove it")
    if place.areas_2019 is None:
        raise PlaceError(f"{where}: field 'areas_2019': missing. {place.name} was formed after April 2019 from "
                         f"{_areas_yaml(derived[1])}; data published on the older areas need them. "
                         f"`python -m jsna params new {place.upper_tier_codes[0]} --stdout` prints the block")
    for k, label in ((0, "upper_tier"), (1, "districts")):
        got, want = sorted(a.code for a in place.areas_2019[k]), sorted(a.code for a in derived[k])
        if got != want:
            raise PlaceError(f"{where}: field 'areas_2019.{label}': {', '.join(got) or '(none)'} does not match "
                             f"the ONS lookups, which give {_areas_yaml(derived[k])}")


def load_valid_place(place_id: str, params_dir: Path | None = None, data_dir: Path | None = None) -> Place:
    """load_place + validate_place: the params file is well-typed and its codes exist in the lookups."""
    return validate_place(load_place(place_id, params_dir), data_dir)


def slugify(name: str) -> str:
    """A Place id from a name: 'Bristol, City of' -> 'bristol-city-of'."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower().replace("&", " and ")).strip("-")
    return slug or "place"


def region_of(utla_code: str, data_dir: Path | None = None) -> tuple[str, str] | None:
    """(region code, region name) of an upper-tier LA, from its LSOAs in the ONS OA lookup, or None."""
    return utla_regions(data_dir).get(utla_code)


def utla_regions(data_dir: Path | None = None) -> dict[str, tuple[str, str]]:
    """{utla19cd: (region code, region name)} for every upper-tier LA with LSOAs in the ONS OA
    lookup (the region holding most of its output areas). The OA lookup is read once per file
    version (path, size, mtime), so writing params for all 151 areas reads it once, not 151 times."""
    return dict(_utla_regions_cached(_file_key("ons_oa11_lookup_classifications", data_dir), data_dir))


@reads.recorded_cache(maxsize=4)
def _utla_regions_cached(key: tuple, data_dir: Path | None) -> tuple[tuple[str, tuple[str, str]], ...]:
    from jsna.load import read_source

    lk = lsoa_lookup(data_dir)[["lsoa11cd", "utla19cd"]]
    oa = read_source("ons_oa11_lookup_classifications", data_dir, usecols=["LSOA11CD", "RGN11CD", "RGN11NM"])
    oa = oa.merge(lk, left_on="LSOA11CD", right_on="lsoa11cd", how="inner")
    if oa.empty:
        return ()
    counts = oa.groupby(["utla19cd", "RGN11CD", "RGN11NM"]).size().rename("n").reset_index()
    top = counts.sort_values(["utla19cd", "n", "RGN11CD"], ascending=[True, False, True],
                             kind="mergesort").drop_duplicates("utla19cd")
    return tuple((str(r.utla19cd), (str(r.RGN11CD), str(r.RGN11NM))) for r in top.itertuples(index=False))


def region_of_2023(utla23_code: str, data_dir: Path | None = None) -> tuple[str, str] | None:
    """(region code, region name) of an April 2023 upper-tier council, from its districts (ONS LAD 2024 ->
    region lookup), or None."""
    from jsna.load.geography import lad24_regions

    l23 = _lookup_2023(data_dir)
    lads = l23.loc[l23["utla23cd"] == utla23_code, "lad24cd"]
    reg = lad24_regions(data_dir)
    hit = reg[reg["lad24cd"].isin(lads)][["rgn24cd", "rgn24nm"]].drop_duplicates()
    return (str(hit.iloc[0, 0]), str(hit.iloc[0, 1])) if len(hit) == 1 else None


def new_params(utla_code: str, data_dir: Path | None = None, place_id: str | None = None) -> str:
    """YAML text of a params file for any current (April 2023) English upper-tier council code.

    A council formed after April 2019 also gets ``areas_2019``: the April 2019 areas it was formed from.
    An abolished or unknown code raises PlaceError naming the successor or the valid codes. The text is
    validated by the same rules as params/*.yaml before it is returned.
    """
    code = utla_code.strip().upper()
    areas = councils(2023, data_dir)
    hit = areas[areas["code"] == code]
    if hit.empty:
        raise PlaceError(f"params new: {utla_code!r} is not a current English upper-tier council code "
                         f"(ONS April 2023 lookup). {_code_hint(areas, code, data_dir)}")
    row = hit.iloc[0]
    name = str(row["name"])
    pid = place_id or slugify(name)
    region = region_of_2023(code, data_dir)
    doc: dict = {
        "id": pid,
        "name": name,
        "kind": "upper_tier",
        "geography": 2023,
        "upper_tier": [{"code": code, "name": name}],
        "districts": [{"code": c, "name": n} for c, n in row["districts"]],
    }
    if region:
        doc["parent"] = {"code": region[0], "name": region[1]}
    doc["labels"] = {"possessive": possessive(name), "short_name": name}
    draft = place_from_dict(doc, f"{pid}.yaml")
    formed = areas_2019_of(draft, data_dir)
    if formed is not None:
        doc["areas_2019"] = {"upper_tier": [{"code": a.code, "name": a.name} for a in formed[0]],
                             "districts": [{"code": a.code, "name": a.name} for a in formed[1]]}
    n = int(row["n_districts"])
    header = (f"# {name} ({row['kind']}, {code}; {n} district{'s' if n != 1 else ''}). Written by "
              "`python -m jsna params new`.\n"
              "# Codes are ONS April 2023 codes (geography: 2023), the councils of IoD2025 and Census 2021"
              + (";\n# areas_2019 lists the April 2019 areas it was formed from, for data published on them"
                 if formed is not None else "") + ". Edit labels freely.\n")
    text = header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=110)
    place = place_from_dict(yaml.safe_load(text), f"{pid}.yaml")
    validate_place(place, data_dir)
    return text


def write_params(utla_code: str, out_dir: Path | None = None, overwrite: bool = False,
                 data_dir: Path | None = None, place_id: str | None = None) -> Path:
    """Write params/<slug>.yaml for an upper-tier code; refuses to overwrite unless asked."""
    text = new_params(utla_code, data_dir, place_id)
    pid = yaml.safe_load(text)["id"]
    out = Path(out_dir or paths.PARAMS_DIR) / f"{pid}.yaml"
    if out.exists() and not overwrite:
        raise PlaceError(f"{out} already exists: pass --force to replace it")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return out


def code_vintages(data_dir: Path | None = None) -> pd.DataFrame:
    """Every upper-tier code of April 2019 or April 2023: code, name, kind, n_districts, vintages
    ("2019 and 2023", "2023 only", "2019 only") and successor (the April 2023 council(s) of a 2019-only
    code)."""
    c19, c23 = councils(2019, data_dir).set_index("code"), councils(2023, data_dir).set_index("code")
    rows = []
    for code in sorted(set(c19.index) | set(c23.index)):
        src = c23 if code in c23.index else c19
        r = src.loc[code]
        both = code in c19.index and code in c23.index
        vint = "2019 and 2023" if both else ("2023 only" if code in c23.index else "2019 only")
        succ = "" if code in c23.index else "; ".join(f"{c} {n}" for c, n in _successors(code, data_dir))
        rows.append({"code": code, "name": r["name"], "kind": r["kind"], "n_districts": int(r["n_districts"]),
                     "vintages": vint, "successor": succ})
    return pd.DataFrame(rows)


def params_main(argv: list[str] | None = None) -> int:
    """`python -m jsna params new CODE [--out DIR] [--id ID] [--force] [--stdout] | list [--vintage V] |
    check [PLACE ...]`."""
    parser = argparse.ArgumentParser(prog="python -m jsna params",
                                     description="Write, list and check Place params files.")
    sub = parser.add_subparsers(dest="cmd", required=True)
    p_new = sub.add_parser("new", help="write params/<slug>.yaml for a current English upper-tier council code")
    p_new.add_argument("code", help="upper-tier council code (April 2023), e.g. E06000015 (Derby)")
    p_new.add_argument("--out", type=Path, default=None, help="directory to write to (default params/)")
    p_new.add_argument("--id", dest="place_id", default=None, help="Place id (default: from the name)")
    p_new.add_argument("--force", action="store_true", help="replace an existing file")
    p_new.add_argument("--stdout", action="store_true", help="print the YAML instead of writing it")
    p_list = sub.add_parser("list", help="list England's upper-tier council codes of April 2019 and April 2023")
    p_list.add_argument("--vintage", type=int, choices=(2019, 2023), default=None,
                        help="only the codes of one vintage (default: both, with the vintage of each)")
    p_check = sub.add_parser("check", help="validate params files against the lookups")
    p_check.add_argument("places", nargs="*", help="Place ids (default: all)")
    args = parser.parse_args(argv)
    try:
        if args.cmd == "new":
            if args.stdout:
                sys.stdout.write(new_params(args.code, place_id=args.place_id))
            else:
                out = write_params(args.code, args.out, args.force, place_id=args.place_id)
                print(f"wrote {out}")
            return 0
        if args.cmd == "list":
            table = code_vintages()
            if args.vintage:
                table = table[table["vintages"].str.contains(str(args.vintage))]
            with contextlib.suppress(BrokenPipeError):  # e.g. piped into `head`
                print("code\tname\tkind\tdistricts\tvintages\tsuccessor (April 2023)")
                for r in table.itertuples(index=False):
                    print(f"{r.code}\t{r.name}\t{r.kind}\t{r.n_districts}\t{r.vintages}\t{r.successor}")
            return 0
        ids = args.places or available_places()
        for pid in ids:
            validate_place(load_place(pid))
            print(f"ok\t{pid}")
        return 0
    except PlaceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
