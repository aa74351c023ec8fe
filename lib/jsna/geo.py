"""Place geography: Place-code validation against the ONS lookups, regions, and
`python -m jsna params` (write a params file for any English upper-tier local authority).

Geography vintage: LSOA/MSOA 2011 and LAD/UTLA 2019, the vintage of IoD2019. A Place whose
codes changed after April 2019 (e.g. Buckinghamshire 2020, North/West Northamptonshire 2021) is
described by its 2019 predecessors.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import re
import sys
from pathlib import Path

import pandas as pd
import yaml

from jsna import paths
from jsna.load.geography import lsoa_lookup, ltla_utla_lookup
from jsna.places import (
    Place,
    PlaceError,
    available_places,
    load_place,
    place_from_dict,
)

__all__ = [
    "load_valid_place",
    "validate_place",
    "upper_tier_areas",
    "region_of",
    "utla_regions",
    "new_params",
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


@functools.lru_cache(maxsize=4)
def _ltla_cached(key: tuple, data_dir: Path | None) -> pd.DataFrame:
    return ltla_utla_lookup(data_dir)


def _as_place(place: Place | str) -> Place:
    return load_place(place) if isinstance(place, str) else place


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
    close = areas[areas["utla19cd"].str[:3] == bad[:3]] if len(bad) >= 3 else areas.iloc[0:0]
    sample = close if 0 < len(close) <= 40 else areas
    pairs = list(zip(sample["utla19cd"], sample["utla19nm"], strict=True))[:12]
    listed = ", ".join(f"{c} {n}" for c, n in pairs)
    return (f"Valid upper-tier codes (April 2019, {len(areas)} in England) include: {listed} ... "
            "Run `python -m jsna params list` for all of them.")


def _names_after_2019(data_dir: Path | None) -> dict[str, tuple[str, str]]:
    """{code: (name, lookup)} of English LTLA/UTLA codes in the April 2021 and 2023 lookups."""
    from jsna.load import read_source

    out: dict[str, tuple[str, str]] = {}
    for sid, year in (("ons_ltla23_utla23", "April 2023"), ("ons_ltla21_utla21", "April 2021")):
        df = read_source(sid, data_dir)
        for kind in ("ltla", "utla"):
            c, n = f"{kind}{year[-2:]}_code", f"{kind}{year[-2:]}_name"
            for code, name in zip(df[c], df[n], strict=True):
                out[str(code)] = (str(name), year)  # the earlier lookup wins: first seen there
    return out


def _predecessors(code: str, data_dir: Path | None) -> pd.DataFrame:
    """The April 2019 areas a post-2019 council's LSOAs came from: utla19cd, utla19nm, lad19cd,
    lad19nm, n (LSOAs 2011), whole (True if every LSOA of that 2019 district is in the council)."""
    from jsna.load import read_source

    l23 = read_source("ons_ltla23_utla23", data_dir)
    ltlas = set(l23.loc[(l23["utla23_code"] == code) | (l23["ltla23_code"] == code), "ltla23_code"]) | {code}
    l24 = read_source("ons_lsoa21_ward24_lad24", data_dir)
    lsoa21 = set(l24.loc[l24["ltla24_code"].isin(ltlas), "lsoa21_code"])
    bridge = read_source("ons_lsoa11_lsoa21_lad22", data_dir)
    lsoa11 = set(bridge.loc[bridge["lsoa21_code"].isin(lsoa21), "lsoa11_code"])
    lk = lsoa_lookup(data_dir)
    keys = ["utla19cd", "utla19nm", "lad19cd", "lad19nm"]
    mine = lk[lk["lsoa11cd"].isin(lsoa11)].groupby(keys).size().rename("n").reset_index()
    total = lk.groupby("lad19cd").size()
    mine["whole"] = mine["n"].to_numpy() == total.reindex(mine["lad19cd"]).to_numpy()
    return mine


def describe_code(code: str, data_dir: Path | None = None) -> str | None:
    """What an area code that is not an April 2019 upper-tier code is, and what to use instead:
    a district of a county (-> the county), or a council formed after April 2019 (-> the April
    2019 areas it was formed from). None when the code is not in any lookup we hold."""
    code = code.strip().upper()
    ltla = _ltla_lookup(data_dir)
    hit = ltla[ltla["lad19cd"] == code]
    if not hit.empty and hit["utla19cd"].iloc[0] != code:
        r = hit.iloc[0]
        return (f"{code} is {r['lad19nm']}, a district of {r['utla19cd']} {r['utla19nm']} (April 2019). "
                f"Reports are for upper-tier authorities: use {r['utla19cd']} {r['utla19nm']} "
                f"(`python -m jsna params new {r['utla19cd']}`), whose report covers {r['lad19nm']} "
                "and its other districts.")
    try:
        later = _names_after_2019(data_dir)
    except Exception:  # the later lookups are missing: fall back to the plain hint
        return None
    if code not in later:
        return None
    name, year = later[code]
    try:
        pre = _predecessors(code, data_dir)
    except Exception:
        pre = pd.DataFrame()
    if pre.empty:
        return (f"{code} is {name}, a council created after April 2019 (in ONS's {year} lookup). "
                "IoD2019 and these reports use the April 2019 areas: use the upper-tier code(s) of the "
                "area before the change (`python -m jsna params list`).")
    parts, use = [], []
    for (ucd, unm), g in pre.groupby(["utla19cd", "utla19nm"], sort=True):
        all_lads = set(ltla.loc[ltla["utla19cd"] == ucd, "lad19cd"])
        whole = bool(g["whole"].all()) and set(g["lad19cd"]) == all_lads
        if whole and len(all_lads) > 1:
            parts.append(f"all of {ucd} {unm} ({', '.join(sorted(g['lad19nm']))})")
        elif whole:
            parts.append(f"{ucd} {unm}")
        else:
            parts.append(f"{', '.join(sorted(g['lad19nm']))} (part of {ucd} {unm})")
        use.append(f"{ucd} {unm}" + ("" if whole else " (which also covers other districts)"))
    several = len(use) > 1
    return (f"{code} is {name}, a successor council formed after April 2019 (in ONS's {year} lookup) from "
            f"{'; '.join(parts)}. IoD2019 and these reports use the April 2019 areas: use "
            f"{' and '.join(use)}" + (" (a params file of kind: group listing them)" if several else
                                      f" (`python -m jsna params new {pre['utla19cd'].iloc[0]}`)") + ".")


def _code_hint(areas: pd.DataFrame, code: str, data_dir: Path | None) -> str:
    """describe_code, else the list of valid upper-tier codes."""
    try:
        described = describe_code(code, data_dir)
    except Exception:
        described = None
    return described or _utla_hint(areas, code)


def validate_place(place: Place | str, data_dir: Path | None = None) -> Place:
    """Check a Place's codes against the ONS lookups; return it unchanged if valid.

    Every upper-tier code must be an English UTLA (April 2019), every district code an English LAD,
    each district must belong to one of the Place's upper-tier areas, and the districts must be
    exactly the districts of those areas. Raises PlaceError naming the params file, the field, the
    bad code and the valid choices.
    """
    place = _as_place(place)
    where = place.source_file or f"<params {place.id}>"
    areas = upper_tier_areas(data_dir)
    by_code = {r.utla19cd: r for r in areas.itertuples(index=False)}
    expected: dict[str, str] = {}
    for i, area in enumerate(place.upper_tier):
        row = by_code.get(area.code)
        if row is None:
            raise PlaceError(f"{where}: field 'upper_tier[{i}].code': {area.code!r} is not an English "
                             f"upper-tier local authority code in the ONS April 2019 lookup. "
                             f"{_code_hint(areas, area.code, data_dir)}")
        expected.update(dict(row.districts))
    ltla = _ltla_lookup(data_dir)
    lad_owner = dict(zip(ltla["lad19cd"], ltla["utla19cd"], strict=True))
    valid = ", ".join(f"{c} {n}" for c, n in expected.items())
    for i, area in enumerate(place.districts):
        if area.code in expected:
            continue
        if area.code not in lad_owner:
            problem = "is not an English local authority district code in the ONS April 2019 lookup"
            extra = describe_code(area.code, data_dir) if area.code.startswith("E") else None
            if extra:
                problem += f" ({extra})"
        else:
            problem = f"belongs to upper-tier area {lad_owner[area.code]}, not to this Place"
        raise PlaceError(f"{where}: field 'districts[{i}].code': {area.code!r} {problem}. "
                         f"Valid choices for this Place: {valid}")
    missing = [c for c in expected if c not in set(place.district_codes)]
    if missing:
        raise PlaceError(f"{where}: field 'districts': missing {', '.join(f'{c} {expected[c]}' for c in missing)}"
                         f". The districts must be all of: {valid}")
    return place


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


@functools.lru_cache(maxsize=4)
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


def new_params(utla_code: str, data_dir: Path | None = None, place_id: str | None = None) -> str:
    """YAML text of a params file for any English upper-tier LA code (April 2019 lookup).

    Unknown codes raise PlaceError with the list hint. The text is validated by the same rules as
    params/*.yaml before it is returned.
    """
    areas = upper_tier_areas(data_dir)
    hit = areas[areas["utla19cd"] == utla_code.strip().upper()]
    if hit.empty:
        raise PlaceError(f"params new: {utla_code!r} is not an English upper-tier local authority code "
                         f"in the ONS April 2019 lookup. {_code_hint(areas, utla_code.strip().upper(), data_dir)}")
    row = hit.iloc[0]
    name = str(row["utla19nm"])
    pid = place_id or slugify(name)
    region = region_of(row["utla19cd"], data_dir)
    doc: dict = {
        "id": pid,
        "name": name,
        "kind": "upper_tier",
        "upper_tier": [{"code": row["utla19cd"], "name": name}],
        "districts": [{"code": c, "name": n} for c, n in row["districts"]],
    }
    if region:
        doc["parent"] = {"code": region[0], "name": region[1]}
    doc["labels"] = {"possessive": name + ("'" if name.endswith("s") else "'s"), "short_name": name}
    header = (f"# {name} ({row['kind']}, {row['utla19cd']}; {row['n_districts']} "
              f"district{'s' if row['n_districts'] != 1 else ''}). Written by `python -m jsna params new`.\n"
              "# Codes are the April 2019 ONS vintage used by IoD2019; edit labels freely.\n")
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


def params_main(argv: list[str] | None = None) -> int:
    """`python -m jsna params new CODE [--out DIR] [--id ID] [--force] [--stdout] | list | check [PLACE ...]`."""
    parser = argparse.ArgumentParser(prog="python -m jsna params",
                                     description="Write, list and check Place params files.")
    sub = parser.add_subparsers(dest="cmd", required=True)
    p_new = sub.add_parser("new", help="write params/<slug>.yaml for an English upper-tier LA code")
    p_new.add_argument("code", help="upper-tier LA code, e.g. E06000015 (Derby)")
    p_new.add_argument("--out", type=Path, default=None, help="directory to write to (default params/)")
    p_new.add_argument("--id", dest="place_id", default=None, help="Place id (default: from the name)")
    p_new.add_argument("--force", action="store_true", help="replace an existing file")
    p_new.add_argument("--stdout", action="store_true", help="print the YAML instead of writing it")
    sub.add_parser("list", help="list England's upper-tier LA codes and names")
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
            with contextlib.suppress(BrokenPipeError):  # e.g. piped into `head`
                for r in upper_tier_areas().itertuples(index=False):
                    print(f"{r.utla19cd}\t{r.utla19nm}\t{r.kind}\t{r.n_districts} district(s)")
            return 0
        ids = args.places or available_places()
        for pid in ids:
            validate_place(load_place(pid))
            print(f"ok\t{pid}")
        return 0
    except PlaceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
