"""Allowed origins of a workspace's widget, in the form browsers send them in the Origin header:
`scheme://host[:port]`, lower case, the host in ASCII (IDNA, so `https://окна.рф` matches the
`https://xn--80atjc.xn--p1ai` a browser sends), without a default port."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from pydantic_core import PydanticCustomError

DEFAULT_PORTS = {"http": 80, "https": 443}
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def ascii_host(host: str) -> str:
    """A host name in ASCII (IDNA 2003 as browsers' URL parsers apply it), or ValueError."""
    host = host.strip().rstrip(".").lower()
    try:
        encoded = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError(host) from None
    labels = encoded.split(".")
    if len(encoded) > 253 or not all(_LABEL.match(label) for label in labels):
        raise ValueError(host)
    return encoded


def normalize_origin(value: str) -> str:
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        raise PydanticCustomError("origin_invalid", "not an origin") from None
    if (parts.scheme not in DEFAULT_PORTS or not parts.hostname or parts.username is not None
            or parts.path not in ("", "/") or parts.query or parts.fragment):
        raise PydanticCustomError("origin_invalid", "not an origin")
    try:
        host = ascii_host(parts.hostname)
    except ValueError:
        raise PydanticCustomError("origin_invalid", "not an origin") from None
    if ":" in parts.netloc.rsplit("]", 1)[-1] and port is None:
        raise PydanticCustomError("origin_invalid", "not an origin")  # "https://site:" — an empty port
    suffix = f":{port}" if port is not None and port != DEFAULT_PORTS[parts.scheme] else ""
    return f"{parts.scheme}://{host}{suffix}"


def normalize_domain(value: str) -> str:
    try:
        return ascii_host(value)
    except ValueError:
        raise PydanticCustomError("domain_invalid", "not a domain name") from None
