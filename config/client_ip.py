"""The client's address as django-axes counts it: the proxy's header is believed from the proxy only.

Behind the TLS proxy every request comes from the proxy's address, so REMOTE_ADDR alone would
lock the whole bureau out together; but X-Forwarded-For is whatever a client writes, so it is
read only when REMOTE_ADDR is one of TRUSTED_PROXIES, and then only its last entry: the one the
proxy appended (Caddy and nginx add the address they saw to what the client sent).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR", "")
    if remote not in settings.TRUSTED_PROXIES:
        return remote or None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1]
    return _address(forwarded) or remote
