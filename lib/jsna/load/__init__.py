"""Loaders: read a catalogued file from data/raw and validate it against the catalogue schema.

`read_source` is the one entry point every family loader (imd, geography, boundaries,
covid, fingertips, small_area) builds on. It never returns a frame that does not match
the catalogue: a missing file, a missing column or an unparseable value raises
:class:`DataError` naming the file, the column and how to fix it.

Before any catalogued file is read, :func:`verify_input` checks its sha256 against the
catalogue (a live source's against data/raw/MANIFEST; cached by size, mtime and ctime in
data/processed/input-checksums.json, so a file is hashed again only when it changed). After
reading, :func:`check_expect` checks the entry's optional ``expect:`` block (what a complete file
looks like):

``rows``
    exact number of data rows, or ``{min: n, max: n}``
``distinct``
    ``{column: n}``: number of distinct non-missing values (key coverage, e.g. 32,844 LSOAs)
``values``
    ``{column: [v, ...]}``: values that must all be present (e.g. the three LLR UTLA codes)
``complete``
    list of columns (or ``"*"`` = every catalogued column) with no missing cell
``dates``
    ``{column: c, first: YYYY-MM-DD, last: YYYY-MM-DD, by: group column}``: earliest and
    latest date in the file; with ``by`` every group must reach ``last`` (a file cut at a line
    boundary loses the last dates of its last areas)

Plausibility, so that a new release taken in with a new sha256 must still make sense:

``range``
    ``{column: [min, max]}``: every value lies in [min, max] (``null`` leaves a side open), e.g.
    life expectancy ``[40, 100]``, a percentage ``[0, 100]``, a count ``[0, null]``, an IMD rank
    ``[1, 33755]``, a decile ``[1, 10]``. A key may be a shell pattern naming several columns
    (``"* Rank (where 1 is most deprived)"``); every key that names a column applies to it.
``unique``
    list of columns that together identify a row (e.g. ``[area, period, sex]``), or a list of such lists
``consistent``
    named rules of internal consistency, each a mapping (or a list of mappings):

    * ``decile_of_rank: {rank, decile, n}``: decile = ceil(rank / (n / 10)), n the number of ranked
      areas (MHCLG's IoD deciles); ``rank`` and ``decile`` may be patterns with one ``*`` each,
      pairing the columns with the same text (every domain's rank with its decile)
    * ``female_above_male: {value, sex, female, male, by, share}``: in at least ``share`` (default
      0.8) of the ``by`` groups (areas, periods) having both, the ``female`` row's value is above
      the ``male`` one's (life expectancy; a file with the sexes swapped fails).
      ``male_above_female`` is the same the other way (under-75 mortality)
    * ``ordered: [lower, value, upper]`` (or a list of such lists): the values do not decrease
      along each row (a confidence interval holds its estimate)

Every failure is a DataError naming the file, the column, the line (or feature) and the value,
and what to do.

Column type ``count`` is a whole number >= 0; a blank cell is missing (shown as "not
available"); any other text ("n/a", "-") or a negative number is an error naming the file,
column, line and value.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import hashlib
import itertools
import json
import os
import tempfile
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jsna import paths, reads
from jsna.catalogue import Source, expect_columns, get_source, paired_columns
from jsna.hashing import file_sha256  # noqa: F401 - re-exported: jsna.load.file_sha256
from jsna.manifest import accepted_sha256, data_dir_of, manifest_path

NA_VALUES = ["", "NA", "N/A", "n/a", "NaN", "nan", "null", ".", "-", ":", "#VALUE!", "*"]


class DataError(ValueError):
    """An input file is missing or does not match its catalogue schema.

    The message is complete on its own; the optional fields let callers (the runner, tests)
    act on the details: ``source_id``, ``path``, ``column``, ``line`` (1-based line of the file,
    header = line 1), ``value`` (the raw text found), ``expected`` and ``actual`` (e.g. sha256
    digests or row counts).
    """

    def __init__(self, message: str, *, source_id: str | None = None, path: Path | str | None = None,
                 column: str | None = None, line: int | None = None, value: Any = None,
                 expected: Any = None, actual: Any = None) -> None:
        super().__init__(message)
        self.source_id, self.path, self.column, self.line = source_id, path, column, line
        self.value, self.expected, self.actual = value, expected, actual


class ChecksumMismatch(DataError):
    """A catalogued file's bytes differ from the catalogue sha256 (edited, truncated, other release)."""


def _missing_file_error(src: Source, path: Path) -> DataError:
    if src.live:
        fallback = (" or `make data` to copy the data mirror's older copy" if src.sha256 else
                    " (the data mirror holds no copy of it)")
        return DataError(
            f"Data file for live source {src.id!r} not found: {path}. Run `make data REFRESH=1` "
            f"with internet access to download its current values from {src.live_url()}{fallback}.",
            source_id=src.id, path=path)
    return DataError(
        f"Data file for source {src.id!r} not found: {path}. Run `make data` to fill data/raw "
        f"from the local mirror (set JSNA_DATA_MIRROR, default ../shared/data) or from the "
        f"official URL {src.url}."
    )


RawColumn = Callable[[str], pd.Series]  # column -> its cells as raw text (for messages)


def coerce_columns(df: pd.DataFrame, columns: dict[str, str], where: str,
                   raw: RawColumn | None = None, first_line: int = 2) -> pd.DataFrame:
    """Check that `columns` exist in df and coerce them to their catalogue types.

    Types: str, int (accepts "1296.00"-style integers; missing allowed -> Int64), count (a whole
    number >= 0; only a blank cell is missing -> Int64), float, date (ISO), bool, any. Raises
    DataError naming `where`, the column, the line (row i is line i + first_line) and the value.
    ``raw(column)`` gives a column's cells as raw text, so a count read as missing from "n/a"
    is caught and quoted; without it every missing count is taken as blank.
    """
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(
            f"{where}: missing column(s) {missing}. Columns present: {list(df.columns)}. "
            "Check the file is the catalogued release, or update data/catalogue/*.yaml."
        )
    out = df.copy()
    for col, typ in columns.items():
        s = out[col]
        if typ in ("any",):
            continue
        if typ == "str":
            out[col] = s.astype("string").str.strip()
            continue
        if typ == "date":
            parsed = pd.to_datetime(s, errors="coerce", format="ISO8601")
            bad = s.notna() & parsed.isna()
            if bad.any():
                raise DataError(f"{where}: column {col!r} has non-date values, e.g. {s[bad].iloc[0]!r}")
            out[col] = parsed
            continue
        if typ == "bool":
            out[col] = s.astype("boolean")
            continue
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            cleaned = s.astype("string").str.replace(",", "", regex=False).str.strip()
            num = pd.to_numeric(cleaned, errors="coerce")
            bad = cleaned.notna() & (cleaned != "") & num.isna()
        else:
            num = pd.to_numeric(s, errors="coerce")
            bad = s.notna() & num.isna()
        if bad.any():
            pos = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(
                f"{where}: column {col!r} should be {'a count (whole number >= 0)' if typ == 'count' else typ}"
                f" but has {int(bad.sum())} non-numeric value(s), e.g. {s[bad].iloc[0]!r} (line "
                f"{pos + first_line}). Check the file is the catalogued release: `make data` re-copies "
                "it from the mirror.", path=where, column=col, line=pos + first_line, value=s.iloc[pos])
        if typ == "count":
            _check_count(num, s, col, where, raw, first_line)
        if typ in ("int", "count"):
            frac = num.notna() & (num.round() != num)
            if frac.any():
                pos = int(np.flatnonzero(frac.to_numpy())[0])
                raise DataError(f"{where}: column {col!r} should hold whole numbers, found {num[frac].iloc[0]} "
                                f"(line {pos + first_line})", path=where, column=col,
                                line=pos + first_line, value=s.iloc[pos])
            out[col] = num.round().astype("Int64") if num.isna().any() else num.round().astype("int64")
        else:
            out[col] = num.astype("float64")
    return out


def _check_count(num: pd.Series, s: pd.Series, col: str, where: str, raw: RawColumn | None,
                 first_line: int) -> None:
    """A count is a whole number >= 0 or a blank cell; a missing value read from any other text
    ("n/a", "NA", "-", "*") or a negative number raises DataError (file, column, line, value)."""
    missing = num.isna().to_numpy()
    if missing.any() and raw is not None:
        text = raw(col).astype("string").fillna("").str.strip().to_numpy()
        bad = missing & (text != "")
        if bad.any():
            pos = int(np.flatnonzero(bad)[0])
            raise DataError(
                f"{where}: column {col!r} line {pos + first_line}: {text[pos]!r} is not a count "
                f"({int(bad.sum())} such cell(s)). A count is a whole number >= 0, and only a blank "
                "cell means missing ('not available'). Check the file is the catalogued release "
                "(`make data` re-copies it from the mirror).",
                path=where, column=col, line=pos + first_line, value=text[pos])
    neg = (num < 0).fillna(False).to_numpy()
    if neg.any():
        pos = int(np.flatnonzero(neg)[0])
        value = str(raw(col).iloc[pos]).strip() if raw is not None else str(s.iloc[pos])
        raise DataError(
            f"{where}: column {col!r} line {pos + first_line}: negative count {value!r} "
            f"({int(neg.sum())} negative value(s)). A count cannot be negative: check the file is "
            "the catalogued release (`make data` re-copies it from the mirror).",
            path=where, column=col, line=pos + first_line, value=value)


def _first_line(opts: dict[str, Any]) -> int:
    """File line of the first data row: 2, or later after an integer ``skiprows``/``header``."""
    skip = opts.get("skiprows")
    header = opts.get("header", 0)
    return 2 + (skip if isinstance(skip, int) else 0) + (header if isinstance(header, int) else 0)


def _raw_reader(src: Source, path: Path, opts: dict[str, Any]) -> RawColumn:
    """column -> its cells as raw text, read again only when a message needs them."""
    memo: dict[str, pd.Series] = {}

    def raw(col: str) -> pd.Series:
        if col not in memo:
            o = {k: v for k, v in opts.items() if k not in ("na_values", "dtype", "converters", "usecols",
                                                             "low_memory", "parse_dates")}
            o.update(usecols=[col], dtype=str, keep_default_na=False, na_filter=False)
            df = pd.read_csv(path, **o) if src.format == "csv" else pd.read_excel(path, **o)
            memo[col] = df[col].reset_index(drop=True)
        return memo[col]

    return raw


_REFRESH_FIX = ("The file looks truncated, edited or a different release: run `make data` to re-copy it from "
                "the mirror; if it is a new release, take it in with `python -m jsna data add SOURCE_ID FILE`, "
                "which checks it and rewrites the catalogue (docs/data.md).")
_IMPLAUSIBLE_FIX = ("The file is damaged, edited or a faulty release: run `make data` to re-copy the catalogued "
                    "file from the mirror. For a new release, check the value against the publisher's own "
                    "tables before using it, and change expect: in the catalogue only if the publisher "
                    "confirms it.")


def _expect_error(src: Source, path: Path, problem: str, fix: str = _REFRESH_FIX, **fields: Any) -> DataError:
    return DataError(
        f"{path}: {problem} (catalogue expect: of source {src.id!r}, data/catalogue/{src.family}.yaml). {fix}",
        source_id=src.id, path=path, **fields)


def _iso(v: Any) -> str:
    return v.isoformat() if isinstance(v, dt.date) else str(v)


class _Rows:
    """How check_expect names a row of the file and quotes a cell: "line N" of a table (header =
    line 1; a GeoJSON's "feature N"), and the cell's raw text when the raw reader is at hand."""

    def __init__(self, df: pd.DataFrame, src: Source, raw: RawColumn | None, first_line: int) -> None:
        self.df, self.raw, self.first_line = df, raw, first_line
        self.geo = src.format == "geojson"

    def line(self, pos: int) -> int:
        return pos + (1 if self.geo else self.first_line)

    def name(self, pos: int) -> str:
        return f"{'feature' if self.geo else 'line'} {self.line(pos):,}"

    def cell(self, col: str, pos: int) -> str:
        if self.raw is not None:
            with contextlib.suppress(Exception):
                return str(self.raw(col).iloc[pos]).strip()
        return _num_text(self.df[col].iloc[pos])


def _num_text(v: Any) -> str:
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    return str(v)


def _numbers(df: pd.DataFrame, col: str) -> np.ndarray:
    return pd.to_numeric(df[col], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def _columns_of(src: Source, df: pd.DataFrame, name: str) -> list[str]:
    """The frame's columns an expect: key (a column or a pattern) names."""
    return [c for c in expect_columns(name, src.columns or list(df.columns)) if c in df.columns]


def _bounds_text(lo: float | None, hi: float | None) -> str:
    if lo is None:
        return f"at most {_num_text(hi)}"
    if hi is None:
        return f"at least {_num_text(lo)}"
    return f"{_num_text(lo)} to {_num_text(hi)}"


def check_expect(df: pd.DataFrame, src: Source, path: Path, raw: RawColumn | None = None,
                 first_line: int = 2) -> None:
    """Check a freshly read (and coerced) frame against its entry's ``expect:`` block (see the
    module docstring). Checks on columns the frame lacks (a ``usecols`` read) are skipped."""
    exp = src.expect
    if not exp:
        return
    rows_of = _Rows(df, src, raw, first_line)
    _check_coverage(df, src, path, exp, rows_of)
    _check_range(df, src, path, exp.get("range") or {}, rows_of)
    _check_unique(df, src, path, exp.get("unique"), rows_of)
    for rule, value in (exp.get("consistent") or {}).items():
        specs = ([value] if value and all(isinstance(c, str) for c in value) else value) \
            if rule == "ordered" else (value if isinstance(value, list) else [value])
        for spec in specs:
            _RULES[rule](df, src, path, spec, rows_of)


def _check_coverage(df: pd.DataFrame, src: Source, path: Path, exp: dict[str, Any], rows_of: _Rows) -> None:
    """``distinct``, ``values``, ``rows``, ``complete`` and ``dates``: is the file whole?"""
    for col, want in (exp.get("distinct") or {}).items():
        if col in df.columns and (got := int(df[col].nunique(dropna=True))) != want:
            raise _expect_error(src, path, f"column {col!r} has {got:,} distinct values, expected {want:,}",
                                column=col, expected=want, actual=got)
    for col, want in (exp.get("values") or {}).items():
        if col in df.columns:
            have = set(df[col].dropna().drop_duplicates().map(_iso))
            absent = [v for v in want if _iso(v) not in have]
            if absent:
                raise _expect_error(src, path, f"column {col!r} lacks {absent[:5]}"
                                    + (f" and {len(absent) - 5} more" if len(absent) > 5 else ""),
                                    column=col, expected=want, actual=absent)
    n = len(df)
    rows = exp.get("rows")
    if isinstance(rows, int) and n != rows:
        raise _expect_error(src, path, f"{n:,} data rows, expected {rows:,}", expected=rows, actual=n)
    if isinstance(rows, dict) and not (rows.get("min", 0) <= n <= rows.get("max", n)):
        want = ("between {min:,} and {max:,}" if {"min", "max"} <= set(rows) else
                "at least {min:,}" if "min" in rows else "at most {max:,}").format(**rows)
        raise _expect_error(src, path, f"{n:,} data rows, expected {want}", expected=rows, actual=n)
    complete = exp.get("complete")
    for col in (list(src.columns) if complete == "*" else complete or []):
        if col in df.columns and (miss := df[col].isna().to_numpy()).any():
            pos = int(np.flatnonzero(miss)[0])
            value = rows_of.raw(col).iloc[pos] if rows_of.raw is not None else ""
            raise _expect_error(src, path, f"column {col!r} {rows_of.name(pos)}: missing value "
                                f"{value!r} ({int(miss.sum())} missing cell(s)); this column has a value "
                                "on every row of the catalogued file", column=col, line=rows_of.line(pos),
                                value=value)
    dates = exp.get("dates")
    if dates and dates["column"] in df.columns:
        d = pd.to_datetime(df[dates["column"]])
        col = dates["column"]
        if "first" in dates and (got := _iso(d.min().date())) != _iso(dates["first"]):
            raise _expect_error(src, path, f"column {col!r} starts on {got}, expected {_iso(dates['first'])}",
                                column=col, expected=_iso(dates["first"]), actual=got)
        if "last" in dates:
            want = _iso(dates["last"])
            by = dates.get("by")
            if by and by in df.columns:
                last = d.groupby(df[by]).max()
                short = last[last.dt.date.map(_iso) != want]
                if not short.empty:
                    raise _expect_error(
                        src, path, f"column {col!r} ends on {_iso(short.iloc[0].date())} for {by} "
                        f"{short.index[0]!r} ({len(short)} of {len(last)} group(s) short), expected "
                        f"every {by} to reach {want}", column=col, expected=want,
                        actual=_iso(short.iloc[0].date()))
            elif (got := _iso(d.max().date())) != want:
                raise _expect_error(src, path, f"column {col!r} ends on {got}, expected {want}",
                                    column=col, expected=want, actual=got)


def _check_range(df: pd.DataFrame, src: Source, path: Path, ranges: dict[str, list], rows_of: _Rows) -> None:
    """``range: {column or pattern: [min, max]}``: every value of the column lies in [min, max]."""
    for name, (lo, hi) in ranges.items():
        for col in _columns_of(src, df, name):
            num = _numbers(df, col)
            with np.errstate(invalid="ignore"):
                out = ((num < lo) if lo is not None else False) | ((num > hi) if hi is not None else False)
            if not np.any(out):
                continue
            pos = int(np.flatnonzero(out)[0])
            value = rows_of.cell(col, pos)
            raise _expect_error(
                src, path, f"column {col!r} {rows_of.name(pos)}: value {value!r} is outside the plausible "
                f"range {_bounds_text(lo, hi)} ({int(np.sum(out)):,} value(s) outside, from "
                f"{_num_text(np.nanmin(num[out]))} to {_num_text(np.nanmax(num[out]))})", fix=_IMPLAUSIBLE_FIX,
                column=col, line=rows_of.line(pos), value=value, expected=[lo, hi], actual=num[pos])


def _check_unique(df: pd.DataFrame, src: Source, path: Path, unique: Any, rows_of: _Rows) -> None:
    """``unique: [columns]`` (or a list of such lists): no two rows share the key."""
    if not unique:
        return
    for key in ([unique] if all(isinstance(c, str) for c in unique) else unique):
        if any(c not in df.columns for c in key):
            continue
        dup = df.duplicated(subset=key, keep="first").to_numpy()
        if not dup.any():
            continue
        pos = int(np.flatnonzero(dup)[0])
        group = df.groupby(key, dropna=False, sort=False).ngroup().to_numpy()
        first = int(np.flatnonzero(group == group[pos])[0])
        values = {c: _num_text(df[c].iloc[pos]) for c in key}
        raise _expect_error(
            src, path, f"{rows_of.name(first)} and {rows_of.name(pos)} have the same {' + '.join(key)} "
            f"{values} ({int(dup.sum()):,} repeated row(s)); each {' + '.join(key)} should appear once",
            fix=_IMPLAUSIBLE_FIX, column=", ".join(key), line=rows_of.line(pos), value=values)


def _decile_of_rank(df: pd.DataFrame, src: Source, path: Path, spec: dict[str, Any], rows_of: _Rows) -> None:
    """Each decile agrees with its rank: decile = ceil(rank / (n / 10)), n the number of ranked areas
    (MHCLG's deciles: rank 1 = most deprived, decile 1 = the most deprived tenth)."""
    n = spec["n"]
    for rcol, dcol in paired_columns(spec["rank"], spec["decile"], src.columns or list(df.columns)):
        if rcol not in df.columns or dcol not in df.columns:
            continue
        rank, decile = _numbers(df, rcol), _numbers(df, dcol)
        expected = np.ceil(rank * 10 / n)
        with np.errstate(invalid="ignore"):
            bad = ~np.isnan(rank) & ~np.isnan(decile) & (decile != expected)
        if not bad.any():
            continue
        pos = int(np.flatnonzero(bad)[0])
        value = rows_of.cell(dcol, pos)
        raise _expect_error(
            src, path, f"column {dcol!r} {rows_of.name(pos)}: decile {value!r} contradicts {rcol!r} "
            f"{rows_of.cell(rcol, pos)!r}: of {n:,} ranked areas, rank {_num_text(rank[pos])} is in decile "
            f"{_num_text(expected[pos])} (decile = ceil(rank / {n / 10:g})); {int(bad.sum()):,} row(s) disagree",
            fix=_IMPLAUSIBLE_FIX, column=dcol, line=rows_of.line(pos), value=value,
            expected=int(expected[pos]) if np.isfinite(expected[pos]) else None, actual=decile[pos])


def _sex_order(higher: str) -> Callable[..., None]:
    """``female_above_male`` / ``male_above_female``: in at least ``share`` (default 0.8) of the areas
    (``by``) having both values, the ``higher`` sex's value is above the other's (female life
    expectancy, male mortality): a file with the sexes swapped fails."""

    def check(df: pd.DataFrame, src: Source, path: Path, spec: dict[str, Any], rows_of: _Rows) -> None:
        val, sex = spec["value"], spec["sex"]
        by = [spec["by"]] if isinstance(spec["by"], str) else list(spec["by"])
        if any(c not in df.columns for c in (val, sex, *by)):
            return
        share = spec.get("share", 0.8)
        labels = {"female": str(spec["female"]), "male": str(spec["male"])}
        keys = [f"_k{i}" for i in range(len(by))]
        frame = pd.DataFrame({"v": _numbers(df, val), "s": df[sex].astype("string").str.strip().to_numpy(),
                              "row": np.arange(len(df)),
                              **{k: df[c].astype("string").fillna("").to_numpy()
                                 for k, c in zip(keys, by, strict=True)}})
        frame = frame[frame["v"].notna()]
        sides = {who: frame[frame["s"] == label].groupby(keys, sort=False).agg(v=("v", "mean"),
                                                                                  row=("row", "first"))
                 for who, label in labels.items()}
        both = sides["female"].merge(sides["male"], left_index=True, right_index=True, suffixes=("_f", "_m"))
        top, low = (labels["female"], labels["male"]) if higher == "female" else (labels["male"], labels["female"])
        if both.empty:
            raise _expect_error(
                src, path, f"column {sex!r}: no {' + '.join(by)} has both a {labels['female']!r} and a "
                f"{labels['male']!r} value of {val!r}; the sex labels changed or the file lost a sex",
                fix=_IMPLAUSIBLE_FIX, column=sex)
        above = (both["v_f"] > both["v_m"]) if higher == "female" else (both["v_m"] > both["v_f"])
        got = float(above.mean())
        if got >= share:
            return
        first = both[~above].reset_index().sort_values("row_f").iloc[0]
        area = {c: first[k] for k, c in zip(keys, by, strict=True)}
        pos_f, pos_m = int(first["row_f"]), int(first["row_m"])
        raise _expect_error(
            src, path, f"column {val!r}: the {top!r} value is above the {low!r} value in only "
            f"{int(above.sum()):,} of {len(both):,} "
            f"areas ({got:.0%}), expected at least {share:.0%}; e.g. {area}: {labels['female']} "
            f"{rows_of.cell(val, pos_f)!r} ({rows_of.name(pos_f)}), {labels['male']} "
            f"{rows_of.cell(val, pos_m)!r} ({rows_of.name(pos_m)}). The values of column {sex!r} look "
            "swapped", fix=_IMPLAUSIBLE_FIX, column=val, line=rows_of.line(pos_f),
            value=rows_of.cell(val, pos_f), expected=share, actual=got)

    return check


def _ordered(df: pd.DataFrame, src: Source, path: Path, cols: list[str], rows_of: _Rows) -> None:
    """``ordered: [lower, value, upper]``: on every row the values do not decrease from column to
    column (a confidence interval holds its estimate); missing cells are skipped."""
    if any(c not in df.columns for c in cols):
        return
    for a, b in itertools.pairwise(cols):
        va, vb = _numbers(df, a), _numbers(df, b)
        with np.errstate(invalid="ignore"):
            bad = va > vb
        if not bad.any():
            continue
        pos = int(np.flatnonzero(bad)[0])
        raise _expect_error(
            src, path, f"{rows_of.name(pos)}: column {a!r} {rows_of.cell(a, pos)!r} is above column {b!r} "
            f"{rows_of.cell(b, pos)!r} ({int(bad.sum()):,} such row(s)); expected {' <= '.join(map(repr, cols))} "
            "on every row", fix=_IMPLAUSIBLE_FIX, column=b, line=rows_of.line(pos), value=rows_of.cell(b, pos))


_RULES: dict[str, Callable[..., None]] = {
    "decile_of_rank": _decile_of_rank,
    "female_above_male": _sex_order("female"),
    "male_above_female": _sex_order("male"),
    "ordered": _ordered,
}


def read_source(source_id: str, data_dir: Path | None = None, **read_kw: Any) -> pd.DataFrame:
    """Read a tabular source (csv/xlsx) from data/raw and validate it against the catalogue.

    Extra keyword arguments go to the pandas reader (e.g. usecols, sheet_name).
    """
    src = get_source(source_id)
    path = src.raw_path(data_dir)
    sha = verify_input(src, path)
    # one parse per process for the same bytes, schema and options (a warm build kernel serves
    # many reports from one file); callers get a copy
    key = json.dumps([src.id, str(path.resolve()), sha, src.columns, src.read, src.expect, read_kw],
                     sort_keys=True, default=repr)
    if "chunksize" in read_kw:
        return _read_checked(src, path, read_kw)
    if key in _READ_MEMO:
        _READ_MEMO.move_to_end(key)
        return _READ_MEMO[key].copy()
    out = _read_checked(src, path, read_kw)
    _READ_MEMO[key] = out
    while len(_READ_MEMO) > READ_MEMO_SIZE:
        _READ_MEMO.popitem(last=False)
    return out.copy()


#: tables :func:`read_source` keeps parsed in the process (least recently used dropped first)
READ_MEMO_SIZE = 48
_READ_MEMO: collections.OrderedDict[str, pd.DataFrame] = collections.OrderedDict()


def _read_checked(src: Source, path: Path, read_kw: dict[str, Any]) -> pd.DataFrame:
    """Parse a tabular source, coerce it to the catalogue's schema and check its ``expect:`` block."""
    opts = {"keep_default_na": False, "na_values": NA_VALUES, **src.read, **read_kw}
    try:
        if src.format == "csv":
            opts.setdefault("encoding", "utf-8-sig")
            opts.setdefault("low_memory", False)
            df = pd.read_csv(path, **opts)
        elif src.format == "xlsx":
            opts.pop("encoding", None)
            df = pd.read_excel(path, **opts)
        else:
            raise DataError(f"read_source cannot read format {src.format!r} ({src.id}); use its family loader")
    except DataError:
        raise
    except (pd.errors.ParserError, UnicodeDecodeError, EOFError, OSError, ValueError) as exc:
        raise DataError(
            f"{path}: could not be read as {src.format} ({type(exc).__name__}: {exc}). The file may be "
            "truncated or corrupt: delete it and run `make data` again."
        ) from exc
    if df.empty:
        raise DataError(f"{path}: has no data rows. Delete it and run `make data` again.")
    schema = src.columns
    usecols = opts.get("usecols")
    if isinstance(usecols, (list, tuple)) and all(isinstance(c, str) for c in usecols):
        schema = {c: t for c, t in schema.items() if c in usecols}
    first = _first_line(opts)
    raw = _raw_reader(src, path, opts)
    out = coerce_columns(df.reset_index(drop=True), schema, where=str(path), raw=raw, first_line=first)
    if not any(k in read_kw for k in ("nrows", "skipfooter", "chunksize")):
        check_expect(out, src, path, raw=raw, first_line=first)
    return out


def check_file(src: Source, path: Path) -> pd.DataFrame:
    """Read a file that is not (yet) the catalogued one as if it were entry ``src``: the entry's
    columns and types, then its ``expect:`` checks, all as :func:`read_source` does, but without
    the sha256 check and the record of reads (a candidate release, see :mod:`jsna.release`).
    Raises DataError naming the file, the column and the value."""
    path = Path(path)
    if src.format == "geojson":
        return _read_geojson_checked(src, path)
    return _read_checked(src, path, {})


def read_geojson(source_id: str, data_dir: Path | None = None):
    """Read a catalogued GeoJSON source into a GeoDataFrame (WGS84), validating columns."""
    src = get_source(source_id)
    path = src.raw_path(data_dir)
    verify_input(src, path)
    return _read_geojson_checked(src, path)


def _read_geojson_checked(src: Source, path: Path):
    import geopandas as gpd

    target = f"/vsigzip/{path.resolve()}" if path.suffix == ".gz" else path
    try:
        gdf = gpd.read_file(target)
    except Exception as exc:  # pyogrio raises several types for corrupt files
        raise DataError(f"{path}: could not be read as GeoJSON ({exc}). Delete it and run `make data`.") from exc
    gdf = gpd.GeoDataFrame(coerce_columns(gdf, src.columns, str(path)), geometry="geometry", crs=gdf.crs)
    if gdf.crs is None:
        gdf = gdf.set_crs(4326)
    check_expect(gdf, src, path)
    return gdf


#: source id -> function(data_dir) that builds (and caches) that source's parquet; family loaders
#: register themselves with :func:`register_parquet` so `make data` can warm the cache generically.
PARQUET_BUILDERS: dict[str, Callable[[Path | None], Any]] = {}


def register_parquet(source_id: str) -> Callable[[Callable[[Path | None], Any]], Callable[[Path | None], Any]]:
    """Decorator: `make data` calls ``func(data_dir)`` to build the parquet cache of ``source_id``."""
    def deco(func: Callable[[Path | None], Any]) -> Callable[[Path | None], Any]:
        PARQUET_BUILDERS[source_id] = func
        return func
    return deco


def build_parquet(source_id: str, data_dir: Path | None = None) -> Any:
    """Build the parquet cache of a source: its registered family loader, else a generic cache of
    the validated raw table (csv/xlsx via read_source, geojson via read_geojson)."""
    if source_id in PARQUET_BUILDERS:
        return PARQUET_BUILDERS[source_id](data_dir)
    src = get_source(source_id)
    reader = read_geojson if src.format == "geojson" else read_source
    return cached_parquet(source_id, lambda: reader(source_id, data_dir), data_dir, name="raw")




CHECKSUM_CACHE = "input-checksums.json"
_VERIFIED: dict[str, tuple[tuple[int, ...], str]] = {}  # path -> (stat key, sha256) seen this process


def _stat_key(st: os.stat_result) -> tuple[int, ...]:
    # ctime changes on every write and cannot be set back by user tools (unlike mtime)
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def _checksum_cache_path() -> Path:
    return paths.processed_dir() / CHECKSUM_CACHE


def _read_checksum_cache() -> dict[str, Any]:
    try:
        data = json.loads(_checksum_cache_path().read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_checksum_cache(key: str, stat_key: tuple[int, ...], sha: str) -> None:
    cache = _read_checksum_cache()
    cache[key] = {"stat": list(stat_key), "sha256": sha}
    out = _checksum_cache_path()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=out.name + ".", suffix=".tmp", dir=out.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(cache, fh, indent=0, sort_keys=True)
        os.replace(tmp, out)
    except OSError:  # read-only data/processed: the check still ran, it is just not remembered
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(tmp)


def input_sha256(path: Path) -> str:
    """sha256 of a file, remembered by (size, mtime, ctime, inode) in memory and in
    data/processed/input-checksums.json, so an unchanged file is hashed once, not on every read."""
    resolved = str(Path(path).resolve())
    key = _stat_key(os.stat(resolved))
    hit = _VERIFIED.get(resolved)
    if hit and hit[0] == key:
        return hit[1]
    rec = _read_checksum_cache().get(resolved)
    if isinstance(rec, dict) and tuple(rec.get("stat", ())) == key and isinstance(rec.get("sha256"), str):
        sha = rec["sha256"]
    else:
        sha = file_sha256(Path(resolved))
        _write_checksum_cache(resolved, key, sha)
    _VERIFIED[resolved] = (key, sha)
    return sha


def verify_input(src: Source, path: Path | None = None) -> str:
    """Check a catalogued file is present, a regular file, and has the catalogue's sha256 (a live
    source: the sha256 that data/raw/MANIFEST records for it, or its mirror copy's, see
    :func:`jsna.manifest.accepted_sha256`).

    Returns the sha256. Raises DataError when the file is missing or not a file, and
    :class:`ChecksumMismatch` (fields path, expected, actual) when its bytes differ from the
    catalogue (or MANIFEST): an edited, truncated or re-released file is never read.
    """
    path = Path(path) if path is not None else src.raw_path()
    reads.note(src.id)  # the record of reads (jsna.reads): also a read that fails is one the report needs
    if not path.exists():
        raise _missing_file_error(src, path)
    if not path.is_file():
        raise DataError(f"{path}: is a directory (or other non-file) where the data file of source "
                        f"{src.id!r} should be. Remove it and run `make data` to re-copy the file "
                        "from the mirror.", source_id=src.id, path=path)
    actual = input_sha256(path)
    if src.live:
        data_dir = data_dir_of(src, path)
        accepted = accepted_sha256(src, data_dir)
        if actual not in accepted:
            where = (", ".join(f"{sha} in {place}" for sha, place in accepted.items())
                     or f"none: {manifest_path(data_dir) if data_dir else 'the MANIFEST'} has no row for it")
            raise ChecksumMismatch(
                f"{path}: sha256 {actual} is not the copy of live source {src.id!r} that `make data` "
                f"recorded (recorded: {where}): the file was edited, truncated or replaced after it "
                "was written. Run `make data REFRESH=1` to download it again"
                + (" (or `make data` to re-copy the data mirror's copy)." if src.sha256 else "."),
                source_id=src.id, path=path, expected=sorted(accepted), actual=actual)
        return actual
    if actual != src.sha256:
        raise ChecksumMismatch(
            f"{path}: sha256 {actual} differs from the catalogue's {src.sha256} for source "
            f"{src.id!r}: the file was edited, truncated or replaced by another release. Run "
            "`make data` to re-copy the catalogued file from the mirror (it replaces files whose "
            f"checksum differs); if this is a deliberate new release, take it in with `python -m jsna "
            f"data add {src.id} FILE`, which checks it and rewrites sha256 and expect: in the catalogue.",
            source_id=src.id, path=path, expected=src.sha256, actual=actual)
    return actual


_MEMO: dict[Path, Any] = {}  # in-process copies of cache files already read (keys hash the content)


def cached_parquet(source_id: str, builder: Callable[[], Any], data_dir: Path | None = None,
                   name: str = "", version: str = "1") -> Any:
    """Return ``builder()``, cached as parquet in data/processed keyed by the raw file's sha256.

    The cache file is ``<processed>/<source_id>[-name]-v<version>-<key>.parquet`` where the key
    hashes the raw file's sha256, the catalogue schema (columns, read options) and ``version``: new
    raw bytes, a changed schema or a new builder version give a new key, so a stale cache is never
    read. GeoDataFrames are stored as GeoParquet. If the cache cannot be written (read-only
    directory) the built frame is returned all the same. Within one process a frame is read once
    and callers get copies, so they may modify what they get.
    """
    label = f"{source_id}-{name}" if name else source_id
    return cached_parquet_of([source_id], builder, label, data_dir, version)


def cached_loader(source_id: str, version: str = "1") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: a loader ``f(data_dir=None)`` of one source whose tidy frame is cached as parquet
    (:func:`cached_parquet`, name "tidy"), so it is parsed once per release of the file and read once
    per process. Registered for `make data` (:func:`register_parquet`)."""
    import functools

    def deco(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper(data_dir: Path | None = None) -> Any:
            return cached_parquet(source_id, lambda: func(data_dir), data_dir, name="tidy", version=version)

        PARQUET_BUILDERS[source_id] = wrapper
        return wrapper
    return deco


def cached_parquet_of(source_ids: Sequence[str], builder: Callable[[], Any], label: str,
                      data_dir: Path | None = None, version: str = "1") -> Any:
    """:func:`cached_parquet` for a frame built from several sources: the key hashes every one of
    their raw files and schemas, so a change to any of them rebuilds the cache."""
    parts = []
    for sid in source_ids:
        src = get_source(sid)
        # the file must be the catalogued bytes, so its sha256 *is* the catalogue's: a changed file
        # fails here, and a new catalogue release (new sha256) gives a new cache key
        sha = verify_input(src, src.raw_path(data_dir))
        schema = json.dumps({"columns": src.columns, "read": src.read, "expect": src.expect,
                             "version": version}, sort_keys=True, default=str)
        parts.append(sha + schema)
    key = hashlib.sha256("".join(parts).encode()).hexdigest()[:16]
    out = paths.processed_dir() / f"{label}-v{version}-{key}.parquet"
    if out in _MEMO:
        return _MEMO[out].copy()
    if out.exists():
        try:
            frame = _read_parquet(out)
            _MEMO[out] = frame
            return frame.copy()
        except Exception:  # a corrupt cache file is rebuilt, never trusted
            out.unlink(missing_ok=True)
    frame = builder()
    _MEMO[out] = frame
    try:
        _write_parquet_atomic(frame, out)
        for old in out.parent.glob(f"{label}-v*.parquet"):
            if old != out:
                old.unlink(missing_ok=True)
    except OSError as exc:
        warnings.warn(f"could not write parquet cache {out}: {exc}", stacklevel=2)
    return frame.copy()


def _read_parquet(path: Path) -> Any:
    import pyarrow.parquet as pq

    meta = pq.read_metadata(path).metadata or {}
    if b"geo" in meta:
        import geopandas as gpd

        return gpd.read_parquet(path)
    return pd.read_parquet(path)


def _write_parquet_atomic(frame: Any, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=out.name + ".", suffix=".tmp", dir=out.parent)
    os.close(fd)
    try:
        frame.to_parquet(tmp, index=False)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
