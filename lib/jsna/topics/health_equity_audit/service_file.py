"""The service's own file: its schema, and reading and validating it (:func:`check_hea`).

The file is named by the user (``input_csv``), so it is not a catalogued source: it is read here, and
only here, through :func:`check_hea` (called by :func:`jsna.topics.health_equity_audit.inputs.load`).

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
:func:`filter_to_place` keeps the rows of a Place's residents. The analysis of the validated rows is
in :mod:`jsna.topics.health_equity_audit.compute`.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

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


def error_frame(rows: list[tuple[Any, str, Any, str]]) -> pd.DataFrame:
    """The problems found, one row each: line (file line number, NA for the whole file), column, value, problem."""
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
            return None, error_frame([(None, "", "", problem)])
        try:
            raw, header_line = _parse_frame(text)
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            return None, error_frame([(None, "", "", f"not a readable CSV file ({exc})")])
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
        return None, error_frame(errs)

    raw = raw[[c for c in ALL_COLUMNS if c in cols]]
    for c in raw.columns:
        raw[c] = raw[c].astype(str).str.strip()
    lines = pd.Series(np.arange(len(raw)) + header_line + 1, index=raw.index)
    blank = (raw == "").all(axis=1)
    raw, lines = raw[~blank], lines[~blank]
    if raw.empty:
        return None, error_frame([(None, "", "", "the file has a header but no data rows")])

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
        e = error_frame(errs).sort_values(["line", "column"], kind="stable").reset_index(drop=True)
        return None, e
    out.insert(0, "line", lines.astype(int))
    geography = "lsoa" if "lsoa11cd" in out else "msoa" if "msoa11cd" in out else None
    data = HEAData(data=out.reset_index(drop=True), source=src, geography=geography,
                   has_practice="practice_code" in out, has_ethnicity="ethnicity" in out,
                   has_age="age_band" in out, warnings=warnings)
    return data, error_frame([])


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

