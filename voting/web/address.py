"""The address the slips' QR codes carry, and whether phones in the hall can reach it.

A QR code is read by a deputy's phone, not by the clerk's browser: an address
that means "this machine" (127.0.0.1, localhost, ::1), "any address" (0.0.0.0)
or only the local link (169.254.x.x, fe80::, a ``.local`` name that many phones
do not resolve) points each phone at nothing.  ``VOTING_PUBLIC_URL`` names the
address the hall's network reaches the server at; without it, the address the
clerk's browser used is the best guess, and the slips screen warns before
printing when it would not work from a phone.  Either way a body's slips carry
its own address, ``/b/<name>`` after the service's.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

PROBLEMS = ("malformed", "loopback", "unspecified", "link_local", "local_name", "unreachable")


@dataclass(frozen=True)
class BallotAddress:
    base: str
    """Scheme, host, port and any path prefix, without a trailing slash: the ballot page is ``base + "/ballot"``."""
    configured: bool
    problem: str | None
    """Why phones in the hall could not open it (one of ``PROBLEMS``), or None."""


def ballot_address(configured: str | None, request_root: str, body: str | None = None) -> BallotAddress:
    """The configured public address, or else the one this request came in at, with its problem if any.

    The ballot page is the body's (DESIGN section 8): ``request_root`` is the
    address the request came in at, its path (``/b/<name>``, a proxy's mount)
    included; the configured address is the service's, so the body's short
    name, when the request's address gave one, follows it.
    """
    if configured:
        base = configured.strip().rstrip("/") + (f"/b/{body}" if body else "")
    else:
        base = request_root.strip().rstrip("/")
    return BallotAddress(base, bool(configured), problem(base))


def problem(url: str) -> str | None:
    """What keeps a phone on the hall's network from opening ``url``, as far as the address alone tells."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".").lower()
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return "malformed"
    if parts.scheme not in ("http", "https") or not host:
        return "malformed"
    if host == "localhost" or host.endswith(".localhost"):
        return "loopback"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        # A name: one label ("hallserver") or a .local name is resolved by few phones' DNS.
        return "local_name" if "." not in host or host.endswith(".local") else None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "loopback"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_link_local:
        return "link_local"
    if ip.is_multicast or ip.is_reserved:
        return "unreachable"
    return None
