"""The service's own file: its schema, and reading and validating it (:func:`check_hea`).

The file is named by the user (``input_csv``), so it is not a catalogued source: it is read here, and
only here, through :func:`check_hea` (called by :func:`jsna.topics.health_equity_audit.inputs.load`).

Input schema
============
A service supplies one CSV file (UTF-8, comma-separated, one header row; lines starting with
``#`` *before* the header are comments) of at most :data:`MAX_FILE_BYTES` (200 MB, checked before a
byte is read; one row per breakdown keeps even a national file far smaller). A semicolon-separated
file (Excel in a comma-decimal locale) is recognised: its counts are then read with a decimal comma
(``12,0`` is 12) and a warning says so; a thousands separator is refused rather than guessed. Each row counts the people **eligible** for the service
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
lsoa21cd        one of    residence LSOA (2021 boundaries): read through the ONS LSOA 2011 -> 2021
                (*)       lookup (an LSOA 2021 made from one LSOA 2011, unchanged or split, counts
                          for it; one merged from several is refused: give 2011 codes or MSOAs)
msoa11cd        one of    residence MSOA (2011): an English code ``E02......`` in the ONS lookup
                (*)
practice_name   no        display name for the practice
ethnicity       no        one of ETHNIC_GROUPS or UNKNOWN_ETHNICITY (see below); a blank cell is
                          read as ``Unknown``
age_band        no        ``18-39``-style band, ``65+``, or ``Unknown``
==============  ========  ===================================================================

(*) at least one of ``practice_code``, ``lsoa11cd``, ``lsoa21cd`` and ``msoa11cd``; give one
residence column only. 2021 LSOA codes in ``lsoa11cd`` are recognised and named. One row per combination of the breakdown columns present (duplicates are
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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

REQUIRED_COLUMNS = ("eligible", "served")
GEOGRAPHY_COLUMNS = ("practice_code", "lsoa11cd", "lsoa21cd", "msoa11cd")
RESIDENCE_COLUMNS = ("lsoa11cd", "lsoa21cd", "msoa11cd")
OPTIONAL_COLUMNS = ("practice_name", "ethnicity", "age_band")
ALL_COLUMNS = REQUIRED_COLUMNS + GEOGRAPHY_COLUMNS + OPTIONAL_COLUMNS
KEY_ORDER = ("practice_code", "lsoa11cd", "lsoa21cd", "msoa11cd", "ethnicity", "age_band")

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
#: the largest service file read (checked before reading); larger files are refused with the fix
MAX_FILE_BYTES = 200 * 2**20
#: rows read at a time (the file is parsed in chunks, keeping only the schema's columns)
CHUNK_ROWS = 200_000
#: a value quoted back in a problem is cut to this many characters
MAX_VALUE_CHARS = 40
#: a count above this is an error: more people than live in the UK (~68 million)
MAX_COUNT = 100_000_000
#: a header cell quoted back in a message must look like a column name (never file contents)
_HEADER_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_ .()-]{0,39}$")


class HEAValidationError(ValueError):
    """The service file failed validation. ``errors`` lists each problem with its line number."""

    def __init__(self, source: str, errors: pd.DataFrame):
        self.source = source
        self.errors = errors
        super().__init__(one_line(source, errors))


def one_line(source: str, errors: pd.DataFrame, first: int = 3) -> str:
    """The problems in one line, for a build summary: how many, then the first few
    (``input.csv: 880 problems; line 5, column 'lsoa11cd': ...; ...``)."""
    n = len(errors)
    parts = []
    for rec in errors.head(first).itertuples(index=False):
        where = f"line {rec.line}" if pd.notna(rec.line) else "whole file"
        col = f", column {rec.column!r}" if rec.column else ""
        parts.append(f"{where}{col}: {rec.problem}")
    more = f"; and {n - first} more" if n > first else ""
    return f"{Path(str(source)).name}: {n} problem{'s' if n != 1 else ''}: " + "; ".join(parts) + more


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


def _checked_path(source: str | Path) -> tuple[Path | None, str, str]:
    """(path or None, source name, problem) for the file the user named, and only that file.

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
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return None, str(path), (f"{path.name} is {size / 2**20:,.0f} MB; the audit reads files of at most "
                                 f"{MAX_FILE_BYTES // 2**20} MB. Give one row per breakdown (add the counts of "
                                 "identical rows together) or keep only the Places audited")
    return path, str(path), ""


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
                                  else str(v) if len(str(v)) <= MAX_VALUE_CHARS else str(v)[:MAX_VALUE_CHARS] + "…")
    return df


def _header(path: Path) -> tuple[int, str]:
    """(lines before the header, the header line) of the file: comment and blank lines are skipped."""
    skip = 0
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for line in fh:
            if line.lstrip().startswith("#") or not line.strip():
                skip += 1
                continue
            return skip, line.rstrip("\r\n")
    return skip, ""


def separator(header: str) -> str:
    """The file's separator from its header line: ';' when the header has semicolons and no commas
    (Excel's CSV in a comma-decimal locale), else ','."""
    return ";" if ";" in header and "," not in header else ","


def _parse_frame(path: Path, renames: dict[str, str] | None = None
                 ) -> tuple[pd.DataFrame, int, str, list[str]]:
    """Read the file in chunks of :data:`CHUNK_ROWS` rows, keeping only the schema's columns (after
    ``renames``: the file's name -> the schema's), all as strings. Returns the frame, the file line
    of the header, the separator and the header's cells (lower case)."""
    skip, header = _header(path)
    sep = separator(header)
    cells = [c.strip().lower() for c in next(iter(pd.read_csv(io.StringIO(header), sep=sep, header=None,
                                                               dtype=str, keep_default_na=False).itertuples(
                                                                   index=False)), ())] if header else []
    renames = renames or {}
    keep = {c for c in cells if renames.get(c, c) in ALL_COLUMNS}
    reader = pd.read_csv(path, sep=sep, skiprows=skip, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                         skip_blank_lines=False, chunksize=CHUNK_ROWS,
                         usecols=lambda c: str(c).strip().lower() in keep)
    # each chunk's columns become categories: a long file repeats its codes, so memory grows with the
    # distinct values, not with one string object per cell
    chunks = [c.astype("category") for c in reader]
    if chunks:
        df = pd.DataFrame({col: pd.api.types.union_categoricals([c[col] for c in chunks], ignore_order=True)
                           for col in chunks[0].columns})
    else:
        df = pd.DataFrame(columns=[c for c in cells if c in keep])
    if df.empty and not len(df.columns):
        df = pd.DataFrame(columns=cells)
    return df, skip + 1, sep, cells


_THOUSANDS = {",": re.compile(r"^\d{1,3}(,\d{3})+$"), ";": None}


def _stripped(s: pd.Series) -> pd.Series:
    """The column's text without surrounding spaces; a categorical column (a file read in chunks) stays
    categorical, its categories stripped, so no string is made per row."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = s.cat.categories.astype(str).str.strip()
        if cats.is_unique:
            return s.cat.rename_categories(cats)
    return s.astype(str).str.strip()


def _whole_numbers(s: pd.Series, sep: str = ",") -> tuple[pd.Series, pd.Series]:
    """:func:`_parse_counts` of each distinct value of a categorical column, spread to its rows."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        num, reason = _parse_counts(pd.Series(s.cat.categories.astype(str)), sep)
        codes = s.cat.codes.to_numpy()
        return (pd.Series(num.to_numpy()[codes], index=s.index, dtype=float),
                pd.Series(reason.to_numpy()[codes], index=s.index, dtype=object))
    return _parse_counts(s, sep)


def _parse_counts(s: pd.Series, sep: str = ",") -> tuple[pd.Series, pd.Series]:
    """Parse counts; return (numbers as float, reason per row or '' when fine). In a comma-separated
    file ``1,585`` is 1585 (a thousands comma); in a semicolon-separated one the comma is the decimal
    mark (``12,0`` is 12) and a ``.`` is refused (a thousands point or a decimal point cannot be told
    apart there)."""
    text = s.astype("string").fillna("").str.strip()
    if sep == ";":
        point = text.str.contains(".", regex=False)
        text = text.str.replace(",", ".", regex=False).where(~point, "?")
    else:
        point = pd.Series(False, index=s.index)
        text = text.where(~text.str.match(_THOUSANDS[","]), text.str.replace(",", "", regex=False))
    num = pd.to_numeric(text, errors="coerce")
    reason = pd.Series("", index=s.index, dtype=object)
    reason[text == ""] = "missing count: write 0 if there were none"
    reason[(text != "") & num.isna()] = "not a number"
    reason[point.to_numpy(dtype=bool)] = ("not a number: in a semicolon-separated file the decimal mark is a comma; "
                                          "write counts as whole numbers without separators")
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
              msoa_codes: set[str] | None = None, name: str | None = None,
              columns: dict[str, str] | None = None,
              lsoa21_lookup: Callable[[], pd.DataFrame] | None = None) -> tuple[HEAData | None, pd.DataFrame]:
    """Validate a service file (path, or a frame of strings as read from one).

    lsoa_codes / msoa_codes: the valid English codes (e.g. the ``lsoa11cd``/``msoa11cd`` columns
    of ``jsna.load.geography.lsoa_lookup()``); when None the codes are checked only for their
    format. ``columns`` (an audit spec's layout: schema name -> the file's name) are the columns the
    file must have. ``lsoa21_lookup`` gives the ONS LSOA 2011 -> 2021 lookup
    (``jsna.load.geography.lsoa11_lsoa21_lookup``), read only when the file has 2021 codes: a
    ``lsoa21cd`` column is read through it, and 2021 codes in ``lsoa11cd`` are named. Returns
    (HEAData or None, errors table with columns line, column, value, problem). HEAData is None
    whenever the errors table is not empty.
    """
    renames = {v: k for k, v in (columns or {}).items()}
    sep = ","
    if isinstance(source, pd.DataFrame):
        raw, header_line, src = source.astype("string").fillna("").astype(object), 1, name or "<data>"
        cells = [str(c).strip().lower() for c in raw.columns]
    else:
        path, src, problem = _checked_path(source)
        src = name or src
        if path is None:
            return None, error_frame([(None, "", "", problem)])
        try:
            raw, header_line, sep, cells = _parse_frame(path, renames)
        except UnicodeDecodeError as exc:
            return None, error_frame([(None, "", "", f"the file is not UTF-8 text ({exc.reason} at byte {exc.start}); "
                                       "save it as 'CSV UTF-8' and try again")])
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
            return None, error_frame([(None, "", "", f"not a readable CSV file ({str(exc).splitlines()[0]})")])
        except OSError as exc:
            return None, error_frame([(None, "", "", f"the file could not be read ({exc.strerror})")])
    errs: list[tuple[Any, str, Any, str]] = []
    raw = raw.copy()
    raw.columns = [renames.get(c, c) for c in (str(c).strip().lower() for c in raw.columns)]
    if columns:
        missing = [f"{k}" + (f" (as {v!r})" if v != k else "") for k, v in columns.items() if v not in cells]
        if missing:
            errs.append((header_line, ", ".join(columns), "", (
                f"the file does not have the layout its audit spec gives: no column {', '.join(missing)} "
                f"({_header_list(cells)}); correct the file, or the spec's 'columns'")))
            return None, error_frame(errs)
        raw = raw[[c for c in raw.columns if c in columns]]
    cols = list(raw.columns)
    dup_cols = sorted({c for c in cells if cells.count(c) > 1 and _HEADER_NAME_RE.match(c)})
    for c in dup_cols:
        errs.append((header_line, c, "", "column appears more than once in the header"))
    for c in REQUIRED_COLUMNS:
        if c not in cols:
            errs.append((header_line, c, "", f"required column missing ({_header_list(cells)})"))
    present_geo = [c for c in GEOGRAPHY_COLUMNS if c in cols]
    if not present_geo:
        errs.append((header_line, "", "", "no breakdown column: give at least one of "
                     + ", ".join(GEOGRAPHY_COLUMNS)))
    residence = [c for c in RESIDENCE_COLUMNS if c in cols]
    if len(residence) > 1:
        errs.append((header_line, ", ".join(residence), "", "give one residence column ("
                     + " or ".join(RESIDENCE_COLUMNS) + "), not several"))
    warnings = []
    if sep == ";":
        warnings.append("the file is semicolon-separated (as Excel saves CSV where the decimal mark is a comma): "
                        "it was read so, with a decimal comma in the counts")
    extra = [c for c in cells if renames.get(c, c) not in ALL_COLUMNS or (columns and renames.get(c, c) not in columns)]
    if extra:
        names = [c for c in extra if _HEADER_NAME_RE.match(c)]
        warnings.append("column(s) ignored (not in the HEA schema): " + ", ".join(names)
                        + (f" and {len(extra) - len(names)} other header cell(s)" if len(names) < len(extra) else ""))
    if errs:
        return None, error_frame(errs)

    raw = raw[[c for c in ALL_COLUMNS if c in cols]].copy()
    for c in raw.columns:
        raw[c] = _stripped(raw[c])
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
        num, reason = _whole_numbers(raw[c], sep)
        flag(reason != "", c, reason)
        nums[c], ok = num, ok & (reason == "")
    over = ok & (nums["served"] > nums["eligible"]).fillna(False)
    if over.any():  # the message only for the rows it concerns (a long file makes no string per row)
        sub = raw.loc[over, ["served", "eligible"]].astype(str)
        flag(over, "served", ("served (" + sub["served"] + ") is more than eligible (" + sub["eligible"]
                              + ")").reindex(raw.index))
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
                                     ("lsoa21cd", LSOA_RE, "LSOA", None),
                                     ("msoa11cd", MSOA_RE, "MSOA", msoa_codes)):
        if c not in raw:
            continue
        year = c[-4:-2]
        code = raw[c].str.upper()
        flag(code == "", c, f"missing {kind} code")
        bad_form = (code != "") & ~code.str.match(pattern)
        flag(bad_form, c, f"not an English {kind} 20{year} code (expected {pattern.pattern[1:4]} "
             "followed by 6 digits)")
        unknown = (code != "") & ~bad_form & (~code.isin(valid) if valid is not None else False)
        if c == "lsoa11cd" and unknown.any() and lsoa21_lookup is not None:
            is21 = unknown & code.isin(set(lsoa21_lookup()["lsoa21cd"]))
            if is21.any():  # one line for the file, not one per row: the column is of the wrong vintage
                errs.append((header_line, c, code[is21].iloc[0], (
                    f"{int(is21.sum()):,} rows give 2021 LSOA codes in lsoa11cd (e.g. {code[is21].iloc[0]}, "
                    "not a 2011 code): name the column lsoa21cd, and the audit reads them through the ONS "
                    "LSOA 2011 to 2021 lookup")))
                unknown &= ~is21
        flag(unknown, c, f"unknown {kind} 20{year} code: not in the ONS England lookup (check it is a "
             f"20{year} code, not 20{'21' if year == '11' else '11'})")
        if c == "lsoa21cd":
            out[c] = code
            if lsoa21_lookup is None:
                errs.append((header_line, c, "", "2021 LSOA codes need the ONS LSOA 2011 to 2021 lookup; "
                             "give the residence as lsoa11cd (2011 codes) instead"))
                continue
            bridge = lsoa21_lookup()
            parents = bridge.groupby("lsoa21cd")["lsoa11cd"].agg(list)
            known = (code != "") & ~bad_form
            flag(known & ~code.isin(parents.index), c,
                 "unknown LSOA 2021 code: not in the ONS LSOA 2011 to 2021 lookup (check it is a 2021 code)")
            n_parents = code.map(parents.map(len)).fillna(0)
            flag(known & (n_parents > 1), c, "this LSOA 2021 was made by merging LSOAs 2011, so its counts "
                 "cannot be placed in one IMD 2019 area: give the residence of these rows as lsoa11cd (2011 codes) "
                 "or msoa11cd")
            single = parents[parents.map(len) == 1].map(lambda v: v[0])
            out["lsoa11cd"] = code.map(single)
            continue
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

    keys = [c for c in KEY_ORDER if c in out.columns and not (c == "lsoa11cd" and "lsoa21cd" in out)]
    dup = out.duplicated(subset=keys, keep=False) & out[keys].notna().all(axis=1)
    if dup.any():  # every repeat of a breakdown, naming the line it repeats (vectorised: files can be long)
        d = out.loc[dup, keys].astype(str)
        first = lines[dup].groupby([d[k] for k in keys], sort=False).transform("min")
        repeat = lines[dup] != first
        values = d[repeat].agg(" / ".join, axis=1)
        errs.extend(zip(lines[dup][repeat].astype(int).tolist(), [", ".join(keys)] * int(repeat.sum()),
                        values.tolist(), [f"duplicate of line {int(f)} (one row per {', '.join(keys)}): add the "
                                          "counts together" for f in first[repeat]], strict=True))
    if not errs and int(out["eligible"].sum()) == 0:
        errs.append((None, "eligible", "", "every row has eligible = 0: nobody is eligible, so uptake "
                     "cannot be measured. Check the file holds the service's counts"))
    if errs:
        e = error_frame(errs).sort_values(["line", "column"], kind="stable").reset_index(drop=True)
        return None, e
    out.insert(0, "line", lines.astype(int))
    if "lsoa21cd" in out:  # LSOAs 2021 split from one LSOA 2011 count for it, added together
        warnings.append(f"residence was given as 2021 LSOAs ({out['lsoa21cd'].nunique():,}); each was read as the "
                        "2011 LSOA it was made from (ONS lookup), as IMD 2019 is measured on 2011 LSOAs")
        keys = [c for c in KEY_ORDER if c in out.columns and c != "lsoa21cd"]
        extra_cols = [c for c in out.columns if c not in keys + ["line", "eligible", "served", "lsoa21cd"]]
        out = (out.groupby(keys, as_index=False, sort=False, dropna=False)
               .agg(line=("line", "min"), eligible=("eligible", "sum"), served=("served", "sum"),
                    **{c: (c, "first") for c in extra_cols}))
        out = out[["line", *[c for c in out.columns if c != "line"]]]
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

