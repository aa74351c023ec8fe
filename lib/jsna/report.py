"""Display helpers for report notebooks: every figure with alt text and a text description,
tables as accessible HTML, notes, and escaping of every data-derived string.

Notebook cells call these instead of printing, so the exported HTML carries no code and
every chart has a text alternative for screen-reader users.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import re
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from jsna.words import period_in_words

FIGURE_DPI = 192  # raster fallback at 2x CSS pixels (96 per inch), so text stays sharp
CSS_PX_PER_PT = 96 / 72
#: smallest chart text a reader should see, in CSS px (issue 13: about 9 px at 375 px width)
MIN_TEXT_PX = 9.0
#: the width a chart may take on a 375 px phone, in CSS px (343 inside the page's 1rem margins, less a margin
#: for the rounding of the drawing's saved size)
PHONE_CHART_PX = 330.0
#: an inline SVG larger than this (e.g. a map of hundreds of polygons) is drawn as a 2x PNG instead
SVG_MAX_BYTES = 350_000
#: cells starting with one of these run as formulas in spreadsheets: they get a leading apostrophe
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")



#: how often each drawing was rendered in this run (jsna.runner.kernel resets it between runs)
_SVG_SEEN: dict[str, int] = {}


def reset_ids() -> None:
    """Forget the drawings rendered so far (a new report starts its ids afresh), any appendix a
    failed run left open and any synthetic-data marking (:func:`mark_synthetic`)."""
    _SVG_SEEN.clear()
    _COLLECTING.clear()
    _SYNTHETIC.clear()


#: the note every data download of a report on synthetic data carries (:func:`mark_synthetic`)
_SYNTHETIC: list[str] = []
SYNTHETIC_COLUMN = "synthetic data"


def mark_synthetic(note: str | None) -> bool:
    """Say that this report's figures are synthetic (``note``, e.g. "Synthetic example: invented
    counts"), or that they are not (``None``); returns whether they are. Every CSV download after
    this says so in its file name (prefixed ``synthetic-``) and in a first column ``synthetic data``
    holding ``note``."""
    _SYNTHETIC.clear()
    if note:
        _SYNTHETIC.append(str(note))
    return bool(note)


class Chart(NamedTuple):
    """What every figure builder returns: the figure, its alt text and its text description (the
    description is written from the same numbers as the figure, so the two cannot drift apart)."""

    fig: Any
    alt: str
    description: str | list[str]


def esc(text: object) -> str:
    """HTML-escape any value (area names come from data and may contain markup)."""
    return html.escape("" if text is None else str(text), quote=True)


#: open appendices (jsna.report.appendix): what the display helpers show inside one goes into it
_COLLECTING: list[list[str]] = []


def _show(markup: str) -> None:
    if _COLLECTING:
        _COLLECTING[-1].append(markup)
        return
    from IPython.display import HTML, display

    display(HTML(markup))


# ---------------------------------------------------------------------------------------------
# Data behind charts and tables: tidy CSV as a data: link that works from file:// offline
# ---------------------------------------------------------------------------------------------


def neutralise_cell(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula (=, +, -, @) gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def tidy_csv(df: pd.DataFrame, meta: Mapping[str, object] | None = None) -> str:
    """The CSV text of ``df`` (UTF-8, no index), with ``meta`` as constant columns (unit, period,
    source...) where ``df`` has no column of that name, and text cells neutralised."""
    out = df.reset_index(drop=True).copy()
    for k, v in (meta or {}).items():
        if k not in out.columns:
            out[k] = v
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise_cell)
    out.columns = [str(neutralise_cell(str(c))) for c in out.columns]
    return out.to_csv(index=False, lineterminator="\n")


def _slug(text: str, limit: int = 48) -> str:
    s = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return (s[:limit].rstrip("-") or "data")


def csv_link_html(df: pd.DataFrame, name: str, meta: Mapping[str, object] | None = None,
                  label: str = "Download the data (CSV)") -> str:
    """A "Download the data (CSV)" link holding the CSV itself (a data: URI, so it works offline).

    The link carries the table's title (``data-jsna-title``, ``name`` in full): the runner writes
    every table of a page into the report's spreadsheet and CSV files from these links
    (:mod:`jsna.runner.datafiles`). After :func:`mark_synthetic` the file name and a first column
    say that the data are synthetic."""
    fname = _slug(name) + ".csv"
    if _SYNTHETIC:
        df = df.reset_index(drop=True).copy()
        if SYNTHETIC_COLUMN not in df.columns:
            df.insert(0, SYNTHETIC_COLUMN, _SYNTHETIC[0])
        if "synthetic" not in fname:
            fname = "synthetic-" + fname
    text = "\ufeff" + tidy_csv(df, meta)  # the BOM tells spreadsheets it is UTF-8
    data = base64.b64encode(text.encode("utf-8")).decode("ascii")
    n_rows = len(df)
    return (f'<p class="jsna-data-link"><a href="data:text/csv;charset=utf-8;base64,{data}" '
            f'download="{esc(fname)}" data-jsna-csv="{esc(fname)}" data-jsna-title="{esc(name)}">{esc(label)}</a> '
            f'<span class="jsna-meta">({n_rows:,} row{"s" if n_rows != 1 else ""})</span></p>')


def attach_data(fig, data: pd.DataFrame, meta: Mapping[str, object] | None = None):
    """Attach the tidy data behind a chart to its figure: :func:`figure` then links to it as CSV.

    Chart builders call this so the call sites in notebooks need not change. Returns ``fig``.
    """
    fig.jsna_data = (data, dict(meta or {}))
    return fig


def figure_data(fig) -> pd.DataFrame:
    """Fallback data of a chart without attached data: every plotted line, bar and point as tidy rows
    (chart panel, series, x, y) read back from the matplotlib artists."""
    import matplotlib.collections
    import matplotlib.lines
    import matplotlib.patches

    rows: list[dict[str, object]] = []
    for i, ax in enumerate(fig.axes, 1):
        panel = ax.get_title() or f"panel {i}"
        xl, yl = ax.get_xlabel(), ax.get_ylabel()
        for ln in ax.get_lines():
            label = ln.get_label()
            if label.startswith("_"):
                label = ""
            for x, y in zip(np.atleast_1d(ln.get_xdata()), np.atleast_1d(ln.get_ydata()), strict=False):
                rows.append({"panel": panel, "series": label, "x": _plain(x), "y": _plain(y),
                             "x axis": xl, "y axis": yl})
        for cont in ax.containers:
            label = cont.get_label() or ""
            for patch in getattr(cont, "patches", []):
                if isinstance(patch, matplotlib.patches.Rectangle):
                    rows.append({"panel": panel, "series": "" if label.startswith("_") else label,
                                 "x": patch.get_x() + patch.get_width() / 2, "y": patch.get_height(),
                                 "x axis": xl, "y axis": yl})
        for coll in ax.collections:
            if isinstance(coll, matplotlib.collections.PathCollection):
                label = coll.get_label()
                for x, y in np.asarray(coll.get_offsets()):
                    rows.append({"panel": panel, "series": "" if label.startswith("_") else label,
                                 "x": _plain(x), "y": _plain(y), "x axis": xl, "y axis": yl})
    return pd.DataFrame(rows, columns=["panel", "series", "x", "y", "x axis", "y axis"])


def _plain(v: object) -> object:
    if isinstance(v, np.datetime64):
        return str(pd.Timestamp(v).date())
    if isinstance(v, np.generic):
        return v.item()
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return v


# ---------------------------------------------------------------------------------------------
# Figures: inline SVG (text stays text), PNG at 2x when the SVG would be too large
# ---------------------------------------------------------------------------------------------


def _min_font_pt(texts) -> float | None:
    """The smallest visible text among a figure's Text artists, in points."""
    sizes = [t.get_fontsize() for t in texts if t.get_visible() and t.get_text().strip() and t.figure is not None]
    return min(sizes) if sizes else None


def _texts_and_collections(fig) -> tuple[list, list]:
    """The figure's Text artists and its collections, found in one walk of its artist tree (the
    walk itself costs a few hundredths of a second a figure, and a report draws dozens)."""
    import matplotlib.collections
    import matplotlib.text

    found = fig.findobj(lambda a: isinstance(a, matplotlib.text.Text | matplotlib.collections.Collection))
    return ([a for a in found if isinstance(a, matplotlib.text.Text)],
            [a for a in found if isinstance(a, matplotlib.collections.Collection)])


def _svg_markup(buf: bytes, alt: str, prefix: str) -> str:
    svg = buf.decode("utf-8")
    svg = svg[svg.index("<svg"):]
    # unique ids per figure, so two figures on a page never share a clip path or marker
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}\1)", svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}\1"', svg)
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r'<svg([^>]*?)\swidth="[^"]*"\s+height="[^"]*"', r"<svg\1", svg, count=1)
    return svg.replace("<svg", f'<svg role="img" aria-label="{esc(alt)}" focusable="false"', 1)


def _png(fig) -> io.BytesIO:
    """The figure as a PNG at FIGURE_DPI, palettised to PNG_COLOURS colours without dithering:
    charts and maps use few colours (median cut keeps every fill colour exact), so this keeps them
    sharp at about a quarter of the bytes (every report must stay under 3 MB)."""
    from PIL import Image

    raw = io.BytesIO()
    fig.savefig(raw, format="png", dpi=FIGURE_DPI, bbox_inches="tight", facecolor="white",
                pil_kwargs={"compress_level": 1})  # decoded again at once: no time spent compressing
    img = Image.open(io.BytesIO(raw.getvalue())).convert("RGB")
    out = io.BytesIO()
    # zlib's default level: PIL's optimize (level 9) took ten times as long for 4% fewer bytes
    img.quantize(colors=PNG_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        out, format="PNG", compress_level=6)
    return out if out.tell() < raw.tell() else raw


#: palette size of a raster figure: 128 kept the 14 commonest colours of a county map exact
#: (64 shifted them by up to 12 levels) and took 7% fewer bytes than 256
PNG_COLOURS = 128
#: an inline SVG takes at least this many bytes per path vertex (27-31 measured on the maps)
SVG_MIN_BYTES_PER_VERTEX = 20


def _svg_surely_too_large(collections) -> bool:
    """Whether a figure's SVG would certainly exceed SVG_MAX_BYTES, judged from the vertices of its
    collections (a map of many small areas), so that it is not drawn as SVG only to be dropped."""
    vertices = sum(len(p.vertices) for c in collections for p in c.get_paths())
    return vertices * SVG_MIN_BYTES_PER_VERTEX > SVG_MAX_BYTES


def _regrid(fig, width_in: float) -> float:
    """Panels laid out more than two across go two across (two side by side go one above the other);
    returns the height the figure needs for its new rows."""
    import math

    w, h = fig.get_size_inches()
    panels = [ax for ax in fig.axes if ax.get_subplotspec() is not None]
    if not panels:
        return h
    grid = panels[0].get_subplotspec().get_gridspec()
    if grid.ncols <= 1 or (grid.ncols == 2 and len(panels) > 2):
        return h
    cols = 2 if grid.ncols > 2 else 1
    rows = math.ceil(len(panels) / cols)
    new = fig.add_gridspec(rows, cols)
    for i, ax in enumerate(panels):
        ax.set_subplotspec(new[i // cols, i % cols])
    # each panel keeps its shape at its new width
    return h * (rows / grid.nrows) * (w / grid.ncols) / (width_in / cols)


def _named(axis) -> bool:
    """Whether an axis is labelled with names given by the chart (categories), not computed numbers."""
    import matplotlib.ticker

    return isinstance(axis.get_major_formatter(), matplotlib.ticker.FixedFormatter | matplotlib.ticker.FuncFormatter)


def _thin_crowded_ticks(fig) -> None:
    """Tick labels that run into each other at the narrow width: numbers and dates keep every other
    tick (or fewer), named categories turn to 45 degrees so that every name stays."""

    fig.canvas.draw()
    for ax in fig.axes:
        for _ in range(3):
            labels = [t for t in ax.get_xticklabels() if t.get_visible() and t.get_text().strip()]
            boxes = sorted((t.get_window_extent() for t in labels), key=lambda b: b.x0)
            if not any(a.x1 > b.x0 - 3 for a, b in zip(boxes, boxes[1:], strict=False)):
                break
            if _named(ax.xaxis):
                for t in labels:
                    t.set_rotation(45)
                    t.set_ha("right")
                    t.set_rotation_mode("anchor")
                break
            limits = ax.get_xlim()
            lo, hi = sorted(limits)
            ax.set_xticks([t for t in ax.get_xticks() if lo <= t <= hi][::2])
            ax.set_xlim(limits)  # setting ticks may widen the axis to hold them
            fig.canvas.draw()


def narrow_layout(fig, width_in: float, thin_ticks: bool = True) -> None:
    """Lay an existing figure out again for a phone at ``width_in`` inches, its text the same size:
    a key beside the plot moves under it, titles wrap, panels go at most two across, and crowded tick
    labels are thinned (numbers, dates) or slanted (names). Used by :func:`figure_html` for a chart
    that has no narrow drawing of its own."""
    import textwrap


    for ax in fig.axes:
        leg = ax.get_legend()
        if leg is not None:
            anchor = leg.get_bbox_to_anchor().transformed(ax.transAxes.inverted())
            if anchor.x0 >= 0.99:  # a key to the right of the plot
                leg.set_bbox_to_anchor((0.0, -0.02), transform=ax.transAxes)
                leg.set_loc("upper left")
        # long names of categories beside a plot take its width: they wrap onto lines of 18 characters
        if _named(ax.yaxis):
            names = [t.get_text() for t in ax.get_yticklabels()]
            if max((len(n) for n in names), default=0) > 22:
                ax.set_yticks(ax.get_yticks(), [textwrap.fill(n, 18) for n in names])
    titled = [t for ax in fig.axes for t in (ax.title, ax._left_title) if t.get_text().strip()]  # noqa: SLF001
    if len(fig.axes) == 1 and len(titled) == 1 and not fig._suptitle:  # noqa: SLF001
        # one plot's title runs across the whole drawing, not only above the plot
        title = titled[0]
        fig.suptitle(title.get_text(), x=0.02, ha="left", fontsize=title.get_fontsize(),
                     fontweight=title.get_fontweight())
        title.set_text("")
    for t in _texts_and_collections(fig)[0]:  # any text that would run off the drawing wraps at its edge
        # (matplotlib measures the room from the unconverted position, so a text placed at a date cannot
        # wrap, and measures a text holding "$" as mathtext whatever its parse_math, so that one does not)
        if "$" not in t.get_text() and all(isinstance(v, int | float | np.number) for v in t.get_position()):
            t.set_wrap(True)
    for leg in [*fig.legends, *(ax.get_legend() for ax in fig.axes)]:
        if leg is not None and leg._ncols > 2:  # noqa: SLF001 - a key of many columns: two at most
            leg.set_ncols(2)
    height = _regrid(fig, width_in)
    fig.set_size_inches(width_in, height)
    fig.set_layout_engine("constrained")  # makes room for the wrapped titles and the keys
    from jsna.palette import literal_text

    literal_text(fig)  # the title and names written anew above draw as written too, never as mathtext
    if thin_ticks:
        _thin_crowded_ticks(fig)


def _fit_narrow(fig, width_in: float, tries: int = 4) -> None:
    """:func:`narrow_layout` at the width whose saved drawing (its tight box: titles, keys and labels
    that stick out of the figure included) is ``width_in`` wide."""
    target, size = width_in, width_in
    for _ in range(tries):
        narrow_layout(fig, size, thin_ticks=False)
        fig.canvas.draw()  # the constrained layout is made on drawing
        saved = fig.get_tightbbox(fig.canvas.get_renderer()).width + 0.2  # savefig's pad_inches, both sides
        if saved <= target * 1.01 or size < 0.7 * target:
            break
        size = max(size - (saved - target), 0.65 * target)
    _thin_crowded_ticks(fig)


def _render(fig, alt: str, fmt: str, collections) -> tuple[str, str, float, Any]:
    """The figure as inline SVG (or PNG when too large): (kind, body markup or '', width in CSS px,
    PNG buffer or None)."""
    import matplotlib.pyplot as plt

    body = ""
    if fmt == "svg" or (fmt == "auto" and not _svg_surely_too_large(collections)):
        buf = io.BytesIO()
        with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": "jsna"}):
            # no date in the metadata: the same figure must give the same bytes on every build
            fig.savefig(buf, format="svg", bbox_inches="tight", facecolor="white", metadata={"Date": None})
        # ids from the drawing itself (no counter, no random salt): the same figure gets the same ids
        # on every build, so identical inputs give identical reports; different figures get different ids
        digest = hashlib.sha1(buf.getvalue()).hexdigest()[:10]
        _SVG_SEEN[digest] = n_same = _SVG_SEEN.get(digest, 0) + 1  # the same drawing twice on a page
        prefix = f"f{digest}-" if n_same == 1 else f"f{digest}x{n_same}-"
        if fmt == "svg" or buf.tell() <= SVG_MAX_BYTES:
            body = _svg_markup(buf.getvalue(), alt, prefix)
            m = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', body)  # SVG viewBox is in pt
            width_px = float(m.group(1)) * CSS_PX_PER_PT if m else fig.get_figwidth() * 96
            return "svg", body, width_px, None
    from PIL import Image

    png = _png(fig)
    return "png", "", Image.open(io.BytesIO(png.getvalue())).size[0] * 96 / FIGURE_DPI, png


def _graphic(kind: str, body: str, png, alt: str, width_px: float, min_pt: float, tall: bool) -> str:
    """The <svg> or <img> of one rendering with its sizing: never so small that its smallest text
    falls below MIN_TEXT_PX CSS px (on a narrow screen it scrolls in its box instead)."""
    min_width = width_px * MIN_TEXT_PX / (min_pt * CSS_PX_PER_PT)
    # shown no larger than drawn (the text as designed, 9-10 pt): a chart does not fill several screens
    # at a desktop width, and the page keeps to its length budget; a chart much taller than wide (the
    # life course) at 80%, its smallest text still about 10 px
    largest = max(width_px * (0.8 if tall else 1.0), min_width)
    style = f"width:100%;max-width:{largest:.0f}px;min-width:{min_width:.0f}px;height:auto"
    attrs = (f'class="jsna-chart{" jsna-chart-tall" if tall else ""}" data-jsna-natural-px="{width_px:.1f}" '
             f'data-jsna-min-font-pt="{min_pt:.2f}" style="{style}"')
    if kind == "svg":
        return body.replace("<svg", f"<svg {attrs}", 1)
    b64 = base64.b64encode(png.getvalue()).decode("ascii")
    return f'<img src="data:image/png;base64,{b64}" alt="{esc(alt)}" {attrs}>'


def figure_html(fig, alt: str, description: str | Iterable[str] | None = None, caption: str | None = None,
                fmt: str = "auto", data: pd.DataFrame | None = None,
                data_meta: Mapping[str, object] | None = None, data_name: str | None = None,
                narrow: Any = None) -> str:
    """Render a matplotlib figure to a <figure> with alt text, a text description and a CSV link.

    ``fmt``: "auto" (inline SVG, text as text, unless it exceeds SVG_MAX_BYTES: then PNG at 2x),
    "svg" or "png". A figure whose smallest text would fall below MIN_TEXT_PX CSS px at a phone's
    width (PHONE_CHART_PX) gets a second, narrow drawing that the page shows on phones instead (a
    media query; print and wider screens show the first): ``narrow`` (or ``fig.jsna_narrow``, set by
    a chart builder) is that drawing, else :func:`narrow_layout` lays the figure out again; pass
    ``narrow=False`` for none. ``data``: the tidy data behind the chart (default: what
    :func:`attach_data` attached, else :func:`figure_data`), linked as "Download the data (CSV)"
    with ``data_meta`` (unit, period, source) as columns.
    """
    import matplotlib.pyplot as plt

    if not alt or not alt.strip():
        raise ValueError("figure_html: alt text is required for every figure")
    from jsna.palette import literal_text

    texts, collections = _texts_and_collections(fig)
    literal_text(fig, texts)  # "$5m and $6m" in a name draws as written, never as mathtext
    attached = getattr(fig, "jsna_data", None)
    if data is None and attached is not None:
        data, meta0 = attached
        data_meta = {**meta0, **(data_meta or {})}
    if data is None:
        data = figure_data(fig)
    if narrow is None:
        narrow = getattr(fig, "jsna_narrow", None)
    tall = fig.get_figheight() > 1.6 * fig.get_figwidth()
    kind, body, width_px, png = _render(fig, alt, fmt, collections)
    min_pt = _min_font_pt(texts) or 10.0  # after drawing: tick labels have no text before
    graphic = _graphic(kind, body, png, alt, width_px, min_pt, tall)
    phone_graphic = ""
    min_px_natural = min_pt * CSS_PX_PER_PT
    if narrow is not False and width_px * MIN_TEXT_PX / min_px_natural > PHONE_CHART_PX + 0.5:
        if narrow is None:  # the same figure laid out again at the width where its text is MIN_TEXT_PX
            _fit_narrow(fig, PHONE_CHART_PX * min_px_natural / MIN_TEXT_PX / 96)
            narrow = fig
        else:
            literal_text(narrow)
        n_texts, n_collections = _texts_and_collections(narrow)
        n_kind, n_body, n_width, n_png = _render(narrow, alt, fmt, n_collections)
        n_texts = _texts_and_collections(narrow)[0]  # the texts drawn (tick labels made by drawing)
        phone_graphic = _graphic(n_kind, n_body, n_png, alt, n_width, _min_font_pt(n_texts) or 10.0,
                                 tall=False)  # a phone drawing is shown at its full width
        if narrow is not fig:
            plt.close(narrow)
    plt.close(fig)
    label = caption or alt
    region = f'tabindex="0" role="region" aria-label="{esc("Chart: " + label[:120])}"'
    if phone_graphic:  # the page shows one of the two (jsna.css): the wide one on wider screens and paper
        parts = [f'<figure class="jsna-figure jsna-has-narrow"><div class="jsna-chart-wrap jsna-chart-wide" '
                 f'{region}>{graphic}</div><div class="jsna-chart-wrap jsna-chart-narrow" {region}>'
                 f"{phone_graphic}</div>"]
    else:
        parts = [f'<figure class="jsna-figure"><div class="jsna-chart-wrap" {region}>{graphic}</div>']
    if caption:
        parts.append(f"<figcaption>{esc(caption)}</figcaption>")
    parts.append("</figure>")
    if description:
        parts.append(description_html(description))
    if data is not None and len(data.columns):
        parts.append(csv_link_html(data, data_name or (caption or alt), data_meta))
    return "".join(parts)


def description_html(description: str | Iterable[str]) -> str:
    """A visible 'Text description' block (details/summary) for screen-reader and keyboard users.

    The block opens for printing (the stylesheet and script print every description)."""
    paras = [description] if isinstance(description, str) else list(description)
    body = "".join(f"<p>{esc(p)}</p>" for p in paras)
    return (f'<details class="jsna-description"><summary>Text description of this chart</summary>'
            f"{body}</details>")


def figure(fig, alt: str, description: str | Iterable[str] | None = None, caption: str | None = None,
           **kw) -> None:
    """Display a figure with alt text, caption, text description and CSV link (see :func:`figure_html`)."""
    _show(figure_html(fig, alt, description, caption, **kw))


def _is_year_column(col: object) -> bool:
    """Columns of calendar years (2019) keep their plain spelling, without a thousands separator."""
    return any(w in str(col).lower() for w in ("year", "period"))


#: what a table shows for a missing value, and its footnote under the table
MISSING_MARK = "\u2013"
MISSING_WORDS = "not available"
MISSING_FOOTNOTE = "means not available: there is no published value for this cell."

#: tables with more columns than this print on a landscape page (eight fit a portrait A4 page at 8 pt;
#: each landscape table costs a page break before and after it)
WIDE_TABLE_COLUMNS = 8


def table_html(df: pd.DataFrame, caption: str, index: bool = False, sortable: bool = True,
               number_format: dict[str, str] | None = None, data: pd.DataFrame | None = None,
               data_meta: Mapping[str, object] | None = None, csv: bool = True) -> str:
    """An accessible HTML table (caption, th scope, escaped cells); 'sortable' tables sort on header click.

    Numbers are shown with thousands separators (except in year/period columns) unless
    ``number_format`` gives a format for the column; a missing value is a dash (MISSING_MARK, read
    "not available" by screen readers) with a footnote under the table.
    Below the table, "Download the data (CSV)" holds ``data`` (default: the table itself, values
    unrounded) with ``data_meta`` (e.g. unit, period, source) as extra columns. On a phone each row
    is stacked as "column: value" lines (every cell carries its column name), so nothing is clipped.
    """
    fmt = number_format or {}
    data_shown = df.reset_index() if index else df
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in data_shown.columns)
    labels = [esc(c) for c in data_shown.columns]
    rows = []
    missing = False
    for rec in data_shown.itertuples(index=False, name=None):
        cells = []
        for lab, col, val in zip(labels, data_shown.columns, rec, strict=True):
            num = ""
            if isinstance(val, np.integer):  # a nullable Int64 column yields numpy integers
                val = int(val)
            if val is None or (isinstance(val, float) and pd.isna(val)) or val is pd.NA:
                shown, sort_key, missing = MISSING_MARK, "", True
            elif col in fmt and isinstance(val, int | float):
                shown, sort_key, num = format(val, fmt[col]), repr(float(val)), " data-num"
            elif isinstance(val, int | float) and not isinstance(val, bool) and not _is_year_column(col):
                shown, sort_key, num = f"{val:,}", repr(float(val)), " data-num"  # 11,569 not 11569
            else:
                shown = str(val)
                sort_key = repr(float(val)) if isinstance(val, int | float) else shown
            # the sort key only where it differs from the text shown (the script sorts by the text
            # otherwise): a list of a county's 900 areas would carry every name twice
            key = "" if sort_key == shown else f' data-sort="{esc(sort_key)}"'
            text = (f'<abbr title="{MISSING_WORDS}">{MISSING_MARK}</abbr>' if shown == MISSING_MARK and sort_key == ""
                    else esc(shown))
            cells.append(f'<td data-label="{lab}"{key}{num}>{text}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    cls = ["jsna-table"]
    if sortable:
        cls.append("sortable")
    ncol = len(data_shown.columns)
    if ncol > 3:
        cls.append("jsna-table-stack")
    wrap_cls = "jsna-table-wrap jsna-table-wide" if ncol > WIDE_TABLE_COLUMNS else "jsna-table-wrap"
    out = (f'<div class="{wrap_cls}" tabindex="0" role="region" aria-label="{esc(caption)}">'
           f'<table class="{" ".join(cls)}"><caption>{esc(caption)}</caption><thead><tr>{head}</tr></thead>'
           f"<tbody>{''.join(rows)}</tbody></table></div>")
    if missing:
        out += f'<p class="jsna-table-note">{MISSING_MARK} {MISSING_FOOTNOTE}</p>'
    if csv:
        out += csv_link_html(data if data is not None else data_shown, caption, data_meta)
    return out


def long_list_html(df: pd.DataFrame, caption: str, summary: str, css_class: str = "",
                   data: pd.DataFrame | None = None, data_meta: Mapping[str, object] | None = None,
                   **kw) -> str:
    """A long list (every LSOA on a map, every area that moved) as a searchable table folded into a
    ``<details>``: closed on screen, a filter box above the rows (the page's script, offline), its CSV
    link outside the fold (one click away), and left out of print, where one line says where it is.

    ``caption`` and ``**kw`` go to :func:`table_html`; ``css_class`` is added to the container."""
    n = len(df)
    fid = "jsna-filter-" + hashlib.sha1(caption.encode("utf-8")).hexdigest()[:10]
    cls = " ".join(c for c in ("jsna-long-list", css_class) if c)
    return (f'<div class="{esc(cls)}">'
            + csv_link_html(data if data is not None else df, caption, data_meta,
                            label="Download the full list (CSV)")
            + f'<details class="jsna-long-list-body"><summary>{esc(summary)}</summary>'
            f'<p class="jsna-filter"><label for="{fid}">Show only rows containing</label> '
            f'<input type="search" id="{fid}" data-jsna-filter autocomplete="off"> '
            f'<span class="jsna-filter-count" aria-live="polite"></span></p>'
            + table_html(df, caption, csv=False, **kw) + "</details></div>"
            f'<p class="jsna-print-only">The list of all {n:,} rows ({esc(caption)}) is in the HTML version '
            "of this report, with its CSV.</p>")


def long_list(df: pd.DataFrame, caption: str, summary: str, **kw) -> None:
    """Display a long list as a folded, searchable table (see :func:`long_list_html`)."""
    _show(long_list_html(df, caption, summary, **kw))


def table(df: pd.DataFrame, caption: str, **kw) -> None:
    """Display an accessible HTML table with its CSV link (see :func:`table_html`)."""
    _show(table_html(df, caption, **kw))


def note(text: str, kind: str = "info") -> None:
    """A highlighted note (kind: info, warning, na) – e.g. for 'not available' explanations."""
    _show(note_html(text, kind))


def paragraphs(texts: str | Iterable[str]) -> None:
    """Display generated sentences as escaped paragraphs."""
    _show(paragraphs_html(texts))


def heading(text: str, level: int = 2) -> None:
    """A heading built from data (escaped)."""
    _show(f"<h{level}>{esc(text)}</h{level}>")


def note_html(text: str, kind: str = "info") -> str:
    """The markup of :func:`note`."""
    return f'<div class="jsna-note jsna-note-{esc(kind)}" role="note">{esc(text)}</div>'


def paragraphs_html(texts: str | Iterable[str]) -> str:
    """The markup of :func:`paragraphs`."""
    items = [texts] if isinstance(texts, str) else list(texts)
    return "".join(f"<p>{esc(t)}</p>" for t in items)


def link_html(href: str, text: str, before: str = "", after: str = "") -> str:
    """One paragraph holding a link to another report of the series (``href`` relative to this
    report, e.g. 'equity_dashboard.html' for the same Place or '../leicester/two_babies.html'),
    with escaped text before and after it."""
    return f'<p class="jsna-see-also">{esc(before)}<a href="{esc(href)}">{esc(text)}</a>{esc(after)}</p>'


def see_also(href: str, text: str, before: str = "", after: str = "") -> None:
    """Display a paragraph linking to another report of the series (see :func:`link_html`)."""
    _show(link_html(href, text, before, after))


#: the title of the series' methods-and-sources appendix
APPENDIX_TITLE = "Methods and sources"
APPENDIX_SUMMARY = "How each figure was made, and the sources used with their checksums (select to open)"


def appendix_html(parts: str | Iterable[str], title: str = APPENDIX_TITLE,
                  summary: str = APPENDIX_SUMMARY) -> str:
    """One collapsible appendix: a ``<details class="jsna-appendix">`` whose ``<summary>`` holds
    the level-2 heading ``title`` (so the contents list names it) and a one-line ``summary``.

    ``parts`` is markup from the ``*_html`` helpers (tables, notes, paragraphs, About the data).
    Closed on screen, so that the reader meets the findings first; it needs no JavaScript to open
    (a plain ``<details>``), and it prints open: the print stylesheet shows its contents and the PDF
    printer opens every ``<details>``. Headings inside should be level 3 or below.
    """
    body = parts if isinstance(parts, str) else "".join(parts)
    return (f'<details class="jsna-appendix"><summary><h2>{esc(title)}</h2>'
            f'<span class="jsna-appendix-hint">{esc(summary)}</span></summary>'
            f'<div class="jsna-appendix-body">{body}</div></details>')


class appendix:  # noqa: N801 - used as ``with report.appendix():``, like a function
    """Collect what the display helpers show inside a ``with`` block into one collapsible
    "Methods and sources" appendix (:func:`appendix_html`), shown when the block ends.

    Use it in the last code cell of a topic notebook, so that methods, data notes and sources
    come after the findings, folded away on screen and printed open::

        with report.appendix():
            report.table(compute.methods_table(table), caption="How each indicator was computed")
            report.paragraphs(reliability.rule_text())
            report.about_the_data(level=3, data_dir=data_dir)

    Every helper that displays markup (``table``, ``figure``, ``note``, ``paragraphs``,
    ``heading``, ``see_also``, ``about_the_data``...) is collected; :func:`headline` records are
    not markup and still go to the cell's output. Use heading level 3 inside. Any topic can adopt
    it (covid_impact and deprivation do not yet).
    """

    def __init__(self, title: str = APPENDIX_TITLE, summary: str = APPENDIX_SUMMARY) -> None:
        self.title, self.summary = title, summary
        self.parts: list[str] = []

    def __enter__(self) -> appendix:
        _COLLECTING.append(self.parts)
        return self

    def __exit__(self, *exc) -> None:
        _COLLECTING[:] = [b for b in _COLLECTING if b is not self.parts]
        if self.parts:
            _show(appendix_html(self.parts, self.title, self.summary))


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


def about_the_data_html(source_ids: Iterable[str] | None = None, heading_text: str = "About the data",
                        level: int = 2, catalogue_dir=None, data_dir=None) -> str:
    """The closing "About the data" section, written from the catalogue entries used.

    For each source: title, publisher, period, licence, attribution, notes (caveats), the
    official URL and its provenance: the sha256 of the file read from ``data_dir`` (default
    data/raw; shortened) and the date it was fetched or copied (data_dir/MANIFEST). The section
    carries ``data-jsna-sources`` so the runner can put the same attributions in the page footer
    and the index. ``source_ids`` defaults to the report's record of reads (:mod:`jsna.reads`): every
    catalogued source it has read so far, so call it last. An unknown source id raises the
    catalogue's error (which lists the valid ids).
    """
    from jsna.catalogue import get_source, in_catalogue_order
    from jsna.reads import recorded
    from jsna.runner.provenance import describe_input, input_records

    ids = list(dict.fromkeys(recorded() if source_ids is None else source_ids))
    if source_ids is None:  # the same order whatever order the report read them in
        ids = in_catalogue_order(ids, catalogue_dir)
    if not ids:
        raise ValueError("about_the_data: the report has read no catalogued source (nothing to describe)")
    sources = [get_source(s, catalogue_dir) for s in ids]
    prov = {r["id"]: r for r in input_records(ids, data_dir, catalogue_dir=catalogue_dir)}
    items = []
    for s in sources:
        facts = [f"Published by {s.publisher}."]
        if s.period:
            facts.append(f"Period: {period_in_words(s.period)}.")
        facts.append(f"Licence: {s.licence}.")
        parts = [f"<dt>{esc(s.title)}</dt>", "<dd>", f"<p>{esc(' '.join(facts))}</p>"]
        if s.caveats:  # the analysts' notes stay in the catalogue
            parts.append(f"<p>Caveats: {esc(' '.join(str(s.caveats).split()))}</p>")
        if s.attribution:
            parts.append(f"<p>{esc(s.attribution)}</p>")
        parts.append(f'<p>Source: <a href="{esc(s.url)}">{esc(s.url)}</a></p>')
        parts.append(f'<p class="jsna-provenance">{esc(describe_input(prov[s.id]))}</p>')
        parts.append("</dd>")
        items.append("".join(parts))
    return (f'<section class="jsna-about" data-jsna-sources="{esc(" ".join(s.id for s in sources))}">'
            f"<h{level}>{esc(heading_text)}</h{level}><dl>{''.join(items)}</dl></section>")


def about_the_data(source_ids: Iterable[str] | None = None, heading_text: str = "About the data",
                   level: int = 2, data_dir=None) -> None:
    """Display the "About the data" section for the catalogue sources the report read (its record
    of reads unless ``source_ids`` are given; pass the notebook's ``data_dir`` so that the checksums
    are those of the files it read)."""
    _show(about_the_data_html(source_ids, heading_text, level, data_dir=data_dir))


HEADLINE_MIME = "application/vnd.jsna.headline+json"


#: what a front-door headline shows: a gap within the Place, a size, a trend, a comparison
HEADLINE_KINDS = ("gap", "size", "trend", "comparator")
#: the direction words a front-door headline may carry, each with its symbol (symbol AND word, never colour
#: alone): against England (jsna.palette.SIGNIFICANCE), higher/lower where no side is better, a trend's way
HEADLINE_DIRECTIONS = {"better": "▲", "similar": "●", "worse": "▼", "not compared": "■", "higher": "△",
                       "lower": "▽", "getting better": "↗", "getting worse": "↘", "no clear change": "→"}


def headline_record(id: str, value: object, unit: str, period: str, label: str,  # noqa: A002
                    decimals: int = 1, kind: str | None = None, direction: str | None = None,
                    compared_with: str | None = None, section: str | None = None, rank: int | None = None) -> dict:
    """The JSON record of one headline figure (see :func:`headline`). ``text`` is the value as
    published (rounded to ``decimals``); a missing or non-finite value reads "not available".

    A figure for the Place's front door also gives ``kind`` (one of :data:`HEADLINE_KINDS`), its
    ``direction`` (a word of :data:`HEADLINE_DIRECTIONS`: the verdict the report itself shows, never a
    second test), ``compared_with`` (e.g. "England", "the least deprived fifth"), optionally the
    ``section`` (an id in the report) that explains it, and ``rank`` (lower comes first on the front door)."""
    import math
    import numbers

    if kind is not None and kind not in HEADLINE_KINDS:
        raise ValueError(f"headline {id!r}: kind must be one of {HEADLINE_KINDS}, got {kind!r}")
    if direction is not None and direction not in HEADLINE_DIRECTIONS:
        raise ValueError(f"headline {id!r}: direction must be one of {sorted(HEADLINE_DIRECTIONS)}, got {direction!r}")
    if kind is not None and direction is None:
        raise ValueError(f"headline {id!r}: a front-door figure (kind {kind!r}) needs its direction word")

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
    rec = {"id": id, "label": str(label), "value": num, "text": text, "unit": str(unit or ""),
           "period": str(period)}
    if kind is not None:
        rec.update(kind=kind, direction=direction, symbol=HEADLINE_DIRECTIONS[direction],
                   compared_with=str(compared_with or ""), section=str(section or ""),
                   rank=999 if rank is None else int(rank))
    return rec


def headline(id: str, value: object, unit: str, period: str, label: str,  # noqa: A002
             decimals: int = 1, **front_door) -> None:
    """Declare one headline figure of the report (a number in its summary box or key findings).

    Shows nothing: the record (:func:`headline_record`) goes into the cell's output as
    ``application/vnd.jsna.headline+json``; the runner stores it with the published report and
    lists it in the index's "Changed since" section when it moves. ``id`` must be stable across
    builds (the figure is compared by id); ``unit`` e.g. '%', 'per 100,000', 'people', 'score'.
    ``front_door``: kind, direction, compared_with, section, rank (:func:`headline_record`): the
    figure is then a candidate for the Place's front door (jsna.runner.frontdoor).
    """
    from IPython.display import display

    display({HEADLINE_MIME: headline_record(id, value, unit, period, label, decimals, **front_door)}, raw=True)
