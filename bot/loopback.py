"""Whether a URL points at this machine: HTTP clients skip proxy variables for such a URL (a proxy
cannot reach our own loopback address: a local Bot API server, a receiver, the tests' fakes)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
