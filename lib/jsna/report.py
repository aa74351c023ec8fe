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


def table_html(df: pd.DataFrame, caption: str, index: bool = False, sortable: bool = True,
               number_format: dict[str, str] | None = None) -> str:
    """An accessible HTML table (caption, th scope, escaped cells); 'sortable' tables sort on header click."""
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
