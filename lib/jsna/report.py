"""Display helpers for report notebooks: every figure with alt text and a text description,
tables as accessible HTML, notes, and escaping of every data-derived string.

Notebook cells call these instead of printing, so the exported HTML carries no code and
every chart has a text alternative for screen-reader users.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterable

import pandas as pd

FIGURE_DPI = 110


def esc(text: object) -> str:
    """HTML-escape any value (area names come from data and may contain markup)."""
    return html.escape("" if text is None else str(text), quote=True)


def _show(markup: str) -> None:
    from IPython.display import HTML, display

    display(HTML(markup))


def figure_html(fig, alt: str, description: str | None = None, caption: str | None = None,
                fmt: str = "png") -> str:
    """Render a matplotlib figure to an inline <figure> with alt text and a text description."""
    import matplotlib.pyplot as plt

    if not alt or not alt.strip():
        raise ValueError("figure_html: alt text is required for every figure")
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=FIGURE_DPI, bbox_inches="tight", facecolor="white")
    plt.close(fig)
    mime = "image/svg+xml" if fmt == "svg" else f"image/{fmt}"
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    parts = [f'<figure class="jsna-figure"><img src="data:{mime};base64,{data}" alt="{esc(alt)}" '
             'style="max-width:100%;height:auto">']
    if caption:
        parts.append(f"<figcaption>{esc(caption)}</figcaption>")
    parts.append("</figure>")
    if description:
        parts.append(description_html(description))
    return "".join(parts)


def description_html(description: str | Iterable[str]) -> str:
    """A visible 'Text description' block (details/summary) for screen-reader and keyboard users."""
    paras = [description] if isinstance(description, str) else list(description)
    body = "".join(f"<p>{esc(p)}</p>" for p in paras)
    return (f'<details class="jsna-description"><summary>Text description of this chart</summary>'
            f"{body}</details>")


def figure(fig, alt: str, description: str | None = None, caption: str | None = None) -> None:
    """Display a figure with alt text, caption and text description in the notebook/report."""
    _show(figure_html(fig, alt, description, caption))


def _is_year_column(col: object) -> bool:
    """Columns of calendar years (2019) keep their plain spelling, without a thousands separator."""
    return any(w in str(col).lower() for w in ("year", "period"))


def table_html(df: pd.DataFrame, caption: str, index: bool = False, sortable: bool = True,
               number_format: dict[str, str] | None = None) -> str:
    """An accessible HTML table (caption, th scope, escaped cells); 'sortable' tables sort on header click.

    Numbers are shown with thousands separators (except in year/period columns) unless
    ``number_format`` gives a format for the column; missing values read "not available".
    """
    fmt = number_format or {}
    data = df.reset_index() if index else df
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in data.columns)
    rows = []
    for rec in data.itertuples(index=False, name=None):
        cells = []
        for col, val in zip(data.columns, rec, strict=True):
            if val is None or (isinstance(val, float) and pd.isna(val)) or val is pd.NA:
                shown, sort_key = "not available", ""
            elif col in fmt and isinstance(val, int | float):
                shown, sort_key = format(val, fmt[col]), repr(float(val))
            elif isinstance(val, int | float) and not isinstance(val, bool) and not _is_year_column(col):
                shown, sort_key = f"{val:,}", repr(float(val))  # 11,569 not 11569
            else:
                shown = str(val)
                sort_key = repr(float(val)) if isinstance(val, int | float) else shown
            cells.append(f'<td data-sort="{esc(sort_key)}">{esc(shown)}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    cls = "jsna-table sortable" if sortable else "jsna-table"
    return (f'<div class="jsna-table-wrap" tabindex="0" role="region" aria-label="{esc(caption)}">'
            f'<table class="{cls}"><caption>{esc(caption)}</caption><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>")


def table(df: pd.DataFrame, caption: str, **kw) -> None:
    """Display an accessible HTML table."""
    _show(table_html(df, caption, **kw))


def note(text: str, kind: str = "info") -> None:
    """A highlighted note (kind: info, warning, na) – e.g. for 'not available' explanations."""
    _show(f'<div class="jsna-note jsna-note-{esc(kind)}" role="note">{esc(text)}</div>')


def paragraphs(texts: str | Iterable[str]) -> None:
    """Display generated sentences as escaped paragraphs."""
    items = [texts] if isinstance(texts, str) else list(texts)
    _show("".join(f"<p>{esc(t)}</p>" for t in items))


def heading(text: str, level: int = 2) -> None:
    """A heading built from data (escaped)."""
    _show(f"<h{level}>{esc(text)}</h{level}>")


def summary_box_html(sentences: str | Iterable[str], title: str = "Summary") -> str:
    """A boxed list of key findings (escaped), for the top of a report."""
    items = [sentences] if isinstance(sentences, str) else list(sentences)
    if not items:
        raise ValueError("summary_box: give at least one sentence")
    body = "".join(f"<li>{esc(s)}</li>" for s in items)
    return (f'<section class="jsna-summary" aria-label="{esc(title)}"><h2>{esc(title)}</h2>'
            f"<ul>{body}</ul></section>")


def summary_box(sentences: str | Iterable[str], title: str = "Summary") -> None:
    """Display the key findings in a box (see :func:`summary_box_html`)."""
    _show(summary_box_html(sentences, title))


def about_the_data_html(source_ids: Iterable[str], heading_text: str = "About the data",
                        level: int = 2, catalogue_dir=None, data_dir=None) -> str:
    """The closing "About the data" section, written from the catalogue entries used.

    For each source: title, publisher, period, licence, attribution, notes (caveats), the
    official URL and its provenance: the sha256 of the file read from ``data_dir`` (default
    data/raw; shortened) and the date it was fetched or copied (data_dir/MANIFEST). The section
    carries ``data-jsna-sources`` so the runner can put the same attributions in the page footer
    and the index. An unknown source id raises the catalogue's error (which lists the valid ids).
    """
    from jsna.catalogue import get_source
    from jsna.runner.provenance import describe_input, input_records

    ids = list(dict.fromkeys(source_ids))
    if not ids:
        raise ValueError("about_the_data: give the catalogue ids of the sources the report used")
    sources = [get_source(s, catalogue_dir) for s in ids]
    prov = {r["id"]: r for r in input_records(ids, data_dir, catalogue_dir=catalogue_dir)}
    items = []
    for s in sources:
        facts = [f"Published by {s.publisher}."]
        if s.period:
            facts.append(f"Period: {s.period}.")
        facts.append(f"Licence: {s.licence}.")
        parts = [f"<dt>{esc(s.title)}</dt>", "<dd>", f"<p>{esc(' '.join(facts))}</p>"]
        if s.notes:
            parts.append(f"<p>Caveats: {esc(' '.join(str(s.notes).split()))}</p>")
        if s.attribution:
            parts.append(f"<p>{esc(s.attribution)}</p>")
        parts.append(f'<p>Source: <a href="{esc(s.url)}">{esc(s.url)}</a></p>')
        parts.append(f'<p class="jsna-provenance">{esc(describe_input(prov[s.id]))}</p>')
        parts.append("</dd>")
        items.append("".join(parts))
    return (f'<section class="jsna-about" data-jsna-sources="{esc(" ".join(s.id for s in sources))}">'
            f"<h{level}>{esc(heading_text)}</h{level}><dl>{''.join(items)}</dl></section>")


def about_the_data(source_ids: Iterable[str], heading_text: str = "About the data", level: int = 2,
                   data_dir=None) -> None:
    """Display the "About the data" section for the catalogue sources a report used (pass the
    notebook's ``data_dir`` so that the checksums are those of the files it read)."""
    _show(about_the_data_html(source_ids, heading_text, level, data_dir=data_dir))


HEADLINE_MIME = "application/vnd.jsna.headline+json"


def headline_record(id: str, value: object, unit: str, period: str, label: str,  # noqa: A002
                    decimals: int = 1) -> dict:
    """The JSON record of one headline figure (see :func:`headline`). ``text`` is the value as
    published (rounded to ``decimals``); a missing or non-finite value reads "not available"."""
    import math
    import numbers

    if not isinstance(id, str) or not id.strip() or any(c.isspace() for c in id):
        raise ValueError(f"headline: id must be a non-empty word such as 'core20_pct', got {id!r}")
    if not label or not str(label).strip():
        raise ValueError(f"headline {id!r}: give a label (what the number is, in words)")
    if not period or not str(period).strip():
        raise ValueError(f"headline {id!r}: give the period the value refers to (e.g. '2019')")
    if isinstance(value, bool) or not (value is None or isinstance(value, numbers.Real)):
        raise ValueError(f"headline {id!r}: value must be a number (or None when not available), "
                         f"got {type(value).__name__} {value!r}")
    if value is None or not math.isfinite(float(value)):
        num, text = None, "not available"
    elif isinstance(value, numbers.Integral):
        num, text = int(value), f"{int(value):,}"
    else:
        num, text = float(value), f"{float(value):,.{decimals}f}"
    return {"id": id, "label": str(label), "value": num, "text": text, "unit": str(unit or ""),
            "period": str(period)}


def headline(id: str, value: object, unit: str, period: str, label: str,  # noqa: A002
             decimals: int = 1) -> None:
    """Declare one headline figure of the report (a number in its summary box or key findings).

    Shows nothing: the record (:func:`headline_record`) goes into the cell's output as
    ``application/vnd.jsna.headline+json``; the runner stores it with the published report and
    lists it in the index's "Changed since" section when it moves. ``id`` must be stable across
    builds (the figure is compared by id); ``unit`` e.g. '%', 'per 100,000', 'people', 'score'.
    """
    from IPython.display import display

    display({HEADLINE_MIME: headline_record(id, value, unit, period, label, decimals)}, raw=True)
