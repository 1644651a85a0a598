"""The client's address as every throttle sees it: REMOTE_ADDR, or X-Forwarded-For behind a trusted proxy."""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def is_trusted_proxy(address: str) -> bool:
    """Whether `address` is one of settings.TRUSTED_PROXIES (addresses or CIDR networks)."""
    parsed = _address(address or "")
    if parsed is None:
        return False
    return any(parsed in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request: HttpRequest) -> str:
    """The address of whoever sent the request. X-Forwarded-For is read only when the connection comes from a
    trusted proxy, and then from the right: each trusted hop is skipped, the first untrusted one is the client
    (a client can put anything on the left of the header, never on the right of what our proxy appends)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if not is_trusted_proxy(remote):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    client = remote
    for hop in reversed(hops):
        if _address(hop) is None:
            break  # garbage in the header: the last hop we could trust is all we know
        client = hop
        if not is_trusted_proxy(hop):
            break
    return str(_address(client) or client)
