"""The data beside each report, in the formats government publishes: one accessible ODS workbook
and, for every CSV the page links, the CSV file with its CSV on the Web (CSVW) metadata.

Both are written from the CSV links of the exported page itself (:func:`page_tables`), so the
spreadsheet and the files hold the same numbers as the page's "Download the data (CSV)" links.

The workbook follows the Government Analysis Function's guidance on releasing statistics in
spreadsheets: a cover sheet, a contents sheet, a notes sheet, then one table per sheet, each with
its title in cell A1, one header row, no merged cells and no blank cells ("[x]" marks a missing
value and the notes say so). It is written with odfpy, the library pandas reads and writes ODS with
(no hand-made XML).
The CSVW files follow the W3C "Metadata Vocabulary for Tabular Data": ``<name>.csv-metadata.json``
beside ``<name>.csv`` names its columns, their datatypes, the unit where the table states one,
and the sources and licences of the report's record of reads.
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported where a table is read: a no-op build imports no heavy library
    import pandas as pd

#: the link :func:`jsna.report.csv_link_html` writes (href first, then download, name and title)
_CSV_LINK = re.compile(r'<a href="data:text/csv;charset=utf-8;base64,([A-Za-z0-9+/=]+)" download="([^"]*)" '
                       r'data-jsna-csv="[^"]*"(?: data-jsna-title="([^"]*)")?')
#: the mark of a missing value in the workbook (GSS shorthand), explained on its notes sheet
MISSING = "[x]"
CSVW_CONTEXT = "http://www.w3.org/ns/csvw"
#: columns whose single value is the unit of the table's figures
_UNIT_COLUMNS = ("unit", "Unit", "units")


@dataclass(frozen=True)
class PageTable:
    """One table or chart's data as the page links it: file name, title and CSV text."""

    file_name: str
    title: str
    csv_text: str

    def frame(self) -> pd.DataFrame:
        """The CSV as a frame (every cell as pandas reads it back from the page's file)."""
        import pandas as pd

        return pd.read_csv(io.StringIO(self.csv_text), keep_default_na=True)


def page_tables(page: str) -> list[PageTable]:
    """Every CSV the page links, in page order; a name used twice gets ``-2``, ``-3``..."""
    out: list[PageTable] = []
    seen: dict[str, int] = {}
    for m in _CSV_LINK.finditer(page):
        text = base64.b64decode(m.group(1)).decode("utf-8").lstrip("\ufeff")
        name = html.unescape(m.group(2))
        stem = name[:-4] if name.endswith(".csv") else name
        seen[stem] = n = seen.get(stem, 0) + 1
        if n > 1:
            name = f"{stem}-{n}.csv"
        title = html.unescape(m.group(3) or stem.replace("-", " ").capitalize())
        out.append(PageTable(name, title, text))
    return out


def data_folder_name(topic_id: str) -> str:
    """The folder beside ``<topic>.html`` holding its CSV and CSVW files."""
    return f"{topic_id}-data"


def _unit(df: pd.DataFrame) -> str:
    for col in _UNIT_COLUMNS:
        if col in df.columns:
            values = df[col].dropna().astype(str).unique()
            if len(values) == 1:
                return values[0]
    return ""


def _datatype(s: pd.Series) -> str:
    import pandas as pd

    if pd.api.types.is_bool_dtype(s):
        return "boolean"
    if pd.api.types.is_integer_dtype(s):
        return "integer"
    if pd.api.types.is_numeric_dtype(s):
        return "number"
    return "string"


def csvw_metadata(table: PageTable, sources: Sequence[dict[str, str]], place_name: str, topic_title: str,
                  published: str) -> dict:
    """The CSVW metadata of one CSV file: title, columns (titles, datatypes), unit, sources, licences."""
    df = table.frame()
    unit = _unit(df)
    columns = []
    for i, col in enumerate(df.columns):
        entry = {"name": f"c{i + 1}", "titles": str(col), "datatype": _datatype(df[col]),
                 "null": [""]}
        if unit and _datatype(df[col]) in ("integer", "number") and col not in _UNIT_COLUMNS:
            entry["dc:description"] = f"Unit: {unit}"
        columns.append(entry)
    licences = sorted({s["licence"] for s in sources if s.get("licence")})
    return {"@context": CSVW_CONTEXT, "url": table.file_name,
            "dc:title": table.title,
            "dc:description": f"{topic_title}, {place_name}: the data behind the table or chart "
                              f"'{table.title}', as linked from the report.",
            "dc:issued": published,
            "dc:source": [{"dc:title": s["title"], "dc:publisher": s["publisher"], "dc:period": s["period"],
                           "url": s["url"]} for s in sources],
            "dc:license": licences[0] if len(licences) == 1 else licences,
            "dialect": {"encoding": "utf-8", "header": True},
            "tableSchema": {"columns": columns}}


def write_csv_files(tables: Sequence[PageTable], folder: Path, sources: Sequence[dict[str, str]],
                    place_name: str, topic_title: str, published: str) -> list[Path]:
    """Write each CSV (UTF-8 with BOM, as the page's link) and its ``.csv-metadata.json`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for t in tables:
        csv_path = folder / t.file_name
        csv_path.write_text("\ufeff" + t.csv_text, encoding="utf-8")
        meta = csvw_metadata(t, sources, place_name, topic_title, published)
        meta_path = folder / f"{t.file_name}-metadata.json"
        meta_path.write_text(json.dumps(meta, indent=1, ensure_ascii=False), encoding="utf-8")
        written += [csv_path, meta_path]
    return written


#: a column of one value in every row whose name says it describes the whole table: the workbook
#: says it once, above the table, instead of in every row (the CSV keeps the column)
DESCRIBING_COLUMNS = ("unit", "units", "period", "source", "sources", "synthetic data")


def split_constant_columns(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """(the table without its describing columns of one value, {column: that value})."""
    same = {}
    for col in df.columns:
        if str(col).lower() in DESCRIBING_COLUMNS and len(df) > 1:
            values = df[col].dropna().astype(str).unique()
            if len(values) == 1 and df[col].notna().all():
                same[str(col)] = values[0]
    return df.drop(columns=list(same)), same


def _cell(value: object, style=None):
    """One odfpy table cell: a number as a float cell, anything else as text; a missing value as MISSING. Grammar checks are off: the elements are the few a
    spreadsheet of plain tables needs, and the checks took most of the time of a large workbook."""
    from odf.table import TableCell
    from odf.text import P

    kw = {"check_grammar": False}
    if style is not None:
        kw["stylename"] = style
    if value is None or (isinstance(value, float) and value != value):
        value = MISSING
    if isinstance(value, bool) or not isinstance(value, int | float):
        cell = TableCell(valuetype="string", **kw)
        cell.addElement(P(text=str(value), check_grammar=False), check_grammar=False)
        return cell
    # a number is its value attribute alone: spreadsheets show it from there (and pandas reads it),
    # and a cell without a paragraph halves the elements of a large table
    return TableCell(valuetype="float", value=repr(value), **kw)


def _sheet(name: str, title: str, line: str, header: Sequence[object] | None, body, bold):
    """A sheet: its title in A1, one line about it in A2, the header row in row 3, then the table."""
    from odf.table import Table, TableRow

    table = Table(name=name, check_grammar=False)
    rows = [[(title, bold)], [(line, None)]]
    if header is not None:
        rows.append([(str(h), bold) for h in header])
    for cells in rows:
        tr = TableRow(check_grammar=False)
        for value, style in cells:
            tr.addElement(_cell(value, style), check_grammar=False)
        table.addElement(tr, check_grammar=False)
    for rec in body:
        tr = TableRow(check_grammar=False)
        for value in rec:
            tr.addElement(_cell(value), check_grammar=False)
        table.addElement(tr, check_grammar=False)
    return table


def write_ods(tables: Sequence[PageTable], path: Path, sources: Sequence[dict[str, str]], place_name: str,
              topic_title: str, published: str, contact: str) -> Path:
    """Write the report's workbook with odfpy: Cover, Contents, Notes, then Table_1... one table per
    sheet (its title in A1, a line about it in A2, headers in row 3: read back with ``header=2``). A
    describing column with one value (unit, period, source: :func:`split_constant_columns`) is said
    once in A2 rather than in every row."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TextProperties

    doc = OpenDocumentSpreadsheet()
    bold = Style(name="heading", family="table-cell")
    bold.addElement(TextProperties(fontweight="bold"))
    doc.automaticstyles.addElement(bold)
    # the workbook's one automatic style is used: odfpy's save would otherwise walk every cell to find
    # which styles are (a third of the time of a large workbook)
    doc._used_auto_styles = lambda segments: list(doc.automaticstyles.childNodes)  # noqa: SLF001
    frames = [t.frame() for t in tables]
    names = [f"Table_{i}" for i in range(1, len(tables) + 1)]
    licences = sorted({s["licence"] for s in sources if s.get("licence")})
    cover = [["Published"], [published], ["What this workbook holds"],
             ["The data behind every table and chart of the report, one table per sheet, with the same numbers "
              "as the report's own downloads. The Contents sheet lists the tables."],
             ["Sources"], *[[f"{s['publisher']}: {s['title']} ({s['period']}). {s['url']}"] for s in sources],
             ["Licences"], *[[lic] for lic in licences],
             ["Contact and other formats"], [contact],
             ["Notes"], ["Missing values are shown as [x]; the Notes sheet explains the shorthand."]]
    doc.spreadsheet.addElement(_sheet("Cover", f"{topic_title}: {place_name}",
                                      "This worksheet contains no table: it describes the workbook.", None, cover, bold))
    doc.spreadsheet.addElement(_sheet("Contents", "Table of contents", "This worksheet contains one table.",
                                      ["Sheet name", "Table title", "Number of rows"],
                                      [[n, t.title, len(f)] for n, t, f in zip(names, tables, frames, strict=True)],
                                      bold))
    doc.spreadsheet.addElement(_sheet("Notes", "Notes", "This worksheet contains one table.",
                                      ["Note number", "Note text"],
                                      [["1", f"{MISSING} means not available: there is no published value for this cell."],
                                       ["2", "Units are given in the column heading or in a unit column of the table."],
                                       ["3", "Figures are unrounded: the report rounds them for reading."]], bold))
    for name, t, df in zip(names, tables, frames, strict=True):
        table, same = split_constant_columns(df)
        line = " ".join(["This worksheet contains one table.",
                         *(f"{k[:1].upper()}{k[1:]}: {v}." for k, v in same.items()),
                         "Missing values are shown as [x] (see Notes)."])
        doc.spreadsheet.addElement(_sheet(name, t.title, line, list(table.columns),
                                          table.astype(object).itertuples(index=False, name=None), bold))
    doc.save(str(path))
    return Path(path)


def source_records(source_ids: Sequence[str]) -> list[dict[str, str]]:
    """Publisher, title, period (in words), URL and licence of each catalogue source a report read."""
    from jsna.catalogue import load_catalogue
    from jsna.words import period_in_words

    try:
        cat = load_catalogue()
    except Exception:  # noqa: BLE001 - no catalogue: the files say nothing of their sources
        return []
    out = []
    for sid in dict.fromkeys(source_ids):
        s = cat.get(sid)
        if s is not None:
            out.append({"title": s.title, "publisher": s.publisher, "period": period_in_words(s.period) or "",
                        "url": s.url, "licence": " ".join(str(s.licence).split())})
    return out


def write_report_data(page: str, out_dir: Path, topic_id: str, source_ids: Sequence[str], place_name: str,
                      topic_title: str, published: str, contact: str) -> tuple[Path, Path] | None:
    """Write ``<topic>.ods`` and the folder ``<topic>-data/`` (CSV + CSVW per table) beside the page
    in ``out_dir``; None when the page links no data."""
    tables = page_tables(page)
    if not tables:
        return None
    sources = source_records(source_ids)
    folder = Path(out_dir) / data_folder_name(topic_id)
    shutil.rmtree(folder, ignore_errors=True)
    write_csv_files(tables, folder, sources, place_name, topic_title, published)
    if not contact:
        from jsna.places import other_format_line

        contact = other_format_line(None)
    ods = write_ods(tables, Path(out_dir) / f"{topic_id}.ods", sources, place_name, topic_title, published, contact)
    return ods, folder
