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
