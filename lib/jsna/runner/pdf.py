"""A PDF beside each published report, printed by headless Chromium through Playwright.

The PDF is the report's print stylesheet rendered to A4: text descriptions open, tables whole
(wide tables on landscape pages), the interactive maps left out in favour of the print maps.
Pages are numbered in the footer. Nothing is fetched from the network (every non-local request is
blocked), so the PDF shows what the offline HTML shows.

When Chromium or Playwright is missing the step is skipped with one clear warning: the HTML
reports are complete without it, so a missing PDF never fails a report.
"""

from __future__ import annotations

import os
import secrets
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions",
]
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")
FOOTER = ('<div style="font-size:8px;width:100%;padding:0 12mm;color:#444;display:flex;'
          'justify-content:space-between"><span class="title"></span>'
          '<span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>')


@dataclass
class PdfOutcome:
    """What the PDF step did: files written, failures, and why it was skipped (if it was)."""

    written: list[Path] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    skipped: str | None = None
    seconds: float = 0.0

    def warnings(self) -> list[str]:
        out = [f"PDF step skipped: {self.skipped}; the HTML reports are complete"] if self.skipped else []
        return out + [f"PDF not written: {f}" for f in self.failures]


def chromium_executable() -> str | None:
    """Debian's chromium (or the path in JSNA_CHROMIUM)."""
    env = os.environ.get("JSNA_CHROMIUM")
    if env and Path(env).exists():
        return env
    return shutil.which("chromium") or shutil.which("chromium-browser")


def pdf_path(html_file: Path) -> Path:
    """The PDF beside a report: reports/<place>/<topic>.pdf."""
    return Path(html_file).with_suffix(".pdf")


def print_page(page, html_file: Path, out: Path, timeout_ms: int = 180_000) -> None:
    """Print one report (already opened or not) to ``out`` atomically."""
    page.goto(Path(html_file).resolve().as_uri(), wait_until="load", timeout=timeout_ms)
    page.emulate_media(media="print")
    page.evaluate("() => { if (window.jsnaOpenForPrint) { window.jsnaOpenForPrint(); }"
                  " document.querySelectorAll('details').forEach(d => { d.open = true; }); }")
    # links to the other published files would print as file:// URIs holding the build
    # machine's path: keep their text (the print stylesheet shows it), drop the link itself
    page.evaluate("() => document.querySelectorAll('a[href]').forEach(a => {"
                  " const h = a.getAttribute('href');"
                  " if (a.protocol === 'file:' && !h.startsWith('#')) { a.removeAttribute('href'); } })")
    tmp = out.with_name(f".{out.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        page.pdf(path=str(tmp), format="A4", print_background=True, prefer_css_page_size=True,
                 display_header_footer=True, header_template="<span></span>", footer_template=FOOTER,
                 margin={"top": "14mm", "bottom": "16mm", "left": "12mm", "right": "12mm"})
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_pdfs(html_files: Iterable[Path], timeout_ms: int = 180_000) -> PdfOutcome:
    """Write ``<topic>.pdf`` beside each given report with one headless Chromium."""
    files = [Path(f) for f in html_files]
    outcome = PdfOutcome()
    if not files:
        return outcome
    exe = chromium_executable()
    if exe is None:
        outcome.skipped = ("chromium not found (install it with scripts/ensure_chromium.sh or "
                           "`apt-get install chromium`, or set JSNA_CHROMIUM)")
        return outcome
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        outcome.skipped = "Playwright is not installed (pip install -r requirements.txt)"
        return outcome
    t0 = time.perf_counter()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
            try:
                for f in files:
                    context = browser.new_context(viewport={"width": 1024, "height": 1400})
                    page = context.new_page()
                    page.route("**/*", lambda route: route.continue_()
                               if route.request.url.startswith(LOCAL_SCHEMES) else route.abort())
                    try:
                        out = pdf_path(f)
                        print_page(page, f, out, timeout_ms)
                        outcome.written.append(out)
                    except Exception as exc:  # noqa: BLE001 - one report's PDF must not stop the rest
                        outcome.failures.append(f"{f.parent.name}/{f.name}: {type(exc).__name__}: "
                                                f"{str(exc).splitlines()[0] if str(exc) else ''}")
                    finally:
                        context.close()
            finally:
                browser.close()
    except Exception as exc:  # noqa: BLE001 - Chromium would not start: skip, never fail the build
        outcome.skipped = f"Chromium could not be started ({type(exc).__name__}: {str(exc).splitlines()[0]})"
    outcome.seconds = time.perf_counter() - t0
    return outcome
