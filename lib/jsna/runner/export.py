"""The offline HTML export of an executed notebook (nbconvert, the ``jsna`` template)."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from jsna import __version__
from jsna.reads import READS_MIME
from jsna.runner.datafiles import data_folder_name
from jsna.words import period_in_words

TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "templates"
TEMPLATE_NAME = "jsna"
_SOURCES_ATTR = re.compile(r'data-jsna-sources="([^"]*)"')
HEADLINE_MIME = "application/vnd.jsna.headline+json"  # written by jsna.report.headline
#: the series' accessibility statement, beside the index (jsna.runner.publish.write_accessibility)
ACCESSIBILITY_PAGE = "accessibility.html"


def _asset(name: str) -> str:
    return (TEMPLATES_DIR / "static" / name).read_text(encoding="utf-8")


def page_assets() -> dict[str, str]:
    """The inline stylesheet and script shared by every report and the index page."""
    return {"css": _asset("jsna.css"), "js": _asset("jsna.js")}


def _clean_for_export(nb) -> None:
    """Drop what a reader must not see: stderr streams (warnings; they stay in the log and the
    executed .ipynb), the plain-text outputs of ``# NBVAL_CHECK_OUTPUT`` cells, the headline
    records of :func:`jsna.report.headline` (kept in the .ipynb), and code cells
    left without output (they would only add empty markup)."""
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        if cell.get("source", "").lstrip().startswith("# NBVAL_CHECK_OUTPUT"):
            cell["outputs"] = []
            continue
        cell["outputs"] = [o for o in cell.get("outputs", [])
                           if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
                           and HEADLINE_MIME not in o.get("data", {}) and READS_MIME not in o.get("data", {})]
    nb.cells = [c for c in nb.cells if c.get("cell_type") != "code" or c.get("outputs")]


def notebook_sources(nb) -> list[str]:
    """Catalogue source ids an executed notebook read: its record of reads (:mod:`jsna.reads`),
    shown by the cell the runner appends (:func:`jsna.runner.worker.with_record_cell`). A notebook
    without that record (run outside the runner) gives the ``data-jsna-sources`` attributes of its
    "About the data" sections (:func:`jsna.report.about_the_data`), which list the same record."""
    record: list[str] | None = None
    found: list[str] = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if isinstance(data.get(READS_MIME), dict):
                record = list(data[READS_MIME].get("sources") or [])
            html_out = data.get("text/html", "")
            if isinstance(html_out, list):
                html_out = "".join(html_out)
            for m in _SOURCES_ATTR.finditer(html_out):
                found.extend(m.group(1).split())
    return list(dict.fromkeys(record if record is not None else found))


def footer_attribution(src) -> str:
    """The footer line of one catalogue source: who published what, and under which terms."""
    terms = " ".join(str(src.attribution or src.licence).split())
    return f"{src.publisher}: {src.title}. {terms}"


def notebook_headlines(nb) -> list[dict]:
    """The headline figures a notebook declared with :func:`jsna.report.headline`, in order (a
    figure declared twice keeps its last value)."""
    found: dict[str, dict] = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            rec = out.get("data", {}).get(HEADLINE_MIME)
            if isinstance(rec, dict) and isinstance(rec.get("id"), str):
                found[rec["id"]] = dict(rec)
    return list(found.values())


def source_attributions(source_ids: Iterable[str]) -> list[str]:
    """Attribution lines for the given catalogue sources (unknown ids are skipped)."""
    try:
        from jsna.catalogue import load_catalogue

        cat = load_catalogue()
    except Exception:  # noqa: BLE001 - no catalogue yet: the footer falls back to the OGL line
        return []
    lines = []
    for sid in source_ids:
        src = cat.get(sid)
        if src is None:
            continue
        lines.append(footer_attribution(src))
    return list(dict.fromkeys(lines))


def _has_h1(nb) -> bool:
    for cell in nb.cells:
        if cell.get("cell_type") == "markdown" and re.search(r"(?m)^#\s+\S", cell.get("source", "")):
            return True
        for out in cell.get("outputs", []):
            h = out.get("data", {}).get("text/html", "")
            if "<h1" in ("".join(h) if isinstance(h, list) else h):
                return True
    return False


def source_vintages(source_ids: Iterable[str]) -> list[dict[str, str]]:
    """Title and period (in words) of each catalogue source used, for "data as at" under the title."""
    try:
        from jsna.catalogue import load_catalogue

        cat = load_catalogue()
    except Exception:  # noqa: BLE001 - no catalogue: no vintages line
        return []
    out = []
    for sid in dict.fromkeys(source_ids):
        src = cat.get(sid)
        if src is not None:
            out.append({"title": src.title, "period": period_in_words(src.period) or "period not stated"})
    return out


def related_reports(place_id: str | None, topic_id: str | None, notebooks_dir: Path | None = None,
                    params_dir: Path | None = None,
                    linkable: Sequence[str] = ()) -> dict[str, list[dict[str, str]]]:
    """Links from one report to the other topics of its Place and to the same topic for the
    other Places (a group Place first), relative to the report's folder. With ``linkable`` ("<place>/<topic>"
    keys of the reports that exist after the build), only those are linked."""
    if not place_id or not topic_id:
        return {"topics": [], "places": []}
    from jsna.places import available_places, place_kind, place_name
    from jsna.runner.topics import discover_topics

    try:
        ok = set(linkable)
        topics = [{"href": f"{t.id}.html", "title": t.title} for t in discover_topics(notebooks_dir)
                  if t.id != topic_id and (not ok or f"{place_id}/{t.id}" in ok)]
        ids = sorted((p for p in available_places(params_dir) if p != place_id
                      and (not ok or f"{p}/{topic_id}" in ok)),
                     key=lambda p: (place_kind(p, params_dir) != "group", p))  # a group Place first
        places = [{"href": f"../{p}/{topic_id}.html", "title": place_name(p, params_dir)} for p in ids]
    except Exception:  # noqa: BLE001 - links are a convenience; the index lists every report
        return {"topics": [], "places": []}
    return {"topics": topics, "places": places}


def export_html(nb_path: Path, place_name: str, topic_title: str, build_date: str,
                sources: Sequence[str] | None = None, place_id: str | None = None,
                topic_id: str | None = None, notebooks_dir: Path | None = None,
                params_dir: Path | None = None, code_version: str = "", linkable: Sequence[str] = (),
                pdf: bool = True, nb=None) -> str:
    """Export an executed notebook to one self-contained HTML page (input cells hidden).

    With ``place_id`` and ``topic_id`` the page links its PDF and spreadsheet (beside it), its
    notebook and CSV folder (under "For reviewers", at the end), the accessibility statement and the related reports (other topics of the Place, the same topic for other Places);
    ``code_version`` goes in the footer. Without ``pdf`` (no PDF will be printed) the page links none.
    ``nb``: the notebook at ``nb_path`` already read (it is changed here), so it is not read again."""
    import nbformat

    if nb is None:
        nb = nbformat.read(str(nb_path), as_version=4)
    used = list(sources) if sources is not None else notebook_sources(nb)
    _clean_for_export(nb)
    topic_id = topic_id or Path(nb_path).stem
    has_data = "data-jsna-csv=" in json.dumps([c.get("outputs", []) for c in nb.cells])  # jsna.runner.datafiles
    resources = {"jsna": {**page_assets(), "place_name": place_name, "topic_title": topic_title,
                          "build_date": build_date, "version": __version__, "code_version": code_version,
                          "attributions": source_attributions(used), "index_href": "../index.html",
                          "add_h1": not _has_h1(nb), "vintages": source_vintages(used),
                          "pdf_href": f"{topic_id}.pdf" if pdf else "", "ipynb_href": f"{topic_id}.ipynb",
                          "ods_href": f"{topic_id}.ods" if has_data else "",
                          "data_href": f"{data_folder_name(topic_id)}/" if has_data else "",
                          "accessibility_href": f"../{ACCESSIBILITY_PAGE}",
                          "related": related_reports(place_id, topic_id, notebooks_dir, params_dir, linkable)}}
    body, _ = _html_exporter().from_notebook_node(nb, resources=resources)
    return gather_missing(body)


#: a note saying what is missing (jsna.report.note(..., "na")), as jsna.report.note_html writes it
_NA_NOTE = re.compile(r'<div class="jsna-note jsna-note-na" role="note">(.*?)</div>', re.S)
CANNOT_SHOW_TITLE = "What this report cannot show"
CANNOT_SHOW_CLOSING = ("Each gap closes when its publisher releases the figure for this area and period, or when a "
                       "source that holds it is added to this series.")


def gather_missing(page: str) -> str:
    """Say what is missing once: every "not available" note of the page (``report.note(..., "na")``)
    is moved, in order and without repeats, into one "What this report cannot show" box, placed
    before the Methods and sources appendix (or, without one, before the For reviewers section)."""
    items = list(dict.fromkeys(m.group(1).strip() for m in _NA_NOTE.finditer(page)))
    if not items:
        return page
    page = _NA_NOTE.sub("", page)
    box = (f'<section class="jsna-cannot-show" aria-labelledby="jsna-cannot-show-h">'
           f'<h2 id="jsna-cannot-show-h">{CANNOT_SHOW_TITLE}</h2><ul>'
           + "".join(f"<li>{item}</li>" for item in items)
           + f"</ul><p>{CANNOT_SHOW_CLOSING}</p></section>\n")
    for anchor in ('<details class="jsna-appendix">', '<section class="jsna-reviewers"'):
        at = page.find(anchor)
        if at >= 0:
            return page[:at] + box + page[at:]
    return page.replace("</main>", box + "</main>", 1)


@functools.cache
def _html_exporter():
    """The report exporter, built once per process (compiling its templates is most of an export)."""
    from traitlets.config import Config

    c = Config()
    c.HTMLExporter.extra_template_basedirs = [str(TEMPLATES_DIR)]
    c.HTMLExporter.template_name = TEMPLATE_NAME
    c.HTMLExporter.exclude_input = True
    c.HTMLExporter.exclude_input_prompt = True
    c.HTMLExporter.exclude_output_prompt = True
    c.HTMLExporter.embed_images = True
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = {"remove_cell"}
    c.TagRemovePreprocessor.remove_all_outputs_tags = {"remove_output"}
    return _report_exporter_class()(config=c)


@functools.cache
def _report_exporter_class():
    """nbconvert's HTMLExporter without its closing BeautifulSoup pass.

    That pass (nbconvert 7) re-parses the whole page to give images without alt text a placeholder
    and to make ``.jp-Notebook`` cells focusable. Neither applies here: every figure gets its alt
    text from :func:`jsna.report.figure_html` (which refuses a figure without one), the ``jsna``
    template has no ``.jp-Notebook`` element, and focusable regions are written by the report
    helpers. On a map-heavy page the pass took two thirds of the export (2.5 s of 3.6 s for Essex).
    """
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            self.register_filter("highlight_code", self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return ReportExporter
