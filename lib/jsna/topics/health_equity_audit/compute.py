"""Health Equity Audit (HEA): read and validate a service's counts, then measure who is served.

Input schema
============
A service supplies one CSV file (UTF-8, comma-separated, one header row; lines starting with
``#`` *before* the header are comments). Each row counts the people **eligible** for the service
and the people **served** in one cell of a breakdown. Column names are case-insensitive.

==============  ========  ===================================================================
column          required  meaning and allowed values
==============  ========  ===================================================================
eligible        yes       whole number >= 0: people eligible (the denominator)
served          yes       whole number, 0 <= served <= eligible: people who received the service
practice_code   one of    GP practice code: 3-10 letters/digits (ODS code such as ``C82001``;
                (*)       synthetic files use ``SYN001``...)
lsoa11cd        one of    residence LSOA (2011 boundaries, as IMD 2019): an English code ``E01......``
                (*)       that exists in the ONS lookup
msoa11cd        one of    residence MSOA (2011): an English code ``E02......`` in the ONS lookup
                (*)
practice_name   no        display name for the practice
ethnicity       no        one of ETHNIC_GROUPS or UNKNOWN_ETHNICITY (see below); a blank cell is
                          read as ``Unknown``
age_band        no        ``18-39``-style band, ``65+``, or ``Unknown``
==============  ========  ===================================================================

(*) at least one of ``practice_code``, ``lsoa11cd`` and ``msoa11cd``; give ``lsoa11cd`` *or*
``msoa11cd``, not both. One row per combination of the breakdown columns present (duplicates are
errors). Other columns are ignored and listed as a warning.

Ethnic groups (ONS 2021 high-level categories): ``Asian or Asian British``; ``Black, Black
British, Caribbean or African``; ``Mixed or Multiple ethnic groups``; ``White``; ``Other ethnic
group``. Not recorded: ``Not stated`` (asked, declined) or ``Unknown`` (not recorded). Short
forms ``Asian``, ``Black``, ``Mixed``, ``Other`` and ``Not known`` are accepted.

Validation
==========
:func:`check_hea` returns the clean data and a table of every problem (line number in the file,
column, value, problem); :func:`read_hea` raises :class:`HEAValidationError` carrying that table.
Each analysis function takes the validated frame and returns a tidy table with the stats module's
columns (``value``, ``lowercl``, ``uppercl``...).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jsna import areas as area_table
from jsna import reliability
from jsna.words import join_names

REQUIRED_COLUMNS = ("eligible", "served")
GEOGRAPHY_COLUMNS = ("practice_code", "lsoa11cd", "msoa11cd")
OPTIONAL_COLUMNS = ("practice_name", "ethnicity", "age_band")
ALL_COLUMNS = REQUIRED_COLUMNS + GEOGRAPHY_COLUMNS + OPTIONAL_COLUMNS
KEY_ORDER = ("practice_code", "lsoa11cd", "msoa11cd", "ethnicity", "age_band")

ETHNIC_GROUPS = (
    "Asian or Asian British",
    "Black, Black British, Caribbean or African",
    "Mixed or Multiple ethnic groups",
    "White",
    "Other ethnic group",
)
UNKNOWN_ETHNICITY = ("Not stated", "Unknown")
_ETHNICITY_ALIASES = {
    "asian": ETHNIC_GROUPS[0],
    "black": ETHNIC_GROUPS[1],
    "mixed": ETHNIC_GROUPS[2],
    "other": ETHNIC_GROUPS[4],
    "not known": "Unknown",
    "": "Unknown",
}
_ETHNICITY_LOOKUP = {v.lower(): v for v in ETHNIC_GROUPS + UNKNOWN_ETHNICITY} | _ETHNICITY_ALIASES

PRACTICE_RE = re.compile(r"^[A-Z0-9]{3,10}$")
LSOA_RE = re.compile(r"^E01\d{6}$")
MSOA_RE = re.compile(r"^E02\d{6}$")
AGE_BAND_RE = re.compile(r"^(\d{1,3})\s*(?:-|to)\s*(\d{1,3})$|^(\d{1,3})\s*\+$")

ERROR_COLUMNS = ["line", "column", "value", "problem"]
MAX_ERRORS_IN_MESSAGE = 15
#: problems listed in the page; all of them go to the CSV of :func:`write_errors_csv`
MAX_ERRORS_SHOWN = 50
#: a count above this is an error: more people than live in the UK (~68 million)
MAX_COUNT = 100_000_000
#: a header cell quoted back in a message must look like a column name (never file contents)
_HEADER_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_ .()-]{0,39}$")


class HEAValidationError(ValueError):
    """The service file failed validation. ``errors`` lists each problem with its line number."""

    def __init__(self, source: str, errors: pd.DataFrame):
        self.source = source
        self.errors = errors
        super().__init__(format_errors(source, errors))


@dataclass
class HEAData:
    """A validated HEA input: tidy rows plus what breakdowns the file offers."""

    data: pd.DataFrame
    source: str
    geography: str | None  # "lsoa", "msoa" or None (practice only)
    has_practice: bool
    has_ethnicity: bool
    has_age: bool
    warnings: list[str] = field(default_factory=list)

    @property
    def key_columns(self) -> list[str]:
        return [c for c in KEY_ORDER if c in self.data.columns]

    @property
    def area_column(self) -> str | None:
        return {"lsoa": "lsoa11cd", "msoa": "msoa11cd"}.get(self.geography or "")


def format_errors(source: str, errors: pd.DataFrame, limit: int = MAX_ERRORS_IN_MESSAGE) -> str:
    """A readable multi-line message: how many problems, then one line each (up to `limit`)."""
    n = len(errors)
    lines = [f"{source}: {n} problem{'s' if n != 1 else ''} found; fix the file and run again."]
    for rec in errors.head(limit).itertuples(index=False):
        where = f"line {rec.line}" if pd.notna(rec.line) else "file"
        col = f", column {rec.column!r}" if rec.column else ""
        val = f", value {rec.value!r}" if rec.value not in (None, "") else ""
        lines.append(f"  {where}{col}{val}: {rec.problem}")
    if n > limit:
        lines.append(f"  ... and {n - limit} more (see the .errors table)")
    return "\n".join(lines)


def _read_text(source: str | Path) -> tuple[str | None, str, str]:
    """(text or None, source name, problem) for the file the user named, and only that file.

    The path is resolved (symlinks, ``..``) and must be a regular file whose name ends in .csv:
    a directory, a device, a FIFO or any other file (``.env``, ``/etc/passwd``) is refused before
    a byte of it is read, so its contents can never reach the page."""
    named = Path(source)
    try:
        path = named.expanduser().resolve(strict=True)
    except (OSError, RuntimeError):
        return None, str(named), (f"file not found: {named}. Pass the path of the service's CSV as "
                                  "`input_csv` (or None to use the synthetic example)")
    if not path.is_file():
        return None, str(path), (f"{path} is not a regular file. Pass the path of the service's CSV "
                                 "file as `input_csv`")
    if path.suffix.lower() != ".csv":
        return None, str(path), (f"{path.name} is not a .csv file: the audit reads only a CSV file "
                                 "(UTF-8, comma-separated, named *.csv). Export the service's counts "
                                 "as CSV and pass that file as `input_csv`")
    try:
        return path.read_text(encoding="utf-8-sig"), str(path), ""
    except UnicodeDecodeError as exc:
        return None, str(path), (f"the file is not UTF-8 text ({exc.reason} at byte {exc.start}); "
                                 "save it as 'CSV UTF-8' and try again")
    except OSError as exc:
        return None, str(path), f"the file could not be read ({exc.strerror})"


def _header_list(cols: list[str]) -> str:
    """The header as quoted in a message: names only, never other text from the file."""
    names = [c for c in cols if _HEADER_NAME_RE.match(c)]
    if not names:
        return "no column names recognised in the first line: is it a header row of names?"
    more = len(cols) - len(names)
    shown = ", ".join(names[:20]) + (" ..." if len(names) > 20 else "")
    return f"header has: {shown}" + (f" and {more} cell(s) that are not column names" if more else "")


def _errors(rows: list[tuple[Any, str, Any, str]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=ERROR_COLUMNS)
    df["line"] = df["line"].astype("Int64")
    df["value"] = df["value"].map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v))
                                  else str(v))
    return df


def _parse_frame(text: str) -> tuple[pd.DataFrame, int]:
    """Parse CSV text; return the frame (all strings) and the file line number of the header."""
    lines = text.splitlines()
    skip = 0
    while skip < len(lines) and (lines[skip].lstrip().startswith("#") or not lines[skip].strip()):
        skip += 1
    df = pd.read_csv(io.StringIO(text), skiprows=skip, dtype=str, keep_default_na=False,
                     skip_blank_lines=False)
    return df, skip + 1


def _whole_numbers(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse counts; return (numbers as float, reason per row or '' when fine)."""
    text = s.astype("string").fillna("").str.replace(",", "", regex=False).str.strip()
    num = pd.to_numeric(text, errors="coerce")
    reason = pd.Series("", index=s.index, dtype=object)
    reason[text == ""] = "missing count: write 0 if there were none"
    reason[(text != "") & num.isna()] = "not a number"
    frac = num.notna() & (num != np.round(num))
    reason[frac] = "not a whole number"
    reason[num.notna() & ~frac & (num < 0)] = "negative count"
    reason[num.notna() & ~np.isfinite(num)] = "not a number"
    reason[num.notna() & np.isfinite(num) & (num > MAX_COUNT)] = (
        f"implausibly large count (more than {MAX_COUNT:,}, more people than live in the UK)")
    return num, reason


def _normalise_age(v: str) -> str | None:
    v = v.strip()
    if v.lower() in ("unknown", "not known", ""):
        return "Unknown"
    m = AGE_BAND_RE.match(v)
    if not m:
        return None
    if m.group(3) is not None:
        return f"{int(m.group(3))}+"
    lo, hi = int(m.group(1)), int(m.group(2))
    return f"{lo}-{hi}" if lo <= hi else None


def check_hea(source: str | Path | pd.DataFrame, lsoa_codes: set[str] | None = None,
              msoa_codes: set[str] | None = None, name: str | None = None
              ) -> tuple[HEAData | None, pd.DataFrame]:
    """Validate a service file (path, or a frame of strings as read from one).

    lsoa_codes / msoa_codes: the valid English codes (e.g. the ``lsoa11cd``/``msoa11cd`` columns
    of ``jsna.load.geography.lsoa_lookup()``); when None the codes are checked only for their
    format. Returns (HEAData or None, errors table with columns
    line, column, value, problem). HEAData is None whenever the errors table is not empty.
    """
    if isinstance(source, pd.DataFrame):
        raw, header_line, src = source.astype("string").fillna("").astype(object), 1, name or "<data>"
    else:
        text, src, problem = _read_text(source)
        src = name or src
        if text is None:
            return None, _errors([(None, "", "", problem)])
        try:
            raw, header_line = _parse_frame(text)
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            return None, _errors([(None, "", "", f"not a readable CSV file ({exc})")])
    errs: list[tuple[Any, str, Any, str]] = []
    raw = raw.copy()
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    cols = list(raw.columns)
    dup_cols = sorted({c for c in cols if cols.count(c) > 1 and _HEADER_NAME_RE.match(c)})
    for c in dup_cols:
        errs.append((header_line, c, "", "column appears more than once in the header"))
    for c in REQUIRED_COLUMNS:
        if c not in cols:
            errs.append((header_line, c, "", f"required column missing ({_header_list(cols)})"))
    present_geo = [c for c in GEOGRAPHY_COLUMNS if c in cols]
    if not present_geo:
        errs.append((header_line, "", "", "no breakdown column: give at least one of "
                     + ", ".join(GEOGRAPHY_COLUMNS)))
    if "lsoa11cd" in cols and "msoa11cd" in cols:
        errs.append((header_line, "msoa11cd", "", "give lsoa11cd or msoa11cd, not both"))
    warnings = []
    extra = [c for c in cols if c not in ALL_COLUMNS]
    if extra:
        names = [c for c in extra if _HEADER_NAME_RE.match(c)]
        warnings.append("column(s) ignored (not in the HEA schema): " + ", ".join(names)
                        + (f" and {len(extra) - len(names)} other header cell(s)" if len(names) < len(extra) else ""))
    if errs:
        return None, _errors(errs)

    raw = raw[[c for c in ALL_COLUMNS if c in cols]]
    for c in raw.columns:
        raw[c] = raw[c].astype(str).str.strip()
    lines = pd.Series(np.arange(len(raw)) + header_line + 1, index=raw.index)
    blank = (raw == "").all(axis=1)
    raw, lines = raw[~blank], lines[~blank]
    if raw.empty:
        return None, _errors([(None, "", "", "the file has a header but no data rows")])

    out = pd.DataFrame(index=raw.index)

    line_arr = lines.to_numpy()

    def flag(mask: pd.Series, column: str, problem: str | pd.Series) -> None:
        idx = np.flatnonzero(mask.to_numpy(dtype=bool))
        if not len(idx):
            return
        probs = [problem] * len(idx) if isinstance(problem, str) else problem.to_numpy()[idx].tolist()
        errs.extend(zip(line_arr[idx].tolist(), [column] * len(idx), raw[column].to_numpy()[idx].tolist(),
                        probs, strict=True))

    nums, ok = {}, pd.Series(True, index=raw.index)
    for c in REQUIRED_COLUMNS:
        num, reason = _whole_numbers(raw[c])
        flag(reason != "", c, reason)
        nums[c], ok = num, ok & (reason == "")
    over = ok & (nums["served"] > nums["eligible"]).fillna(False)
    flag(over, "served", "served (" + raw["served"] + ") is more than eligible (" + raw["eligible"] + ")")
    for c in REQUIRED_COLUMNS:
        out[c] = nums[c].where(ok).round().astype("Int64")

    if "practice_code" in raw:
        code = raw["practice_code"].str.upper()
        flag(code == "", "practice_code", "missing practice code")
        flag((code != "") & ~code.str.match(PRACTICE_RE), "practice_code",
             "not a practice code (3-10 letters or digits, e.g. C82001)")
        out["practice_code"] = code
        if "practice_name" in raw:
            names = raw["practice_name"].where(raw["practice_name"] != "", code)
            first = names.groupby(code).transform("first")
            if (first != names).any():
                warnings.append("some practice codes have more than one practice_name; the first "
                                "name given for each code is used")
            out["practice_name"] = first
    for c, pattern, kind, valid in (("lsoa11cd", LSOA_RE, "LSOA", lsoa_codes),
                                     ("msoa11cd", MSOA_RE, "MSOA", msoa_codes)):
        if c not in raw:
            continue
        code = raw[c].str.upper()
        flag(code == "", c, f"missing {kind} code")
        bad_form = (code != "") & ~code.str.match(pattern)
        flag(bad_form, c, f"not an English {kind} 2011 code (expected {pattern.pattern[1:4]} "
             "followed by 6 digits)")
        if valid is not None:
            flag((code != "") & ~bad_form & ~code.isin(valid), c,
                 f"unknown {kind} 2011 code: not in the ONS England lookup (check it is a 2011 "
                 f"code, not 2021)")
        out[c] = code
    if "ethnicity" in raw:
        eth = raw["ethnicity"].str.lower().map(_ETHNICITY_LOOKUP)
        flag(eth.isna(), "ethnicity", "unknown ethnic group; use one of: "
             + "; ".join(ETHNIC_GROUPS + UNKNOWN_ETHNICITY))
        out["ethnicity"] = eth
    if "age_band" in raw:
        age = raw["age_band"].map(_normalise_age)
        flag(age.isna(), "age_band", "not an age band such as 18-39, 65+ or Unknown")
        out["age_band"] = age

    keys = [c for c in KEY_ORDER if c in out.columns]
    dup = out.duplicated(subset=keys, keep=False) & out[keys].notna().all(axis=1)
    if dup.any():
        first_line = {}
        for i in out.index[dup]:
            k = tuple(out.loc[i, keys])
            if k in first_line:
                errs.append((int(lines[i]), ", ".join(keys), " / ".join(map(str, k)),
                             f"duplicate of line {first_line[k]} (one row per "
                             f"{', '.join(keys)}): add the counts together"))
            else:
                first_line[k] = int(lines[i])
    if not errs and int(out["eligible"].sum()) == 0:
        errs.append((None, "eligible", "", "every row has eligible = 0: nobody is eligible, so uptake "
                     "cannot be measured. Check the file holds the service's counts"))
    if errs:
        e = _errors(errs).sort_values(["line", "column"], kind="stable").reset_index(drop=True)
        return None, e
    out.insert(0, "line", lines.astype(int))
    geography = "lsoa" if "lsoa11cd" in out else "msoa" if "msoa11cd" in out else None
    data = HEAData(data=out.reset_index(drop=True), source=src, geography=geography,
                   has_practice="practice_code" in out, has_ethnicity="ethnicity" in out,
                   has_age="age_band" in out, warnings=warnings)
    return data, _errors([])


def read_hea(source: str | Path | pd.DataFrame, lsoa_codes: set[str] | None = None,
             msoa_codes: set[str] | None = None, name: str | None = None) -> HEAData:
    """Validate a service file and return it; raise :class:`HEAValidationError` listing every problem."""
    data, errors = check_hea(source, lsoa_codes, msoa_codes, name)
    if data is None:
        raise HEAValidationError(name or str(source) if not isinstance(source, pd.DataFrame)
                                 else name or "<data>", errors)
    return data


# ------------------------------------------------------------------------------------ place
def filter_to_place(hea: HEAData, area_codes: set[str] | None) -> tuple[HEAData, dict[str, int]]:
    """Keep rows whose residence area (LSOA or MSOA) is one of ``area_codes``.

    Files without a residence column (practice only) cannot be filtered: every row is kept.
    Returns the filtered data and counts of what was left out (rows, eligible, served).
    """
    col = hea.area_column
    if col is None or area_codes is None:
        return hea, {"rows": 0, "eligible": 0, "served": 0}
    keep = hea.data[col].isin(area_codes)
    out = hea.data[~keep]
    dropped = {"rows": int(len(out)), "eligible": int(out["eligible"].sum()),
               "served": int(out["served"].sum())}
    kept = HEAData(data=hea.data[keep].reset_index(drop=True), source=hea.source,
                   geography=hea.geography, has_practice=hea.has_practice,
                   has_ethnicity=hea.has_ethnicity, has_age=hea.has_age,
                   warnings=list(hea.warnings))
    return kept, dropped


# ------------------------------------------------------------------------------ deprivation
def area_deprivation(imd: pd.DataFrame, place_codes: set[str], geography: str = "lsoa",
                     lookup: pd.DataFrame | None = None) -> pd.DataFrame:
    """IMD 2019 score and quintiles for each residence area of the Place.

    imd: England LSOA IMD (``lsoa11cd, imd_score, imd_decile, pop_total``, as from
    ``jsna.load.imd.imd2019_lsoa``). For ``geography="msoa"`` also pass the England LSOA->MSOA
    ``lookup``; an MSOA's score is the population-weighted mean of its LSOAs' scores (the MHCLG
    method for area summaries).

    Returns ``area_code, imd_score, pop_total, national_quintile, local_quintile`` for the
    Place's areas. National quintiles: LSOAs by IMD 2019 decile (deciles 1-2 = quintile 1, the
    most deprived 20% of England's LSOAs); MSOAs by population-weighted quintiles of all England
    MSOAs. Local quintiles: population-weighted quintiles of the Place's own areas
    (``jsna.areas.local_quintiles``). Quintile 1 is always the most deprived.
    """
    need = ["lsoa11cd", "imd_score", "imd_decile", "pop_total"]
    missing = [c for c in need if c not in imd.columns]
    if missing:
        raise ValueError(f"area_deprivation: imd frame lacks column(s) {missing}; pass "
                         "jsna.load.imd.imd2019_lsoa()")
    if geography == "lsoa":
        areas = imd[need].rename(columns={"lsoa11cd": "area_code"}).copy()
        areas["national_quintile"] = area_table.national_quintile(areas["imd_decile"])
        areas = areas.drop(columns="imd_decile")
    elif geography == "msoa":
        if lookup is None or not {"lsoa11cd", "msoa11cd"} <= set(lookup.columns):
            raise ValueError("area_deprivation: geography='msoa' needs the LSOA->MSOA lookup "
                             "(jsna.load.geography.lsoa_lookup())")
        j = imd[need].merge(lookup[["lsoa11cd", "msoa11cd"]], on="lsoa11cd", how="inner")
        areas = area_table.msoa_scores(j).rename(columns={"msoa11cd": "area_code"})
        areas = area_table.local_quintiles(areas, out_col="national_quintile")
    else:
        raise ValueError(f"area_deprivation: geography must be 'lsoa' or 'msoa', not {geography!r}")
    local = areas[areas["area_code"].isin(place_codes)].copy()
    if local.empty:
        raise ValueError("area_deprivation: none of the Place's areas are in the IMD table")
    local = area_table.local_quintiles(local)
    cols = ["area_code", "imd_score", "pop_total", "national_quintile", "local_quintile"]
    return local[cols].reset_index(drop=True)


def attach_deprivation(hea: HEAData, deprivation: pd.DataFrame) -> pd.DataFrame:
    """The HEA rows with their area's IMD score and national/local quintiles."""
    col = hea.area_column
    if col is None:
        raise ValueError("attach_deprivation: the file has no lsoa11cd or msoa11cd column, so "
                         "uptake by deprivation cannot be measured")
    dep = deprivation.rename(columns={"area_code": col})
    return hea.data.merge(dep[[col, "imd_score", "national_quintile", "local_quintile"]],
                          on=col, how="left", validate="many_to_one")


# ---------------------------------------------------------------------------------- uptake
def uptake_by(df: pd.DataFrame, by: str | list[str] | None = None,
              confidence: float | tuple[float, float] = 0.95,
              categories: list | None = None) -> pd.DataFrame:
    """Uptake (served / eligible, %) with Wilson limits for each group of ``by``.

    Output: the ``by`` columns, ``served``, ``eligible``, ``value`` (%), the limits and the stats
    metadata columns. ``categories`` (one ``by`` column only) lists every group to show in order;
    groups with nobody eligible get NA and a note.
    """
    from jsna import stats

    cols = [by] if isinstance(by, str) else list(by or [])
    if cols:
        agg = df.groupby(cols, as_index=False, dropna=False)[["served", "eligible"]].sum()
    else:
        agg = pd.DataFrame({"served": [df["served"].sum()], "eligible": [df["eligible"].sum()]})
    agg["served"] = agg["served"].astype("int64")
    agg["eligible"] = agg["eligible"].astype("int64")
    have = agg[agg["eligible"] > 0]
    if have.empty:
        res = have.assign(value=pd.Series(dtype=float))
    else:
        res = stats.proportion(have, "served", "eligible", group_cols=cols or None,
                               confidence=confidence, multiplier=100)
        res = res.rename(columns={"numerator": "served", "denominator": "eligible"})
        res = res.astype({"served": "int64", "eligible": "int64"})
    if categories is not None:
        if len(cols) != 1:
            raise ValueError("uptake_by: categories needs exactly one `by` column")
        frame = pd.DataFrame({cols[0]: categories})
        res = frame.merge(res, on=cols[0], how="left")
        res["served"] = res["served"].fillna(0).astype("int64")
        res["eligible"] = res["eligible"].fillna(0).astype("int64")
        empty = res["eligible"] == 0
        if empty.any():
            note = res.get("note", pd.Series(pd.NA, index=res.index)).astype(object)
            res["note"] = note.where(~empty, "nobody eligible in this group")
    return res.reset_index(drop=True)


def uptake_by_quintile(df: pd.DataFrame, quintile_col: str = "national_quintile",
                       confidence: float = 0.95) -> pd.DataFrame:
    """Uptake for quintiles 1 (most deprived) to 5, every quintile shown (NA when empty)."""
    res = uptake_by(df, quintile_col, confidence=confidence, categories=[1, 2, 3, 4, 5])
    return res.rename(columns={quintile_col: "quintile"})


def uptake_sii(by_quintile: pd.DataFrame, seed: int | None = 2019,
               repetitions: int = 10000, confidence: float = 0.95,
               transform: bool = False) -> dict[str, Any]:
    """Slope and relative index of inequality (SII/RII) of uptake across deprivation quintiles.

    Uses ``jsna.stats.sii`` with value_type 2 (proportion), placing each quintile at the
    mid-point of its cumulative share of the people eligible; ``transform=True`` fits on the logit scale (PHEindicatormethods' option) instead of
    the default straight line. The SII is in percentage points: the modelled
    gap between the least and the most deprived ends of the population (positive = higher uptake
    in the least deprived). RII = least / most deprived modelled uptake. Returns a dict with
    ``sii``, ``sii_lowercl``, ``sii_uppercl``, ``rii``, ``rii_lowercl``, ``rii_uppercl``,
    ``significant`` (SII limits exclude 0) and ``note`` (why values are NA, when they are).
    """
    from jsna import stats

    out: dict[str, Any] = {k: np.nan for k in ("sii", "sii_lowercl", "sii_uppercl", "rii",
                                               "rii_lowercl", "rii_uppercl")}
    out["significant"], out["note"] = False, ""
    q = by_quintile.dropna(subset=["value"])
    if len(q) < 5:
        out["note"] = (f"SII not calculated: {5 - len(q)} of the 5 quintiles have nobody eligible "
                       "in this Place")
        return out
    if (q["served"] == 0).any() or (q["served"] == q["eligible"]).any():
        out["note"] = "SII not calculated: uptake is 0% or 100% in a quintile"
        return out
    few = q[q["served"] < reliability.MIN_EVENTS_PER_GROUP]
    if len(few):  # the series' reliability rule: a slope rests on enough events in every group
        counts = join_names([f"{count_words(n)} in quintile {int(k)}"
                             for k, n in zip(few["quintile"], few["served"], strict=True)])
        out["note"] = (f"The slope index of inequality is not given: too few people were served for a stable "
                       f"slope ({counts}; the series needs at least {reliability.MIN_EVENTS_PER_GROUP} in every "
                       "quintile).")
        return out
    work = pd.DataFrame({
        "quantile": q["quintile"].astype(int).to_numpy(),
        "population": q["eligible"].astype(float).to_numpy(),
        "value": q["value"].to_numpy() / 100,
        "lowercl": q["lowercl"].to_numpy() / 100,
        "uppercl": q["uppercl"].to_numpy() / 100,
    })
    res = stats.sii(work, "quantile", "population", value_col="value", lower_cl_col="lowercl",
                    upper_cl_col="uppercl", value_type=2, transform=transform, multiplier=100,
                    repetitions=repetitions, confidence=confidence, rii=True, seed=seed)
    row = res.iloc[0]
    for k in out:
        if k in ("significant", "note"):
            continue
        out[k] = float(row[k]) if k in res.columns and pd.notna(row[k]) else np.nan
    if "note" in res.columns and pd.notna(row["note"]):
        out["note"] = str(row["note"])
    lo, hi = out["sii_lowercl"], out["sii_uppercl"]
    out["significant"] = bool(pd.notna(lo) and pd.notna(hi) and (lo > 0 or hi < 0))
    return out


# ------------------------------------------------------------------------------- ethnicity
def uptake_by_ethnicity(df: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Uptake for each ethnic group present (recorded groups in schema order, then not recorded)."""
    if "ethnicity" not in df.columns:
        raise ValueError("uptake_by_ethnicity: the file has no ethnicity column")
    order = [g for g in ETHNIC_GROUPS + UNKNOWN_ETHNICITY if g in set(df["ethnicity"])]
    res = uptake_by(df, "ethnicity", confidence=confidence, categories=order)
    res["recorded"] = ~res["ethnicity"].isin(UNKNOWN_ETHNICITY)
    return res


def ethnicity_completeness(df: pd.DataFrame, by: str | list[str] | None = None,
                           confidence: float = 0.95) -> pd.DataFrame:
    """Share (%) of eligible people whose ethnicity is Unknown or Not stated, with Wilson limits.

    The framework's action 6: ethnicity must be recorded for inequalities to be measured.
    ``by`` gives one row per group (e.g. ``practice_code``); None gives one overall row.
    Output columns: groups, ``not_recorded``, ``eligible``, ``value`` (%), limits, metadata.
    """
    from jsna import stats

    if "ethnicity" not in df.columns:
        raise ValueError("ethnicity_completeness: the file has no ethnicity column")
    cols = [by] if isinstance(by, str) else list(by or [])
    work = df.assign(not_recorded=np.where(df["ethnicity"].isin(UNKNOWN_ETHNICITY),
                                           df["eligible"], 0))
    if cols:
        agg = work.groupby(cols, as_index=False)[["not_recorded", "eligible"]].sum()
    else:
        agg = pd.DataFrame({"not_recorded": [work["not_recorded"].sum()],
                            "eligible": [work["eligible"].sum()]})
    agg = agg[agg["eligible"] > 0].astype({"not_recorded": "int64", "eligible": "int64"})
    res = stats.proportion(agg, "not_recorded", "eligible", group_cols=cols or None,
                           confidence=confidence, multiplier=100)
    res = res.rename(columns={"numerator": "not_recorded", "denominator": "eligible"})
    return res.astype({"not_recorded": "int64", "eligible": "int64"})


# -------------------------------------------------------------------------------- practices
def practice_overdispersion(df: pd.DataFrame) -> pd.Series:
    """Test the practices' uptake for overdispersion (``jsna.stats.funnel_overdispersion``: phi,
    tau2, chi-squared test at 5%). The row's ``recommended`` ("additive" or None) is what
    :func:`uptake_by_practice` uses, and ``note`` the sentence the report states beside the funnel."""
    import warnings

    from jsna import stats

    keys = ["practice_code"] + (["practice_name"] if "practice_name" in df.columns else [])
    full = uptake_by(df, keys)
    full = full[full["eligible"] > 0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", stats.StatsWarning)
        return stats.funnel_overdispersion(full[["served", "eligible"]].astype(float), "served", "proportion",
                                           denom_col="eligible").iloc[0]


def uptake_by_practice(df: pd.DataFrame, threshold: int = 5,
                       overdispersion: str | None = "auto") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Uptake per practice with funnel-plot significance, and the funnel limits to draw.

    Significance (``jsna.stats.funnel_significance``: "Low (0.001)" ... "High (0.001)") is judged
    against the funnel around the overall uptake of all practices. With ``overdispersion="auto"``
    the limits are widened (additive random effects) when :func:`practice_overdispersion` finds
    overdispersion, and are the standard Fingertips limits otherwise; None forces the standard
    limits, "additive" or "multiplicative" forces that adjustment. Practices with fewer than
    ``threshold`` people eligible or served are then suppressed (``suppressed`` True, value NA)
    and left out of the limits' range. Returns (points, limits); points has ``label``
    (practice name, else code), ``served``, ``eligible``, ``value`` (%), limits, ``significance``.
    """
    from jsna import stats

    if "practice_code" not in df.columns:
        raise ValueError("uptake_by_practice: the file has no practice_code column")
    keys = ["practice_code"] + (["practice_name"] if "practice_name" in df.columns else [])
    res = uptake_by(df, keys)
    res = res[res["eligible"] > 0].reset_index(drop=True)
    res["label"] = res["practice_name"] if "practice_name" in res else res["practice_code"]
    how = practice_overdispersion(df)["recommended"] if overdispersion == "auto" else overdispersion
    how = None if how is None or (isinstance(how, float) and np.isnan(how)) else str(how)
    sig = stats.funnel_significance(res[["served", "eligible"]].astype(float), "served",
                                    "proportion", denom_col="eligible", overdispersion=how)
    res["significance"] = sig["significance"].to_numpy()
    res = stats.suppress(res, ["served", "eligible"], threshold=threshold)
    res.loc[res["suppressed"], "significance"] = "suppressed"
    shown = res[~res["suppressed"]]
    if shown.empty:
        return res, pd.DataFrame()
    full = uptake_by(df, keys)
    full = full[full["eligible"] > 0]
    limits = stats.funnel_limits(full[["served", "eligible"]].astype(float), "served",
                                 "proportion", 100, denom_col="eligible", overdispersion=how)
    return res, limits


# ------------------------------------------------------------------ practices by ethnic mix
#: recorded ethnic groups counted as minority ethnic groups (every recorded group but White)
MINORITY_GROUPS = tuple(g for g in ETHNIC_GROUPS if g != "White")
#: a practice is grouped only when at least this many of its eligible patients have a recorded
#: ethnic group (the suppression threshold): a share of 1-4 people says nothing about its mix
MIN_RECORDED_PER_PRACTICE = 5
#: eligible people a practice group needs before a gap is stated: at about 30% uptake the 95%
#: Wilson interval of 100 people is already +/-9 percentage points wide, the size of the
#: published deprivation gap (10 points), so smaller groups cannot show such a gap
MIN_ELIGIBLE_PER_GROUP = 100


def practice_ethnic_mix(df: pd.DataFrame) -> pd.DataFrame:
    """Each practice's ethnic mix from the file itself: ``eligible``, ``recorded`` (ethnic group
    recorded), ``minority`` (recorded in a group other than White) and ``minority_share`` (% of
    ``recorded``; NA when nobody's ethnicity is recorded)."""
    if "practice_code" not in df.columns or "ethnicity" not in df.columns:
        raise ValueError("practice_ethnic_mix: the file needs practice_code and ethnicity columns")
    work = df.assign(
        recorded=np.where(df["ethnicity"].isin(ETHNIC_GROUPS), df["eligible"], 0),
        minority=np.where(df["ethnicity"].isin(MINORITY_GROUPS), df["eligible"], 0))
    keys = ["practice_code"] + (["practice_name"] if "practice_name" in df.columns else [])
    out = work.groupby(keys, as_index=False)[["eligible", "served", "recorded", "minority"]].sum()
    out = out.astype({c: "int64" for c in ("eligible", "served", "recorded", "minority")})
    share = 100 * out["minority"] / out["recorded"].where(out["recorded"] > 0)
    return out.assign(minority_share=share.astype(float))


def practice_mix_groups(mix: pd.DataFrame, n_groups: int | None = None,
                        min_recorded: int = MIN_RECORDED_PER_PRACTICE) -> pd.DataFrame:
    """Assign practices to equal-count groups by ``minority_share`` (``mix_group`` 1 = fewest
    minority ethnic patients). Ranked by share (ties by practice code), the i-th of n practices
    goes to group floor(i * k / n) + 1. ``n_groups`` None: fifths when every fifth can hold
    :data:`jsna.reliability.MIN_AREAS_PER_GROUP` practices, quartiles otherwise. Practices with
    fewer than ``min_recorded`` patients of recorded ethnicity get ``mix_group`` NA."""
    from jsna.reliability import MIN_AREAS_PER_GROUP

    out = mix.copy()
    ok = out["recorded"] >= min_recorded
    n = int(ok.sum())
    k = n_groups or (5 if n >= 5 * MIN_AREAS_PER_GROUP else 4)
    ranked = out[ok].sort_values(["minority_share", "practice_code"], kind="stable")
    groups = pd.Series(np.arange(n) * k // max(n, 1) + 1, index=ranked.index)
    out["mix_group"] = groups.reindex(out.index).astype("Int64")
    out.attrs["n_groups"] = k
    return out


def mix_group_label(group: int, n_groups: int) -> str:
    """'Fifth 1 (fewest minority ethnic patients)' ... 'Fifth 5 (most ...)'; quartiles alike."""
    word = "Fifth" if n_groups == 5 else "Quartile" if n_groups == 4 else "Group"
    end = {1: " (fewest minority ethnic patients)", n_groups: " (most minority ethnic patients)"}
    return f"{word} {int(group)}{end.get(int(group), '')}"


def uptake_by_practice_mix(df: pd.DataFrame, n_groups: int | None = None,
                           confidence: float = 0.95) -> pd.DataFrame:
    """Uptake (Wilson limits) for practices grouped by their share of minority ethnic patients
    (:func:`practice_mix_groups`). One row per group, fewest first: ``mix_group``, ``label``,
    ``practices``, ``share_min``/``share_max`` (% minority, range in the group), ``served``,
    ``eligible``, ``value`` and limits. ``attrs``: ``n_groups``, ``ungrouped`` (practices left out)."""
    from jsna import stats

    mix = practice_mix_groups(practice_ethnic_mix(df), n_groups)
    k = mix.attrs["n_groups"]
    g = mix.dropna(subset=["mix_group"])
    agg = g.groupby("mix_group", as_index=False).agg(
        practices=("practice_code", "size"), share_min=("minority_share", "min"),
        share_max=("minority_share", "max"), served=("served", "sum"), eligible=("eligible", "sum"))
    agg = agg.astype({"mix_group": "int64", "served": "int64", "eligible": "int64"})
    if agg.empty:
        res = agg.assign(value=pd.Series(dtype=float), lowercl=pd.Series(dtype=float),
                         uppercl=pd.Series(dtype=float))
    else:
        res = stats.proportion(agg, "served", "eligible", group_cols=["mix_group", "practices",
                               "share_min", "share_max"], confidence=confidence, multiplier=100)
        res = res.rename(columns={"numerator": "served", "denominator": "eligible"})
        res = res.astype({"served": "int64", "eligible": "int64"})
    res.insert(1, "label", [mix_group_label(v, k) for v in res["mix_group"]])
    res = res.sort_values("mix_group").reset_index(drop=True)
    res.attrs.update(n_groups=k, ungrouped=int(mix["mix_group"].isna().sum()))
    return res


def practice_mix_reliability(table: pd.DataFrame) -> list[str]:
    """Why the gap between the fewest- and most-minority groups may not be stated ([] = it may).

    The series' rule (:mod:`jsna.reliability`) by analogy, practices standing for areas: each
    group compared needs :data:`~jsna.reliability.MIN_AREAS_PER_GROUP` practices,
    :data:`MIN_ELIGIBLE_PER_GROUP` eligible people and
    :data:`~jsna.reliability.MIN_EVENTS_PER_GROUP` people served."""
    from jsna.reliability import MIN_AREAS_PER_GROUP, MIN_EVENTS_PER_GROUP
    from jsna.words import fmt_number, join_names, plural

    if len(table) < 2:
        return ["there are too few practices with recorded ethnicity to form groups"]
    ends = table.iloc[[0, -1]]
    reasons = []
    few = [r for r in ends.itertuples() if r.practices < MIN_AREAS_PER_GROUP]
    if few:
        held = join_names([f"{plural(int(r.practices), 'practice')} in {r.label.split(' (')[0].lower()}"
                           for r in few])
        reasons.append(f"the groups compared hold only {held} (the series needs at least "
                       f"{MIN_AREAS_PER_GROUP} in each)")
    small = [r for r in ends.itertuples() if r.eligible < MIN_ELIGIBLE_PER_GROUP]
    if small:
        reasons.append(f"{join_names([r.label.split(' (')[0].lower() for r in small])} "
                       f"{'has' if len(small) == 1 else 'have'} fewer than "
                       f"{fmt_number(MIN_ELIGIBLE_PER_GROUP)} people eligible")
    rare = [r for r in ends.itertuples() if r.served < MIN_EVENTS_PER_GROUP]
    if rare:
        reasons.append(f"{join_names([r.label.split(' (')[0].lower() for r in rare])} "
                       f"{'has' if len(rare) == 1 else 'have'} fewer than {MIN_EVENTS_PER_GROUP} "
                       "people served")
    return reasons


# --------------------------------------------------------------------------- one-call setup
def synthetic_example_path() -> Path:
    """The committed SYNTHETIC example input (scripts/make_synthetic_hea.py)."""
    from jsna.topics.health_equity_audit.applies import SYNTHETIC_EXAMPLE

    return SYNTHETIC_EXAMPLE


@dataclass
class HEARun:
    """Everything the notebook needs after reading, validating and filtering one input file."""

    ok: bool
    source: str
    synthetic: bool
    errors: pd.DataFrame
    hea: HEAData | None = None
    rows: pd.DataFrame | None = None  # validated rows in the Place (+ deprivation when known)
    deprivation: pd.DataFrame | None = None
    dropped: dict[str, int] = field(default_factory=dict)

    @property
    def overall(self) -> float:
        """Overall uptake (%) in the Place."""
        if self.rows is None or self.rows["eligible"].sum() == 0:
            return float("nan")
        return 100 * float(self.rows["served"].sum()) / float(self.rows["eligible"].sum())


def prepare(place, input_csv: str | Path | None = None, data_dir: Path | None = None) -> HEARun:
    """Read and validate the service file against the England lookup, keep the Place's rows and
    attach IMD 2019 quintiles. Never raises for a bad file: ``ok`` is False and ``errors`` lists
    each problem (use :func:`read_hea` for an exception instead).
    """
    from jsna import paths
    from jsna.load.geography import lsoa_lookup
    from jsna.load.imd import imd2019_lsoa

    synthetic = input_csv is None
    path = synthetic_example_path() if synthetic else Path(input_csv)
    if not path.is_absolute() and not path.exists() and (paths.ROOT / path).exists():
        path = paths.ROOT / path  # relative to the repository, whatever the kernel's cwd
    lookup = lsoa_lookup(data_dir)
    data, errors = check_hea(path, lsoa_codes=set(lookup["lsoa11cd"]),
                             msoa_codes=set(lookup["msoa11cd"]))
    run = HEARun(ok=data is not None, source=str(path), synthetic=synthetic, errors=errors)
    if data is None:
        return run
    in_place = lookup[lookup["lad19cd"].isin(place.district_codes_2019)]
    codes = None
    if data.geography == "lsoa":
        codes = set(in_place["lsoa11cd"])
    elif data.geography == "msoa":
        codes = set(in_place["msoa11cd"])
    kept, dropped = filter_to_place(data, codes)
    run.hea, run.dropped, run.rows = kept, dropped, kept.data
    if kept.data.empty:
        run.ok = False
        run.errors = _errors([(None, kept.area_column or "", "", (
            f"no rows for residents of {place.name}: every area code in the file is outside it"))])
        return run
    if int(kept.data["eligible"].sum()) == 0:
        run.ok = False
        run.errors = _errors([(None, "eligible", "", (
            f"nobody is eligible in {place.name}: every row for its residents has eligible = 0, so "
            "uptake cannot be measured"))])
        return run
    if codes is not None:
        imd = imd2019_lsoa(data_dir)
        run.deprivation = area_deprivation(imd, codes, data.geography, lookup)
        run.rows = attach_deprivation(kept, run.deprivation)
    return run


# ------------------------------------------------------------------------------ display
#: groups with 1 to this many minus one people served or eligible are suppressed, as the publishers do
SUPPRESS_BELOW = 5


def count_words(n: float) -> str:
    """A count of people in a sentence: 'fewer than 5' for a count that tables suppress."""
    return f"fewer than {SUPPRESS_BELOW}" if n < SUPPRESS_BELOW else f"{int(n)}"


def suppress_small(table: pd.DataFrame, threshold: int = SUPPRESS_BELOW) -> pd.DataFrame:
    """Suppress groups with 1-4 people served or eligible (``jsna.stats.suppress``); groups with
    nobody eligible stay as they are (shown as 'nobody eligible', not 'suppressed')."""
    from jsna import stats

    empty = (table["eligible"] == 0).to_numpy()
    out = stats.suppress(table, ["served", "eligible"], threshold=threshold)
    out.loc[empty, ["served", "eligible"]] = 0
    out.loc[empty, "suppressed"] = False
    return out


def display_table(table: pd.DataFrame, group_col: str, group_label: str,
                  labels: dict | None = None, what: str = "Uptake") -> pd.DataFrame:
    """A reader-facing table: group, people served, eligible, value (%) and 95% interval text."""
    rows = []
    for _, r in table.iterrows():
        g = labels.get(r[group_col], r[group_col]) if labels else r[group_col]
        if bool(r.get("suppressed", False)):
            rows.append([g, "suppressed", "suppressed", "suppressed", "suppressed"])
            continue
        if pd.isna(r.get("value")):
            rows.append([g, int(r["served"]), int(r["eligible"]), "nobody eligible", ""])
            continue
        count_col = "not_recorded" if "not_recorded" in table.columns else "served"
        rows.append([g, int(r[count_col]), int(r["eligible"]), round(float(r["value"]), 1),
                     f"{r['lowercl']:.1f} to {r['uppercl']:.1f}"])
    first = "Not recorded" if "not_recorded" in table.columns else "Served"
    return pd.DataFrame(rows, columns=[group_label, first, "Eligible", f"{what} (%)",
                                       "95% confidence interval (%)"])


def stack(*tables: pd.DataFrame) -> pd.DataFrame:
    """Display tables with the same columns, one after the other."""
    return pd.concat(list(tables), ignore_index=True)


def problem_kind(problem: str) -> str:
    """A problem without its row-specific details: 'served (5) is more than eligible (3)' ->
    'served is more than eligible', 'duplicate of line 12 ...' -> 'duplicate of line ...'."""
    kind = re.sub(r"\s*\([^)]*\)", "", str(problem))
    kind = re.sub(r"\d[\d,]*", "…", kind)
    return re.split(r"[:;]", kind, maxsplit=1)[0].strip()


def error_counts(errors: pd.DataFrame) -> pd.DataFrame:
    """How many problems of each kind (column + :func:`problem_kind`), most frequent first:
    columns Column, Problem, Rows."""
    if errors.empty:
        return pd.DataFrame(columns=["Column", "Problem", "Rows"])
    kinds = errors.assign(kind=errors["problem"].map(problem_kind))
    out = kinds.groupby(["column", "kind"], sort=False).size().rename("Rows").reset_index()
    out = out.sort_values("Rows", ascending=False, kind="stable").reset_index(drop=True)
    return out.rename(columns={"column": "Column", "kind": "Problem"})


def write_errors_csv(errors: pd.DataFrame, path: str | Path) -> Path:
    """Write every problem (line, column, value, problem) to a CSV the page can link; returns it.
    Values are written as text; a cell starting with = + - @ is prefixed with ' so a spreadsheet
    never runs it as a formula."""
    out = errors.copy()
    for c in ("column", "value", "problem"):
        out[c] = out[c].astype(str).map(lambda v: "'" + v if v[:1] in ("=", "+", "-", "@") else v)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False, encoding="utf-8")
    return path


def error_table(errors: pd.DataFrame, limit: int | None = MAX_ERRORS_SHOWN) -> pd.DataFrame:
    """The validation problems as a reader-facing table (line 'whole file' when not row-specific):
    the first ``limit`` only (None = all); show :func:`error_counts` and link
    :func:`write_errors_csv` for the rest."""
    out = errors if limit is None else errors.head(limit)
    out = out.copy()
    out["line"] = out["line"].map(lambda v: "whole file" if pd.isna(v) else str(int(v)))
    return out.rename(columns={"line": "Line", "column": "Column", "value": "Value",
                               "problem": "Problem"})


# ------------------------------------------------------------ Census 2021: who the residents are
#: the audit's five ethnic groups -> the Census 2021 TS021 columns of
#: :func:`jsna.load.census.usual_residents_lsoa` (the same five high-level groups; the Census names
#: add "Welsh" because they cover England and Wales)
CENSUS_GROUP_COLUMNS = dict(zip(ETHNIC_GROUPS, ("asian", "black", "mixed", "white", "other"), strict=True))


def census_ethnic_shares(residents: pd.DataFrame, lsoa21cds: Iterable[str]) -> pd.DataFrame:
    """The Place's Census 2021 usual residents in each of the audit's five ethnic groups: ethnicity,
    census_residents, census_share (% of all residents). ``residents``: TS021 rows per LSOA 2021;
    ``lsoa21cds``: the Place's LSOAs 2021 (every one must be in ``residents``)."""
    codes = pd.Index(pd.unique(pd.Series(list(lsoa21cds), dtype=object)))
    d = residents.set_index("lsoa21cd")
    missing = codes.difference(d.index)
    if len(missing):
        raise ValueError(f"census_ethnic_shares: {len(missing)} LSOA(s) 2021 have no Census count, "
                         f"e.g. {list(missing[:3])}")
    d = d.loc[codes]
    total = int(d["residents"].sum())
    rows = [{"ethnicity": g, "census_residents": int(d[c].sum()),
             "census_share": 100 * int(d[c].sum()) / total if total else np.nan}
            for g, c in CENSUS_GROUP_COLUMNS.items()]
    return pd.DataFrame(rows)


def eligible_beside_census(eth: pd.DataFrame, census: pd.DataFrame) -> pd.DataFrame:
    """The service's eligible people by recorded ethnic group (share of those with a recorded group)
    beside the Place's Census 2021 residents (:func:`census_ethnic_shares`). A group with 1-4 eligible
    people is withheld (``suppressed``, as :func:`suppress_small`); ``eth`` is :func:`uptake_by_ethnicity`
    before suppression. Columns: ethnicity, eligible,
    eligible_share, census_residents, census_share, suppressed."""
    if eth["eligible"].isna().any():
        raise ValueError("eligible_beside_census: pass uptake_by_ethnicity before suppress_small (a withheld count "
                         "would read as zero and leave the shares' denominator short)")
    rec = eth[eth["ethnicity"].isin(ETHNIC_GROUPS)][["ethnicity", "eligible"]]
    out = census.merge(rec, on="ethnicity", how="left")
    out["eligible"] = out["eligible"].fillna(0)
    n = out["eligible"].sum()
    out["eligible_share"] = 100 * out["eligible"] / n if n else np.nan
    out["suppressed"] = (out["eligible"] > 0) & (out["eligible"] < 5)
    out.loc[out["suppressed"], ["eligible", "eligible_share"]] = np.nan
    return out[["ethnicity", "eligible", "eligible_share", "census_residents", "census_share", "suppressed"]]


def census_display(table: pd.DataFrame, synthetic: bool) -> pd.DataFrame:
    """Reader-facing :func:`eligible_beside_census`: the service columns say "Synthetic example" when
    the file is synthetic; the Census columns are labelled "Census 2021 residents"."""
    tag = " (synthetic example)" if synthetic else ""
    out = pd.DataFrame({
        "Ethnic group": table["ethnicity"],
        f"Eligible people{tag}": ["suppressed" if s else int(e)
                                  for e, s in zip(table["eligible"], table["suppressed"], strict=True)],
        f"Share of eligible with a recorded group (%){tag}": [
            "suppressed" if s else round(float(v), 1)
            for v, s in zip(table["eligible_share"], table["suppressed"], strict=True)],
        "Census 2021 residents": table["census_residents"],
        "Census 2021 residents (%)": table["census_share"].round(1),
    })
    return out


def place_census_shares(place: Any, data_dir: Path | None = None) -> pd.DataFrame:
    """:func:`census_ethnic_shares` for a Place: its LSOAs 2021 are those made from its LSOAs 2011
    (the ONS LSOA 2011 -> 2021 lookup), as in the Core20PLUS5 view of the equity dashboard."""
    from jsna.load import read_source
    from jsna.load.census import usual_residents_lsoa

    lsoas11 = area_table.lsoas(place, data_dir)
    bridge = read_source("ons_lsoa11_lsoa21_lad22", data_dir)
    codes = bridge.loc[bridge["lsoa11_code"].isin(lsoas11["lsoa11cd"]), "lsoa21_code"]
    return census_ethnic_shares(usual_residents_lsoa(data_dir), codes)
