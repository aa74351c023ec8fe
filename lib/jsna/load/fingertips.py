"""Fingertips-family loaders: LA-level public-health indicators as one tidy long frame.

Three publication layouts are read into the same shape:

* the real Fingertips API CSV (``fingertips_api_csv``), including exports re-written by R
  (dotted column names, a row-number column, ``NA`` for missing values), from the mirror or
  downloaded live by ``make data REFRESH=1`` (``check_api_download`` checks a download first);
* Trafford Data Lab's tidy extracts of Fingertips indicators (two snapshots, two layouts);
* ONS "Explore local statistics" CSVs (two column layouts; ISO-8601 interval periods).

Period spellings (``2015 - 17``, ``2015-17``, ``2015/16``, ``2015-11-16/P1Y`` ...) are
normalised by :func:`normalise_period` to one canonical label plus ``period_start`` and
``period_end``. Some Trafford files have no Leicestershire (E10000018) rows; where ONS
publishes the same indicator for the county, those rows are added from the ONS file and
flagged in the ``note`` column.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

import jsna.load as _base
from jsna import reads
from jsna.catalogue import Source, expect_column_names, get_source, load_catalogue
from jsna.load import NA_VALUES, DataError, cached_parquet_of, read_source
from jsna.stats.compare import HIGH_IS_GOOD, LOW_IS_GOOD

__all__ = [
    "TIDY_COLUMNS",
    "PeriodError",
    "normalise_period",
    "normalise_periods",
    "fingertips_api_csv",
    "trafford_csv",
    "ons_csv",
    "read_indicator_source",
    "la_indicators",
    "fingertips_source_ids",
    "live_source_ids",
    "api_column_key",
    "check_api_download",
    "api_periods",
    "fills",
]

TIDY_COLUMNS = [
    "indicator_id", "indicator_name", "source_id", "area_code", "area_name", "period",
    "period_start", "period_end", "sex", "age", "category", "value", "lower_ci95", "upper_ci95",
    "lower_ci998", "upper_ci998", "count", "denominator", "unit", "polarity",
    "compared_to_england", "note",
]
_FLOAT_COLS = ["value", "lower_ci95", "upper_ci95", "lower_ci998", "upper_ci998", "count", "denominator"]
_STR_COLS = ["indicator_id", "indicator_name", "source_id", "area_code", "area_name", "period", "sex",
             "age", "category", "unit", "polarity", "compared_to_england", "note"]



# --------------------------------------------------------------------------- periods
class PeriodError(ValueError):
    """A period label in none of the known spellings."""


@dataclass(frozen=True)
class Period:
    label: str
    start: pd.Timestamp
    end: pd.Timestamp


def _year2(first: int, yy: int) -> int:
    """Expand a two-digit end year relative to a four-digit start year (2019-21 -> 2021)."""
    century = first - first % 100
    y = century + yy
    return y if y >= first else y + 100


def _fy_label(start_year: int) -> str:
    return f"{start_year}/{(start_year + 1) % 100:02d}"


_RE_YEAR = re.compile(r"^(\d{4})$")
_RE_YEAR_RANGE = re.compile(r"^(\d{4})\s*-\s*(\d{2}|\d{4})$")
_RE_FY = re.compile(r"^(\d{4})/(\d{2})$")
_RE_FY_RANGE = re.compile(r"^(\d{4})/(\d{2})\s*-\s*(\d{2}|\d{4})/(\d{2})$")
_RE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:T[\d:.]+Z?)?/P(\d+)([YM])$")


@cache
def normalise_period(raw: object) -> Period:
    """Canonical label, start and end date of one period spelling.

    Calendar years: ``2015`` -> ``2015``; pooled years ``2015 - 17``/``2015-17``/``2015-2017``
    -> ``2015-17`` (1 Jan 2015 to 31 Dec 2017). Financial/school years ``2015/16`` ->
    ``2015/16`` (dated as the financial year, 1 Apr to 31 Mar); pooled ``2020/21 - 24/25`` ->
    ``2020/21-24/25``. ISO-8601 intervals ``2015-11-16/P1Y`` keep their exact dates; the label
    is the calendar year (``2015``, ``2015-17``) when they start on 1 January, else the split
    year (``2015/16``, ``2015/16-17/18``). Raises :class:`PeriodError` for anything else.
    """
    if raw is None or (isinstance(raw, float) and np.isnan(raw)):
        raise PeriodError("missing period label")
    text = str(raw).strip()
    if re.fullmatch(r"\d{4}\.0", text):  # a year read as a float
        text = text[:4]
    if m := _RE_YEAR.match(text):
        y = int(m[1])
        return Period(str(y), pd.Timestamp(y, 1, 1), pd.Timestamp(y, 12, 31))
    if m := _RE_YEAR_RANGE.match(text):
        y0 = int(m[1])
        y1 = int(m[2]) if len(m[2]) == 4 else _year2(y0, int(m[2]))
        if not 0 < y1 - y0 <= 20:
            raise PeriodError(f"period {raw!r}: end year must be 1 to 20 years after the start year")
        return Period(f"{y0}-{y1 % 100:02d}", pd.Timestamp(y0, 1, 1), pd.Timestamp(y1, 12, 31))
    if m := _RE_FY.match(text):
        y0 = int(m[1])
        if _year2(y0, int(m[2])) != y0 + 1:
            raise PeriodError(f"period {raw!r}: a split year must span two consecutive years")
        return Period(_fy_label(y0), pd.Timestamp(y0, 4, 1), pd.Timestamp(y0 + 1, 3, 31))
    if m := _RE_FY_RANGE.match(text):
        y0 = int(m[1])
        y_last = int(m[3]) if len(m[3]) == 4 else _year2(y0, int(m[3]))
        if not 0 < y_last - y0 <= 20:
            raise PeriodError(f"period {raw!r}: end year must be 1 to 20 years after the start year")
        return Period(f"{_fy_label(y0)}-{_fy_label(y_last)[2:]}", pd.Timestamp(y0, 4, 1),
                      pd.Timestamp(y_last + 1, 3, 31))
    if m := _RE_ISO.match(text):
        start = pd.Timestamp(int(m[1]), int(m[2]), int(m[3]))
        n, unit = int(m[4]), m[5]
        if n < 1:
            raise PeriodError(f"period {raw!r}: interval length must be at least 1")
        offset = pd.DateOffset(years=n) if unit == "Y" else pd.DateOffset(months=n)
        end = start + offset - pd.Timedelta(days=1)
        if unit == "M":
            label = f"{start:%Y-%m-%d} to {end:%Y-%m-%d}"
        elif start.month == 1 and start.day == 1:
            label = str(start.year) if n == 1 else f"{start.year}-{(start.year + n - 1) % 100:02d}"
        else:
            label = _fy_label(start.year) if n == 1 else (
                f"{_fy_label(start.year)}-{_fy_label(start.year + n - 1)[2:]}")
        return Period(label, start, end)
    raise PeriodError(
        f"unrecognised period spelling {raw!r}; expected e.g. 2015, 2015-17, 2015 - 17, 2015/16, "
        "2020/21 - 24/25 or an ISO interval such as 2015-11-16/P1Y"
    )


def normalise_periods(raw: pd.Series, where: str) -> pd.DataFrame:
    """Vectorised :func:`normalise_period`: columns period, period_start, period_end.

    Raises DataError naming `where` (the file) and the first bad label.
    """
    uniques = pd.unique(raw.astype("string"))
    table: dict[object, Period] = {}
    for u in uniques:
        try:
            table[u] = normalise_period(None if u is pd.NA else str(u))
        except PeriodError as exc:
            raise DataError(f"{where}: column 'period' {exc}") from None
    s = raw.astype("string")
    return pd.DataFrame({
        "period": s.map(lambda v: table[v].label).astype("string"),
        "period_start": pd.to_datetime(s.map(lambda v: table[v].start)),
        "period_end": pd.to_datetime(s.map(lambda v: table[v].end)),
    }, index=raw.index)


# --------------------------------------------------------------------------- helpers
def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_")


def _finish(df: pd.DataFrame) -> pd.DataFrame:
    """Order columns, set dtypes, drop exact duplicate rows."""
    for c in TIDY_COLUMNS:
        if c not in df.columns:
            df[c] = pd.NA
    out = df[TIDY_COLUMNS].copy()
    for c in _FLOAT_COLS:
        out[c] = pd.to_numeric(out[c], errors="coerce").astype("float64")
    for c in _STR_COLS:
        out[c] = out[c].astype("string").str.strip().replace("", pd.NA)
    key = ["source_id", "indicator_id", "area_code", "period", "sex", "age", "category"]
    out = out.drop_duplicates(subset=key, keep="first")
    return out.reset_index(drop=True)


_SEXES = {"persons": "Persons", "male": "Male", "female": "Female", "males": "Male", "females": "Female"}


def _sex_of(*values: pd.Series) -> pd.Series:
    """First value that names a sex (Persons/Male/Female) across candidate columns, else Persons."""
    out = pd.Series(pd.NA, index=values[0].index, dtype="string")
    for v in values:
        mapped = v.astype("string").str.strip().str.lower().map(_SEXES).astype("string")
        out = out.fillna(mapped)
    return out.fillna("Persons")


# --------------------------------------------------------------------------- Fingertips API CSV
_API_RENAME = {
    "indicator id": "indicator_id", "indicator name": "indicator_name", "area code": "area_code",
    "area name": "area_name", "area type": "area_type", "sex": "sex", "age": "age",
    "category type": "category_type", "category": "category", "time period": "period_raw",
    "value": "value", "lower ci 95 0 limit": "lower_ci95", "upper ci 95 0 limit": "upper_ci95",
    "lower ci 99 8 limit": "lower_ci998", "upper ci 99 8 limit": "upper_ci998", "count": "count",
    "denominator": "denominator", "value note": "value_note",
    "compared to england value or percentiles": "compared_to_england",
}
_API_REQUIRED = ["indicator id", "indicator name", "area code", "area name", "time period", "value"]


def api_column_key(name: str) -> str:
    """A Fingertips API CSV column name as compared: R's dotted spelling ("Lower.CI.95.0.limit")
    and the API's ("Lower CI 95.0 limit") both give "lower ci 95 0 limit"."""
    return re.sub(r"[.\s]+", " ", str(name)).strip().lower()


def _api_required(columns: dict[str, str] | list[str] | None = None) -> list[str]:
    """The column keys a Fingertips API CSV must have: the loader's, plus a catalogue entry's."""
    return list(dict.fromkeys([*_API_REQUIRED, *(api_column_key(c) for c in columns or [])]))


def _missing_api_columns(header: list[str], columns: dict[str, str] | list[str] | None = None) -> list[str]:
    have = {api_column_key(c) for c in header}
    return [c for c in _api_required(columns) if c not in have]


def fingertips_api_csv(path_or_source_id: str | Path, data_dir: Path | None = None) -> pd.DataFrame:
    """Read a Fingertips API ``all_data/csv`` export (original or R-rewritten) into the tidy frame.

    `path_or_source_id` is a catalogue id (e.g. ``fingertips_api_93356``, or a live source such
    as ``fingertips_live_90366``) or a file path. A catalogued file is verified first (its
    sha256; a live source's against data/raw/MANIFEST) and must have the entry's ``columns``.
    Both ``NA`` and empty cells are missing. Rows repeated under several parent areas are
    dropped. Deprivation-category rows keep their ``category`` (e.g. "Most deprived decile").
    """
    source_id = None
    arg = str(path_or_source_id)
    columns: dict[str, str] = {}
    if arg in load_catalogue():
        src = get_source(arg)
        path, source_id, columns = src.raw_path(data_dir), src.id, src.columns
        _base.verify_input(src, path)
    else:
        path = Path(path_or_source_id)
    if not path.exists():
        raise DataError(f"Fingertips API CSV not found: {path}. Run `make data`, or download it from "
                        "https://fingertips.phe.org.uk/api/all_data/csv/by_indicator_id?indicator_ids=<id>")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=NA_VALUES, encoding="utf-8-sig")
    norm = {c: api_column_key(c) for c in raw.columns}
    missing = _missing_api_columns(list(raw.columns), columns)
    if missing:
        raise DataError(f"{path}: not a Fingertips API CSV; missing column(s) {missing} "
                        f"(columns present: {list(raw.columns)})")
    df = raw.rename(columns={c: _API_RENAME.get(n, n) for c, n in norm.items()})
    where = str(path)
    for col in ["value", "lower_ci95", "upper_ci95", "lower_ci998", "upper_ci998", "count", "denominator"]:
        if col in df.columns:
            num = pd.to_numeric(df[col].str.replace(",", "", regex=False), errors="coerce")
            bad = df[col].notna() & num.isna()
            if bad.any():
                raise DataError(f"{where}: column {col!r} has non-numeric value {df[col][bad].iloc[0]!r}")
            df[col] = num
    if source_id:
        _check_api_expect(df, {c: _API_RENAME.get(n, n) for c, n in norm.items()}, src, path)
    df = df.join(normalise_periods(df.pop("period_raw"), where))
    df["indicator_name"] = df["indicator_name"].str.replace(r"\s+", " ", regex=True).str.strip()
    df["indicator_id"] = df["indicator_id"].str.strip()
    df["source_id"] = source_id or f"file:{path.name}"
    df["sex"] = _sex_of(df["sex"])
    df["category"] = df.get("category", pd.Series(pd.NA, index=df.index))
    df["unit"] = pd.NA
    df["note"] = df["value_note"] if "value_note" in df.columns else pd.NA
    return _finish(df)


def _check_api_expect(df: pd.DataFrame, renamed: dict[str, str], src: Source, path: Path) -> None:
    """The entry's ``expect:`` block (jsna.load.check_expect) on the export, its columns under the
    names the catalogue gives them (the API's or R's dotted spelling alike); an entry without
    ``columns`` names them in its expect: block."""
    if not src.expect:
        return
    names = list(src.columns) or expect_column_names(src.expect)
    by_key = {api_column_key(n): n for n in names}
    view = pd.DataFrame({by_key[api_column_key(c)]: df[i].to_numpy() for c, i in renamed.items()
                         if api_column_key(c) in by_key and i in df.columns})
    _base.check_expect(view, src, path)


def check_api_download(path: Path, columns: dict[str, str] | list[str] | None = None,
                       indicator_ids: list[int | str] | tuple[int | str, ...] = ()) -> int:
    """Check that a downloaded file is a complete Fingertips API CSV; returns its number of data rows.

    Raises :class:`DataError` (one line, no file path: the caller names the source and URL) when
    the file is empty, an HTML (or JSON) error page, lacks the loader's or the catalogue entry's
    ``columns``, ends mid-line or inside a quoted field (a cut-off body), has a row with more
    fields than the header or too few to reach the required columns (the API leaves off trailing
    empty cells, so a short row is otherwise fine), has no data rows, lacks one of the
    ``indicator_ids`` asked for, or cannot be read by :func:`fingertips_api_csv`.
    """
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise DataError("the response is empty (0 bytes)")
    with open(path, "rb") as fh:
        head = fh.read(512)
        fh.seek(max(0, size - 80))
        tail = fh.read()
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if start[:1] == b"<":
        raise DataError(f"the response is an HTML page, not CSV (it starts {start[:60].decode('utf-8', 'replace')!r})")
    if start[:1] in (b"{", b"["):
        raise DataError(f"the response is JSON, not CSV (it starts {start[:60].decode('utf-8', 'replace')!r})")
    if not tail.endswith(b"\n"):
        raise DataError(f"the response ends mid-line (a cut-off body; it ends "
                        f"{tail[-40:].decode('utf-8', 'replace')!r})")
    rows = 0
    ids: set[str] = set()
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh, strict=True)
            header = next(reader, [])
            missing = _missing_api_columns(header, columns)
            if missing:
                raise DataError(f"the response lacks the expected column(s) {missing} (its header: "
                                f"{header[:8]}{' ...' if len(header) > 8 else ''})")
            keys = [api_column_key(c) for c in header]
            needed = max(keys.index(c) for c in _api_required(columns)) + 1
            id_col = keys.index("indicator id")
            for row in reader:
                if not row or row == [""]:
                    continue
                if not needed <= len(row) <= len(header):
                    raise DataError(f"line {reader.line_num} has {len(row)} fields, the header {len(header)} "
                                    f"(at least {needed} are needed): the file is cut off or malformed")
                rows += 1
                ids.add(row[id_col].strip())
    except UnicodeDecodeError as exc:
        raise DataError(f"the response is not UTF-8 text ({exc})") from None
    except csv.Error as exc:
        raise DataError(f"the response is not complete CSV ({exc}; a cut-off body ends inside a quoted "
                        "field)") from None
    if rows == 0:
        raise DataError("the response has a header but no data rows")
    absent = [str(i) for i in indicator_ids if str(i) not in ids]
    if absent:
        raise DataError(f"the response lacks indicator id(s) {absent} (it holds {sorted(ids)})")
    try:
        fingertips_api_csv(path)
    except DataError as exc:
        raise DataError(str(exc).replace(str(path), "the response")) from None
    return rows


def api_periods(path: Path) -> tuple[str, ...]:
    """The periods of a Fingertips API CSV (canonical labels, :func:`normalise_period`), oldest first: what a
    refresh compares before and after a download to say what is new."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        keys = [api_column_key(c) for c in next(reader, [])]
        if "time period" not in keys:
            raise DataError(f"{path}: not a Fingertips API CSV (no 'Time period' column)")
        col = keys.index("time period")
        labels = {row[col].strip() for row in reader if len(row) > col and row[col].strip() not in ("", "NA")}
    periods = {normalise_period(lab) for lab in labels}
    return tuple(q.label for q in sorted(periods, key=lambda q: (q.start, q.end)))


# --------------------------------------------------------------------------- Trafford Data Lab
def trafford_csv(source_id: str, data_dir: Path | None = None) -> pd.DataFrame:
    """A Trafford Data Lab extract (2020 dashboard or 2026 themes layout) as the tidy frame.

    ``measure`` becomes ``unit``; sex comes from ``unit``/``group``/``inequality``; deprivation
    quintile rows (``inequality``) become ``category``; the published comparison with England
    (``significance``/``compared_to_England``) is kept in ``compared_to_england``.
    """
    src = get_source(source_id)
    df = read_source(source_id, data_dir)
    where = str(src.raw_path(data_dir))
    out = pd.DataFrame(index=df.index)
    out["indicator_name"] = df["indicator"]
    out["indicator_id"] = df["indicator"].map(_slug)
    out["source_id"] = src.id
    out["area_code"] = df["area_code"]
    out["area_name"] = df["area_name"]
    out = out.join(normalise_periods(df["period"], where))
    group = df["group"] if "group" in df.columns else pd.Series(pd.NA, index=df.index, dtype="string")
    ineq = df["inequality"] if "inequality" in df.columns else pd.Series(pd.NA, index=df.index, dtype="string")
    out["sex"] = _sex_of(df["unit"], group, ineq)
    cat = ineq.astype("string")
    out["category"] = cat.where(~cat.str.lower().isin(list(_SEXES)), pd.NA)
    out["value"] = df["value"]
    out["unit"] = df["measure"]
    comp = df["significance"] if "significance" in df.columns else df["compared_to_England"]
    out["compared_to_england"] = comp
    return _finish(out)


# --------------------------------------------------------------------------- ONS explore local statistics
_ONS_RENAME = {
    "AREACD": "areacd", "AREANM": "areanm", "Geography": "geography", "Indicator": "indicator",
    "Period": "period", "Value": "observation", "Observation": "observation", "Measure": "measure",
    "Unit": "unit", "Lower Confidence Interval (95%)": "lci_95", "Upper Confidence Interval (95%)": "uci_95",
    "Observation Status": "status", "Polarity": "polarity", "Notes": "notes",
}


def ons_csv(source_id: str, data_dir: Path | None = None) -> pd.DataFrame:
    """An ONS Explore-local-statistics indicator CSV (either column layout) as the tidy frame.

    ``Male ...``/``Female ...`` indicator names set ``sex``; ``Polarity`` (-1/1) becomes
    ``low_is_good``/``high_is_good`` (jsna.stats.compare.POLARITIES); observation status (e.g. ``u`` unreliable) and the
    publisher's notes go to ``note``.
    """
    src = get_source(source_id)
    df = read_source(source_id, data_dir).rename(columns=_ONS_RENAME)
    where = str(src.raw_path(data_dir))
    out = pd.DataFrame(index=df.index)
    out["indicator_name"] = df["indicator"]
    out["indicator_id"] = df["indicator"].map(_slug)
    out["source_id"] = src.id
    out["area_code"] = df["areacd"]
    out["area_name"] = df["areanm"]
    out = out.join(normalise_periods(df["period"], where))
    first = df["indicator"].astype("string").str.split().str[0]
    out["sex"] = _sex_of(first)
    out["value"] = df["observation"]
    out["lower_ci95"] = df["lci_95"]
    out["upper_ci95"] = df["uci_95"]
    out["unit"] = df["measure"]
    if "polarity" in df.columns:
        pol = pd.to_numeric(df["polarity"], errors="coerce")
        out["polarity"] = np.select([pol < 0, pol > 0], [LOW_IS_GOOD, HIGH_IS_GOOD], "")
    status = df["status"].astype("string").fillna("")
    notes = df["notes"].astype("string").fillna("")
    status_txt = status.map(lambda s: f"status {s}" if s else "")
    out["note"] = (status_txt + np.where((status_txt != "") & (notes != ""), "; ", "") + notes)
    return _finish(out)


# --------------------------------------------------------------------------- published LA life expectancy
def ons_life_expectancy_csv(source_id: str, data_dir: Path | None = None) -> pd.DataFrame:
    """ONS life expectancy at birth by council and sex, 2001-03 to 2016-18 (the tidy form of the ONS
    workbook: area_code, sex, age, period "2001 to 2003", life_expectancy) as the tidy frame. Rows at age
    65 are left out; the workbook gives no confidence intervals."""
    src = get_source(source_id)
    df = read_source(source_id, data_dir)
    df = df[df["age"].astype("string").str.strip() == "at birth"]
    where = str(src.raw_path(data_dir))
    period = df["period"].astype("string").str.replace(r"^(\d{4}) to (\d{4})$", r"\1-\2", regex=True)
    out = pd.DataFrame(index=df.index)
    out["indicator_id"] = "life_expectancy_at_birth"
    out["indicator_name"] = "Life expectancy at birth"
    out["source_id"] = src.id
    out["area_code"] = df["area_code"]
    out["area_name"] = df["area_name"]
    out = out.join(normalise_periods(period, where))
    out["sex"] = _sex_of(df["sex"])
    out["value"] = df["life_expectancy"]
    out["unit"] = "years"
    return _finish(out)


def local_health_la_csv(source_id: str, data_dir: Path | None = None) -> pd.DataFrame:
    """OHID Local Health life expectancy at birth by council (2021) and sex, 2015-19
    (jsna.load.small_area.le_localhealth_la) as the tidy frame: no England row, no intervals."""
    from jsna.load.small_area import le_localhealth_la

    get_source(source_id)
    df = le_localhealth_la(data_dir)
    out = pd.DataFrame({"indicator_id": "life_expectancy_at_birth", "indicator_name": "Life expectancy at birth",
                        "source_id": source_id, "area_code": df["area_code"], "area_name": df["area_name"],
                        "sex": df["sex"], "value": df["value"], "unit": "years"}, index=df.index)
    out = out.join(normalise_periods(df["period"].astype("string").str.replace(r"\s*to\s*", "-", regex=True),
                                     source_id))
    return _finish(out)


#: LA-level sources outside the Fingertips/ONS-indicator layouts that data/indicators.yaml may name, and
#: their readers (both give every county, for life expectancy: issue 23, item 3)
LA_READERS = {
    "ons_le_birth_age65_la_2001_03_2016_18": ons_life_expectancy_csv,
    "ohid_localhealth_le_la_2015_19": local_health_la_csv,
}


# --------------------------------------------------------------------------- dispatch and filling
def fingertips_source_ids() -> list[str]:
    """Ids of every catalogued source in the fingertips family and of :data:`LA_READERS` (the files the
    mirror holds; the live Fingertips API sources are :func:`live_source_ids`)."""
    return sorted({*(s.id for s in load_catalogue().values() if s.family == "fingertips"), *LA_READERS})


def live_source_ids(data_dir: Path | None = None, held: bool = False) -> list[str]:
    """Ids of the live Fingertips API sources (catalogue ``live: {type: fingertips_api}``); with
    ``held``, only those whose file is in data/raw (``make data``, ``make data REFRESH=1``)."""
    return sorted(s.id for s in load_catalogue().values()
                  if s.live.get("type") == "fingertips_api" and (not held or s.raw_path(data_dir).is_file()))


def registry_live_sources(data_dir: Path | None = None) -> tuple[str, ...]:
    """The live sources that data/indicators.yaml names for an indicator and whose file is held
    (e.g. life expectancy for every county once `make data REFRESH=1` has run): read by default."""
    from jsna.indicators import la_source_ids  # names a live source only once it is held

    live = set(live_source_ids())
    return tuple(sid for sid in la_source_ids(data_dir=data_dir) if sid in live)


def read_indicator_source(source_id: str, data_dir: Path | None = None) -> pd.DataFrame:
    """One catalogued fingertips-family source as the tidy frame (layout chosen by id prefix; a
    live Fingertips API source is read as the API CSV)."""
    if source_id in LA_READERS:
        return LA_READERS[source_id](source_id, data_dir)
    if source_id.startswith("fingertips_api_") or source_id in live_source_ids():
        return fingertips_api_csv(source_id, data_dir)
    if source_id.startswith("trafford_"):
        return trafford_csv(source_id, data_dir)
    if source_id.startswith("ons_"):
        return ons_csv(source_id, data_dir)
    raise DataError(f"Source {source_id!r} is not a fingertips-family source "
                    f"(known: {', '.join(fingertips_source_ids() + live_source_ids())})")


def fills(source_ids: tuple[str, ...] | list[str]) -> dict[str, dict]:
    """``{source id: its catalogue fill: block}`` of the given sources that have one: the areas the
    file lacks and the source that gives them (data, not code: data/catalogue/fingertips.yaml)."""
    cat = load_catalogue()
    return {sid: cat[sid].fill for sid in source_ids if sid in cat and cat[sid].fill}


def fill_area_from_ons(target: pd.DataFrame, ons: pd.DataFrame, sex_map: dict[str, str],
                       area_code: str) -> pd.DataFrame:
    """Rows for `area_code` copied from an ONS frame into `target`'s indicator, where missing.

    Only periods (and sexes) that `target` publishes for other areas are filled; the copied rows
    keep the ONS value and 95% CI and say where they came from in ``note``.
    """
    if target.empty or (target["area_code"] == area_code).any():
        return target
    meta = target.iloc[0]
    added = []
    for sex, ons_name in sex_map.items():
        want = set(target.loc[target["sex"] == sex, "period"].dropna())
        rows = ons[(ons["area_code"] == area_code) & (ons["indicator_name"] == ons_name)
                   & ons["period"].isin(want)].copy()
        if rows.empty:
            continue
        dates = target.drop_duplicates("period").set_index("period")
        rows["period_start"] = rows["period"].map(dates["period_start"])
        rows["period_end"] = rows["period"].map(dates["period_end"])
        rows["sex"] = sex
        rows["indicator_id"] = meta["indicator_id"]
        rows["indicator_name"] = meta["indicator_name"]
        rows["source_id"] = meta["source_id"]
        rows["unit"] = meta["unit"]
        rows["category"] = pd.NA
        rows["compared_to_england"] = pd.NA
        src_id = ons["source_id"].iloc[0]
        rows["note"] = (f"{rows['area_name'].iloc[0]} value from ONS Explore local statistics "
                        f"({src_id}): not in {meta['source_id']}")
        added.append(rows)
    if not added:
        return target
    return _finish(pd.concat([target, *added], ignore_index=True))


@reads.recorded_cache(maxsize=None)
def _la_indicators_cached(data_dir: str | None, sources: tuple[str, ...], fill: bool) -> pd.DataFrame:
    # reading and normalising some 40 files takes seconds: cache the tidy table as parquet, keyed
    # by every file it is built from (the ONS files that fill Leicestershire included)
    ddir = Path(data_dir) if data_dir else None
    used = sorted({*sources, *(f["from"] for f in fills(sources).values() if fill)})
    label = "la_indicators-" + hashlib.sha256(f"{used}{fill}".encode()).hexdigest()[:8]
    return cached_parquet_of(used, lambda: _build_la_indicators(ddir, sources, fill), label, ddir)


def _build_la_indicators(ddir: Path | None, sources: tuple[str, ...], fill: bool) -> pd.DataFrame:
    frames: dict[str, pd.DataFrame] = {}
    for sid in sources:
        frames[sid] = read_indicator_source(sid, ddir)
    if fill:
        for target, f in fills(sources).items():
            ons = frames.get(f["from"])
            if ons is None:
                ons = read_indicator_source(f["from"], ddir)
            for area in f["areas"]:
                frames[target] = fill_area_from_ons(frames[target], ons, f["indicators"], area)
    return pd.concat(frames.values(), ignore_index=True)


def la_indicators(sources: list[str] | None = None, data_dir: Path | None = None,
                  areas: list[str] | None = None, fill_leicestershire: bool = True) -> pd.DataFrame:
    """All LA-level fingertips-family indicators as one tidy long frame.

    Columns: indicator_id, indicator_name, source_id, area_code, area_name, period (canonical
    label), period_start, period_end, sex, age, category, value, lower_ci95, upper_ci95,
    lower_ci998, upper_ci998, count, denominator, unit, polarity, compared_to_england
    (published comparison, where given), note (e.g. where a Leicestershire row came from).

    `sources` limits to some catalogue ids (default: every fingertips source, and the live API
    sources that the indicator registry names once they are held, :func:`registry_live_sources`;
    other live sources only when named); `areas` to some area codes. With
    `fill_leicestershire`, a file whose catalogue entry has a ``fill:`` block gets the areas it lacks
    from the other source of the same indicator (:func:`fills`; today Leicestershire from ONS).
    """
    ids = tuple(sorted(sources)) if sources else tuple(fingertips_source_ids()) + registry_live_sources(data_dir)
    known = set(fingertips_source_ids()) | set(live_source_ids())
    unknown = [s for s in ids if s not in known]
    if unknown:
        raise DataError(f"la_indicators: unknown source id(s) {unknown}; known: {sorted(known)}")
    df = _la_indicators_cached(str(data_dir) if data_dir else None, ids, fill_leicestershire)
    if areas is not None:
        df = df[df["area_code"].isin(list(areas))]
    return df.reset_index(drop=True).copy()


def source_of(source_id: str) -> Source:
    """Catalogue entry of a fingertips-family source (for captions and 'About the data')."""
    return get_source(source_id)
