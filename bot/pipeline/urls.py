"""Canonical article URLs, so that posts linking the same article can be told apart from others.

:func:`canonical_url` turns the many spellings of one article's address into one:

- only ``http``/``https``; the scheme becomes ``https``, the host is lower-cased, its port
  dropped when it is the default, and the ``www.``, ``m.``, ``mobile.`` and ``amp.`` host
  prefixes are removed (mobile and AMP sites serve the same article);
- AMP wrappers are unwrapped: Google's ``/amp/s/<host>/<path>`` and the AMP cache
  ``<host>.cdn.ampproject.org/c/s/<host>/<path>``; an ``/amp`` path segment, an ``.amp``
  suffix and ``amp``/``outputType=amp`` parameters are dropped;
- tracking parameters are dropped (``utm_*``, ``fbclid``, ``gclid``, ``igshid``, ``mc_cid``,
  X's ``s``/``t`` share markers, …: :data:`TRACKING`), the rest are sorted; the fragment
  and a trailing ``/`` go.

``t.co`` links cannot be resolved offline: sources give the expanded URL where the platform
sends it (X ``entities.urls[].expanded_url``), and only an unexpanded ``t.co`` stays as is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

TRACKING = frozenset({
    "fbclid", "gclid", "dclid", "msclkid", "igshid", "igsh", "mc_cid", "mc_eid", "yclid", "_ga", "_gl",
    "ref_src", "ref_url", "ocid", "cmpid", "cmp", "xtor", "at_medium", "at_campaign", "s", "t", "si",
    "share", "smid", "sh", "fromamp",
})
TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_")
HOST_PREFIXES = ("www.", "m.", "mobile.", "amp.")
AMP_PARAMS = frozenset({"amp", "outputtype", "amp_js_v", "usqp", "amp_gsa"})
_URL = re.compile(r"https?://[^\s<>\"'«»]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}…"


def urls_in(text: str) -> list[str]:
    """http(s) URLs written in ``text`` (trailing punctuation left out)."""
    return [found.rstrip(_TRAILING) for found in _URL.findall(text)]


@lru_cache(maxsize=4096)
def canonical_url(url: str) -> str | None:
    """The canonical form of ``url`` (see the module docstring), or ``None`` if it is not an
    http(s) URL with a host."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    host = (parts.hostname or "").rstrip(".")
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    path = parts.path
    host, path = _unwrap_amp(host, path)
    for prefix in HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            host = host[len(prefix):]
            break
    if port not in (None, 80, 443):
        host = f"{host}:{port}"
    path = re.sub(r"(?:/amp)+/?$|\.amp$", "", path).rstrip("/")
    query = "&".join(sorted(p for p in parts.query.split("&") if p and _kept(p.split("=", 1)[0])))
    return urlunsplit(("https", host, path, query, ""))


def _kept(name: str) -> bool:
    low = name.lower()
    return low not in TRACKING and low not in AMP_PARAMS and not low.startswith(TRACKING_PREFIXES)


def _unwrap_amp(host: str, path: str) -> tuple[str, str]:
    """``(host, path)`` of the article behind a Google AMP viewer or AMP cache URL."""
    wrapped = None
    if host.endswith(".cdn.ampproject.org"):
        wrapped = re.match(r"^/[a-z](?:/s)?/([^/]+)(/.*)?$", path)
    elif re.match(r"^(?:www\.)?google\.[a-z.]+$", host):
        wrapped = re.match(r"^/amp/(?:s/)?([^/]+)(/.*)?$", path)
    if wrapped is None:
        return host, path
    return wrapped[1].lower(), wrapped[2] or ""


def canonical_urls(urls: Iterable[str]) -> tuple[str, ...]:
    """Each URL's canonical form, once, in first-seen order (non-http(s) ones left out)."""
    return tuple(dict.fromkeys(c for u in urls if (c := canonical_url(u))))
