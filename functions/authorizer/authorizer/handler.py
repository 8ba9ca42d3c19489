"""The HTTP API Lambda authorizer (payload 2.0, simple responses) for /api/console/* and /api/app/*.

It lets every request through and tells the function who is calling: the principal, or why nobody
(`refused`: not-signed-in, session-expired, throttled). The route's `guard` then answers 401, 403 or
503 as problem+json; a denial here would be API Gateway's bare `{"message":"Forbidden"}` instead.
Staff tokens count only on /api/console, customer tokens only on /api/app.

One DynamoDB read per uncached token (the session: not revoked, roles current); answers are cached
in-process for 60 s, so a revocation takes effect within a minute. The authorizer has no identity
source and API Gateway's cache is off: the identity is either a header or a cookie, and with an
identity source API Gateway itself answers 401 `{"message":"Unauthorized"}` when one is missing.

Cookie-authenticated writes must carry X-CSRF-Token equal to the tessera_csrf cookie; a failure is
passed on (`csrf_ok: false`) so the function answers a clear problem."""

from __future__ import annotations

import hmac
from collections import OrderedDict
from typing import Any

from snapshot_restore_py import register_after_restore

from tessera.core import clock
from tessera.core.errors import Problem, is_throttling
from tessera.core.observability import lambda_entry, logger
from tessera.identity.principal import Principal
from tessera.identity.sessions import authenticate

CACHE_SECONDS = 60
CACHE_SIZE = 10_000
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
AREAS = {"/api/console/": "console", "/api/app/": "app", "/api/licenses/revoke": "console"}

_cache: OrderedDict[str, tuple[float, Principal | None]] = OrderedDict()
register_after_restore(_cache.clear)  # SnapStart: a session revoked since the snapshot must not pass


def _cookies(event: dict[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    for cookie in event.get("cookies") or []:
        name, _, value = cookie.partition("=")
        found.setdefault(name.strip(), value.strip())
    return found


def _principal(token: str, audience: str) -> Principal | None:
    now = clock.now().timestamp()  # the platform clock, so tests and the local cloud can move it
    key = f"{audience}:{token}"
    cached = _cache.get(key)
    if cached is not None and cached[0] > now:
        _cache.move_to_end(key)
        return cached[1]
    try:
        principal: Principal | None = authenticate(token, audience)
    except Problem:
        principal = None
    _cache[key] = (now + CACHE_SECONDS, principal)
    if len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)
    return principal


def _passed(context: dict[str, Any]) -> dict[str, Any]:
    return {"isAuthorized": True, "context": context}


def authorize(event: dict[str, Any]) -> dict[str, Any]:
    path = event.get("rawPath") or ""
    audience = next((area for prefix, area in AREAS.items() if path.startswith(prefix)), None)
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    cookies = _cookies(event)
    bearer = headers.get("authorization", "")
    from_cookie = not bearer.lower().startswith("bearer ")
    token = cookies.get("tessera_at", "") if from_cookie else bearer[7:].strip()
    if audience is None or not token:
        return _passed({"refused": "not-signed-in"})
    try:
        principal = _principal(token, audience)
    except Exception as exc:
        if not is_throttling(exc):
            raise
        return _passed({"refused": "throttled"})
    if principal is None:
        return _passed({"refused": "session-expired"})
    context: dict[str, Any] = principal.to_context()
    method = ((event.get("requestContext") or {}).get("http") or {}).get("method", "GET")
    if from_cookie and method in WRITES:
        header, cookie = headers.get("x-csrf-token") or "", cookies.get("tessera_csrf") or ""
        context["csrf_ok"] = bool(header and cookie and hmac.compare_digest(header, cookie))
    return _passed(context)


@lambda_entry(correlation_path="requestContext.requestId", measured=False)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    answer = authorize(event)
    if "refused" in answer["context"]:
        logger.info("anonymous", extra={"route": event.get("routeKey"), "refused": answer["context"]["refused"]})
    return answer
