"""The offline check: does a page load anything over the network?

One check for every page the series writes (reports, the index, the map documents inside them):
used by :mod:`jsna.maps` before embedding a map and by the runner on every exported report.
"""

from __future__ import annotations

import html
import re

_RESOURCE_RE = re.compile(
    r"""<(?:script|link|img|iframe|source|embed)\b[^>]*?\b(?:src|href)\s*=\s*["']?(https?:)?//""",
    re.IGNORECASE,
)
_CSS_URL_RE = re.compile(r"""url\(\s*["']?(?:https?:)?//""", re.IGNORECASE)
_CSS_IMPORT_RE = re.compile(r"""@import\s+(?:url\()?\s*["']?(?:https?:)?//""", re.IGNORECASE)
_TILES_RE = re.compile(r"""L\.tileLayer(?:\.wms)?\(\s*["'](?:https?:)?//""")


def external_resources(markup: str) -> list[str]:
    """Snippets of markup that would load a resource over the network (script/link/img src or
    href, CSS url() or @import, Leaflet tile layers, to http(s) or protocol-relative URLs). Plain <a href> links are
    allowed and not reported. Markup inside ``srcdoc`` is unescaped first, so
    embedded map documents are checked too."""
    text = html.unescape(markup)
    hits = []
    for rx in (_RESOURCE_RE, _CSS_URL_RE, _CSS_IMPORT_RE, _TILES_RE):
        for mt in rx.finditer(text):
            hits.append(text[mt.start(): mt.end() + 60])
    return hits
