"""Reader-facing checks of one HTML file in headless Chromium. Each returns a list of problems."""

from __future__ import annotations

from pathlib import Path

LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")


def open_page(browser, path: Path, width: int = 1280, height: int = 900):
    """Open a file; return (context, page, problems-seen-while-loading)."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    seen: list[str] = []

    def on_console(msg):
        if msg.type == "error":
            seen.append(f"console error: {msg.text}")

    def on_request(req):
        if not req.url.startswith(LOCAL_SCHEMES):
            seen.append(f"request to non-file URL: {req.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: seen.append(f"uncaught script error: {exc}"))
    page.on("request", on_request)
    page.on("requestfailed", lambda req: seen.append(f"failed resource: {req.url} ({req.failure})"))
    # Anything not local is blocked, so a mistake never reaches the network.
    page.route("**/*", lambda route: route.continue_()
               if route.request.url.startswith(LOCAL_SCHEMES) else route.abort())
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_timeout(300)
    return context, page, seen


def load_problems(browser, path: Path, screenshot: Path | None = None) -> list[str]:
    """Console errors, failed resources and non-file requests; optionally save a screenshot."""
    context, page, seen = open_page(browser, path)
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot))
    context.close()
    return seen


def text_alternative_problems(browser, path: Path) -> list[str]:
    """Images without alt text, iframes without a title, figures with no text alternative."""
    context, page, _ = open_page(browser, path)
    out = []
    for img in page.query_selector_all("img"):
        alt = (img.get_attribute("alt") or "").strip()
        hidden = img.get_attribute("aria-hidden") == "true" or img.get_attribute("role") == "presentation"
        if not alt and not hidden:
            out.append(f"<img src={(img.get_attribute('src') or '')[:60]!r}> has no alt text")
    for iframe in page.query_selector_all("iframe"):
        if not (iframe.get_attribute("title") or "").strip():
            out.append("<iframe> without a title")
    for fig in page.query_selector_all("figure"):
        described = fig.evaluate(
            "f => !!(f.querySelector('figcaption,[alt],[aria-label]') ||"
            " (f.nextElementSibling && f.nextElementSibling.classList.contains('jsna-description')))")
        if not described:
            out.append("<figure> without caption, alt text or text description")
    context.close()
    return out


def heading_problems(browser, path: Path) -> list[str]:
    """Exactly one h1, first; no level skipped going down."""
    context, page, _ = open_page(browser, path)
    levels = page.eval_on_selector_all("h1,h2,h3,h4,h5,h6", "els => els.map(e => +e.tagName[1])")
    context.close()
    out = []
    if not levels or levels[0] != 1 or levels.count(1) != 1:
        out.append(f"expected exactly one <h1>, first; got levels {levels[:12]}")
    for prev, cur in zip(levels, levels[1:], strict=False):
        if cur > prev + 1:
            out.append(f"heading jumps from h{prev} to h{cur}")
            break
    return out


def narrow_screen_problems(browser, path: Path, width: int = 375) -> list[str]:
    """The body must not scroll horizontally on a phone-width screen."""
    context, page, _ = open_page(browser, path, width=width, height=800)
    scroll_w = page.evaluate("document.documentElement.scrollWidth")
    client_w = page.evaluate("document.documentElement.clientWidth")
    out = []
    if scroll_w > client_w + 1:
        wide = page.evaluate(
            """() => [...document.body.querySelectorAll('*')]
              .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
              .slice(0, 3).map(e => e.tagName + '.' + e.className)""")
        out.append(f"body scrolls horizontally at {width}px ({scroll_w} > {client_w}): {wide}")
    context.close()
    return out


def axe_problems(browser, path: Path, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """axe-core violations of the given impact levels."""
    from axe_playwright_python.sync_playwright import Axe

    context, page, _ = open_page(browser, path)
    results = Axe().run(page)
    context.close()
    return [f"axe {v['id']} ({v['impact']}): {v['help']} at {[n.get('target') for n in v['nodes'][:3]]}"
            for v in results.response["violations"] if v.get("impact") in impacts]


ALL_CHECKS = {
    "loads offline without errors": load_problems,
    "text alternatives": text_alternative_problems,
    "heading order": heading_problems,
    "375px width": narrow_screen_problems,
    "axe serious/critical": axe_problems,
}


# --------------------------------------------------------------------------------------------
# Issue 13: phone, legible charts, skip links, CSV links, print
# --------------------------------------------------------------------------------------------

MIN_CHART_TEXT_PX = 8.9  # "about 9 CSS px"


def page_scroll_problems(browser, path: Path, width: int) -> list[str]:
    """No horizontal page scroll at ``width`` and no table value clipped by its box or the screen."""
    context, page, _ = open_page(browser, path, width=width, height=900)
    out = []
    scroll_w = page.evaluate("document.documentElement.scrollWidth")
    client_w = page.evaluate("document.documentElement.clientWidth")
    if scroll_w > client_w + 1:
        out.append(f"page scrolls horizontally at {width}px ({scroll_w} > {client_w})")
    clipped = page.evaluate(
        """() => {
          const vw = document.documentElement.clientWidth, bad = [];
          for (const td of document.querySelectorAll('table.jsna-table td, table.jsna-table th')) {
            const r = td.getBoundingClientRect();
            if (!r.width) continue;
            const head = td.closest('thead');
            if (head && head.getBoundingClientRect().width <= 1) continue;  // visually hidden (stacked rows)
            const wrap = td.closest('.jsna-table-wrap');
            const box = wrap ? wrap.getBoundingClientRect() : {left: 0, right: vw};
            const scrolls = wrap && wrap.scrollWidth > wrap.clientWidth + 1;
            if (td.scrollWidth > td.clientWidth + 1 || r.right > vw + 1 || (scrolls && r.right > box.right + 1))
              bad.push((td.dataset.label || td.tagName) + ': ' + td.textContent.trim().slice(0, 30));
          }
          return bad.slice(0, 5);
        }""")
    if clipped:
        out.append(f"table values clipped at {width}px: {clipped}")
    context.close()
    return out


def chart_text_problems(browser, path: Path, width: int) -> list[str]:
    """Every chart's smallest text is at least ~9 CSS px as shown at ``width`` (SVG text measured)."""
    context, page, _ = open_page(browser, path, width=width, height=900)
    found = page.evaluate(
        """() => [...document.querySelectorAll('.jsna-chart')].filter(el => el.getBoundingClientRect().width)
          .map(el => {  // a chart with a phone drawing: only the drawing shown at this width is measured
          const w = el.getBoundingClientRect().width;
          const natural = +el.dataset.jsnaNaturalPx, pt = +el.dataset.jsnaMinFontPt;
          let svgMin = null;
          if (el.tagName.toLowerCase() === 'svg') {
            const vb = el.viewBox.baseVal, scale = w / vb.width;
            for (const t of el.querySelectorAll('text')) {
              if (!t.textContent.trim()) continue;
              const fs = parseFloat(getComputedStyle(t).fontSize);
              const px = fs * scale;
              if (svgMin === null || px < svgMin) svgMin = px;
            }
          }
          return {label: (el.getAttribute('aria-label') || el.getAttribute('alt') || '').slice(0, 60),
                  px: pt * 96 / 72 * w / natural, svgMin: svgMin};
        })""")
    context.close()
    out = []
    for f in found:
        smallest = min(v for v in (f["px"], f["svgMin"]) if v is not None)
        if smallest < MIN_CHART_TEXT_PX:
            out.append(f"chart text {smallest:.1f}px at {width}px: {f['label']!r}")
    return out


def skip_link_problems(browser, path: Path) -> list[str]:
    """Each interactive map has a skip link before it whose target comes after it."""
    context, page, _ = open_page(browser, path)
    out = page.evaluate(
        """() => [...document.querySelectorAll('iframe.jsna-map')].flatMap((frame, i) => {
          const links = [...document.querySelectorAll('a.jsna-map-skip')].filter(a =>
            a.compareDocumentPosition(frame) & Node.DOCUMENT_POSITION_FOLLOWING);
          const a = links[links.length - 1];
          if (!a) return ['map ' + (i + 1) + ' has no skip link before it'];
          const target = document.getElementById(a.getAttribute('href').slice(1));
          if (!target || !(frame.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_FOLLOWING))
            return ['map ' + (i + 1) + ': skip link target is not after the map'];
          return [];
        })""")
    context.close()
    return out


def csv_links(browser, path: Path) -> list[dict]:
    """Every chart and table with the CSV text of its "Download the data" link and, for tables, the
    cells shown (header + rows)."""
    context, page, _ = open_page(browser, path)
    items = page.evaluate(
        """() => {
          const link = el => { let n = el.nextElementSibling;
            while (n && !n.classList.contains('jsna-data-link')) {
              if (n.matches('figure, .jsna-table-wrap, h1, h2, h3')) return null; n = n.nextElementSibling; }
            const a = n && n.querySelector('a[href^="data:text/csv"]'); return a ? a.href : null; };
          const out = [];
          for (const f of document.querySelectorAll('figure.jsna-figure:not(.jsna-map-figure)'))
            out.push({kind: 'chart', label: (f.querySelector('[aria-label],[alt]') || f).getAttribute('aria-label')
                      || '', href: link(f)});
          for (const w of document.querySelectorAll('.jsna-table-wrap')) {
            const t = w.querySelector('table'), box = w.closest('.jsna-long-list');
            // a long list's CSV link sits outside its fold, first in its box
            const own = box && box.querySelector(':scope > .jsna-data-link a[href^="data:text/csv"]');
            out.push({kind: 'table', label: t.caption ? t.caption.textContent : '',
                      href: box ? (own ? own.href : null) : link(w),
                      head: [...t.tHead.rows[0].cells].map(c => c.textContent.trim()),
                      rows: [...t.tBodies[0].rows].map(r => [...r.cells].map(c => c.textContent.trim()))});
          }
          return out;
        }""")
    context.close()
    import base64
    import urllib.parse

    for it in items:
        href = it.pop("href")
        if href is None:
            it["csv"] = None
            continue
        meta, _, payload = href.partition(",")
        raw = base64.b64decode(payload) if meta.endswith(";base64") else urllib.parse.unquote_to_bytes(payload)
        it["csv"] = raw.decode("utf-8-sig")
    return items


def _num(text: str) -> float | None:
    t = text.replace(",", "").replace("%", "").strip()
    try:
        return float(t)
    except ValueError:
        return None


def csv_problems(browser, path: Path) -> list[str]:
    """Each chart and table has a CSV link that parses; a table's CSV gives back every number shown."""
    import io
    import math

    import pandas as pd

    out = []
    for it in csv_links(browser, path):
        if it["csv"] is None:
            out.append(f"{it['kind']} without a CSV link: {it['label'][:60]!r}")
            continue
        try:
            df = pd.read_csv(io.StringIO(it["csv"]), dtype=str, keep_default_na=False)
        except Exception as exc:  # noqa: BLE001
            out.append(f"CSV of {it['label'][:60]!r} does not parse: {exc}")
            continue
        if it["kind"] != "table":
            continue
        if len(df) != len(it["rows"]):
            out.append(f"CSV of table {it['label'][:60]!r} has {len(df)} rows, table {len(it['rows'])}")
            continue
        for col_i, col in enumerate(it["head"]):
            if col not in df.columns:
                out.append(f"CSV of table {it['label'][:60]!r} lacks column {col!r}")
                break
            for row_i, row in enumerate(it["rows"]):
                shown, raw = row[col_i], df[col].iloc[row_i]
                a, b = _num(shown), _num(raw)
                if a is None or b is None:
                    continue
                dp = len(shown.split(".")[1].rstrip("%")) if "." in shown else 0
                if not math.isclose(round(b, dp), a, abs_tol=10 ** -dp * 0.51):
                    out.append(f"table {it['label'][:40]!r} column {col!r} row {row_i}: shows {shown}, CSV {raw}")
                    break
    return out


def pdf_text(pdf: Path) -> str:
    """The text of a PDF (poppler's pdftotext), whitespace removed and NFKC-normalised for matching."""
    import re
    import subprocess
    import unicodedata

    # -raw: text in drawing order, so a wrapped table header is not interleaved with its neighbours
    txt = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                         check=True, timeout=120).stdout
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", txt))


def pdf_problems(browser, html_file: Path) -> list[str]:
    """The PDF beside a report holds every table's last column header and every text description."""
    import re
    import unicodedata

    pdf = html_file.with_suffix(".pdf")
    if not pdf.exists():
        return [f"no PDF beside {html_file.name}"]
    text = pdf_text(pdf)
    context, page, _ = open_page(browser, html_file)
    title = re.sub(r"\s+", "", unicodedata.normalize("NFKC", page.title()))
    # the page footer (title, "Page n of m") is drawn amid text that runs across a page break
    text = re.sub(re.escape(title) + r"Page\d+of\d+", "", text)
    wanted = page.evaluate(
        """() => ({heads: [...document.querySelectorAll('.jsna-table-wrap:not(.jsna-long-list *) table')]
                    .map(t => { const c = t.tHead.rows[0].cells; return c[c.length - 1].textContent.trim(); }),
                  descs: [...document.querySelectorAll('details.jsna-description p')].map(p => p.textContent.trim())})""")
    context.close()

    def norm(s: str) -> str:
        return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))

    out = [f"PDF lacks last column header {h!r}" for h in wanted["heads"] if norm(h) not in text]
    out += [f"PDF lacks text description {d[:70]!r}..." for d in wanted["descs"] if norm(d) not in text]
    return out


# --------------------------------------------------------------------------------------------
# Issue 25: desk, phone and paper
# --------------------------------------------------------------------------------------------

#: page-length budgets at 1280 px (issue 25): a Place's report, and an overview of a group of Places
DESKTOP_HEIGHT_PX = {"upper_tier": 15_000, "group": 25_000}
#: printed A4 pages (issue 25), the long lists left out
PRINT_PAGES = {"upper_tier": 12, "group": 20}
PHONE_WIDTH = 375
#: at or below this width tables stack as cards (jsna.css: max-width 40rem)
PHONE_BREAKPOINT_PX = 640


def table_layout_problems(browser, path: Path, width: int) -> list[str]:
    """Tables are real tables above the phone breakpoint and cards below it; a sortable table (and every
    table whose caption says "sortable") shows its sort controls at every width."""
    context, page, _ = open_page(browser, path, width=width, height=900)
    found = page.evaluate(
        """() => [...document.querySelectorAll('table.jsna-table')].filter(t => !t.closest('details:not([open])'))
          .map(t => ({caption: t.caption ? t.caption.textContent.trim() : '',
                      display: getComputedStyle(t).display, sortable: t.classList.contains('sortable'),
                      buttons: [...t.querySelectorAll('thead th button')].filter(b => {
                        const r = b.getBoundingClientRect(); return r.width > 1 && r.height > 1; }).length,
                      columns: t.tHead ? t.tHead.rows[0].cells.length : 0}))""")
    context.close()
    out = []
    for t in found:
        cards = t["display"] != "table"
        if width > PHONE_BREAKPOINT_PX and cards:
            out.append(f"table shown as cards at {width}px: {t['caption'][:60]!r}")
        says_sortable = "sortable" in t["caption"].lower()
        if says_sortable and not t["sortable"]:
            out.append(f"caption says sortable but the table is not: {t['caption'][:60]!r}")
        if (t["sortable"] or says_sortable) and t["buttons"] < t["columns"]:
            out.append(f"{t['buttons']} of {t['columns']} sort controls visible at {width}px: {t['caption'][:60]!r}")
    return out


def page_height(browser, path: Path, width: int = 1280) -> int:
    """The height of the page at ``width`` px, in CSS px."""
    context, page, _ = open_page(browser, path, width=width, height=900)
    height = page.evaluate("document.documentElement.scrollHeight")
    context.close()
    return int(height)


def chart_fit_problems(browser, path: Path, width: int = PHONE_WIDTH) -> list[str]:
    """Every chart and map shown at ``width`` fits its box (no sideways scroll) and its smallest text is
    rendered at 9 CSS px or more (each SVG text's computed size times the drawing's scale; a PNG by the
    smallest font size it was drawn with)."""
    context, page, _ = open_page(browser, path, width=width, height=900)
    found = page.evaluate(
        """() => [...document.querySelectorAll('.jsna-chart-wrap')].map(wrap => {
          const el = wrap.querySelector('.jsna-chart'), r = el.getBoundingClientRect();
          if (!r.width) return null;  // not shown at this width (the other drawing of the chart is)
          let smallest = +el.dataset.jsnaMinFontPt * 96 / 72 * r.width / +el.dataset.jsnaNaturalPx;
          if (el.tagName.toLowerCase() === 'svg') {
            const scale = r.width / el.viewBox.baseVal.width;
            for (const t of el.querySelectorAll('text')) {
              if (!t.textContent.trim() || !t.getBoundingClientRect().width) continue;
              smallest = Math.min(smallest, parseFloat(getComputedStyle(t).fontSize) * scale);
            }
          }
          return {label: (wrap.getAttribute('aria-label') || '').slice(0, 70), scroll: wrap.scrollWidth,
                  client: wrap.clientWidth, px: smallest};
        }).filter(Boolean)""")
    context.close()
    out = []
    for f in found:
        if f["scroll"] > f["client"] + 1:
            out.append(f"chart scrolls sideways at {width}px ({f['client'] / f['scroll']:.0%} visible): {f['label']!r}")
        if f["px"] < MIN_CHART_TEXT_PX:
            out.append(f"chart text {f['px']:.1f}px at {width}px: {f['label']!r}")
    return out


def long_list_problems(browser, path: Path) -> list[str]:
    """Each long list is folded on screen with its CSV link outside the fold, its filter box narrows the
    rows to those holding the words typed, and it is left out of print."""
    context, page, _ = open_page(browser, path)
    lists = page.query_selector_all(".jsna-long-list")
    out = []
    for i, box in enumerate(lists, 1):
        state = box.evaluate(
            """b => ({open: b.querySelector('details').open,
                      csv: !!b.querySelector(':scope > .jsna-data-link a[href^="data:text/csv"]'),
                      rows: b.querySelector('tbody').rows.length,
                      first: b.querySelector('tbody tr td').textContent.trim()})""")
        if state["open"]:
            out.append(f"long list {i} is open on screen")
        if not state["csv"]:
            out.append(f"long list {i} has no CSV link outside its fold")
        box.query_selector("summary").click()
        box.query_selector("input[data-jsna-filter]").fill(state["first"])
        shown = box.evaluate("b => [...b.querySelector('tbody').rows].filter(r => r.offsetParent !== null).length")
        if not 1 <= shown < state["rows"] and state["rows"] > 1:
            out.append(f"long list {i}: filtering for {state['first']!r} shows {shown} of {state['rows']} rows")
    page.emulate_media(media="print")
    printed = page.evaluate("() => [...document.querySelectorAll('.jsna-long-list')].filter(b => b.offsetParent !== null).length")
    if printed:
        out.append(f"{printed} long list(s) would be printed")
    context.close()
    return out


def pdf_pages(pdf: Path, out_dir: Path, dpi: int = 30) -> list[Path]:
    """The PDF rasterised page by page (poppler's pdftoppm): one PNG per page, in order."""
    import subprocess

    out_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(out_dir / "page")], check=True,
                   capture_output=True, timeout=300)
    return sorted(out_dir.glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def pdf_page_text(pdf: Path, page_no: int) -> str:
    """The text of one page of a PDF (pdftotext), whitespace removed and NFKC-normalised."""
    import re
    import subprocess
    import unicodedata

    txt = subprocess.run(["pdftotext", "-f", str(page_no), "-l", str(page_no), "-enc", "UTF-8", str(pdf), "-"],
                         capture_output=True, text=True, check=True, timeout=120).stdout
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", txt))


def first_findings(browser, html_file: Path) -> list[str]:
    """The heading and first sentence of the report's first key-findings box."""
    context, page, _ = open_page(browser, html_file)
    found = page.evaluate(
        """() => { const box = document.querySelector('main .jsna-summary');
          return box ? [box.querySelector('h2').textContent.trim(), box.querySelector('li').textContent.trim()] : []; }""")
    context.close()
    return found
