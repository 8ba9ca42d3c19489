"""Access tokens: compact JWT, HS256, 15 minutes.

The signing secret lives in Secrets Manager; its version id is the `kid`, so a rotation keeps
tokens signed by the previous version valid until they expire. The secret is fetched once per
container and then only when an unknown `kid` appears (at most once a minute)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tessera.core import aws, clock

ACCESS_TTL_SECONDS = 15 * 60
MFA_TTL_SECONDS = 5 * 60
ISSUER = "tessera"
secretsmanager = aws.client("secretsmanager")


class TokenError(Exception):
    """`code`: malformed, bad_signature, expired, wrong_audience, unknown_kid."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class SigningKey:
    kid: str
    secret: bytes


class KeySource:
    """The current key and any earlier one by kid. `fetch(kid | None)` returns (kid, secret)."""

    def __init__(self, fetch: Callable[[str | None], tuple[str, bytes]], refresh_after: float = 300.0) -> None:
        self._fetch = fetch
        self._refresh_after = refresh_after
        self._current: SigningKey | None = None
        self._fetched_at = 0.0
        self._by_kid: dict[str, bytes] = {}
        self._misses: dict[str, float] = {}
        self._lock = threading.Lock()

    def current(self) -> SigningKey:
        """Read again once `refresh_after` has passed on the wall clock, which, unlike the monotonic one,
        also counts the time a SnapStart snapshot waited before this environment was restored from it."""
        with self._lock:
            if self._current is None or time.time() - self._fetched_at > self._refresh_after:
                kid, secret = self._fetch(None)
                self._current, self._fetched_at = SigningKey(kid, secret), time.time()
                self._by_kid[kid] = secret
            return self._current

    def by_kid(self, kid: str) -> bytes:
        """A key by kid is a secret version, which never changes: one known verifies without a call."""
        with self._lock:
            if kid in self._by_kid:
                return self._by_kid[kid]
        self.current()
        with self._lock:
            if kid in self._by_kid:
                return self._by_kid[kid]
            if time.monotonic() - self._misses.get(kid, -1e9) < 60:
                raise TokenError("unknown_kid")
            self._misses[kid] = time.monotonic()
        try:
            found_kid, secret = self._fetch(kid)
        except Exception as exc:
            raise TokenError("unknown_kid") from exc
        with self._lock:
            self._by_kid[found_kid] = secret
        return secret


def secrets_manager_source(secret_arn: str) -> KeySource:
    def fetch(kid: str | None) -> tuple[str, bytes]:
        args = {"SecretId": secret_arn, **({"VersionId": kid} if kid else {})}
        answer = secretsmanager.get_secret_value(**args)
        return answer["VersionId"], answer["SecretString"].encode()

    return KeySource(fetch)


def static_source(secret: bytes, kid: str = "static") -> KeySource:
    return KeySource(lambda _kid: (kid, secret))


def encode(claims: dict[str, Any], keys: KeySource, ttl_seconds: int = ACCESS_TTL_SECONDS) -> str:
    key = keys.current()
    issued = clock.epoch_seconds()
    header = {"alg": "HS256", "typ": "JWT", "kid": key.kid}
    body = {"iss": ISSUER, "iat": issued, "exp": issued + ttl_seconds, **claims}
    signing_input = f"{_b64(json.dumps(header, separators=(',', ':')).encode())}." \
                    f"{_b64(json.dumps(body, separators=(',', ':')).encode())}"
    signature = hmac.new(key.secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def decode(token: str, keys: KeySource, audience: str | tuple[str, ...]) -> dict[str, Any]:
    parts = token.split(".")
    if len(parts) != 3 or len(token) > 4096:
        raise TokenError("malformed")
    try:
        header = json.loads(_unb64(parts[0]))
        claims = json.loads(_unb64(parts[1]))
        signature = _unb64(parts[2])
    except (ValueError, TypeError) as exc:
        raise TokenError("malformed") from exc
    if not isinstance(header, dict) or not isinstance(claims, dict) or header.get("alg") != "HS256":
        raise TokenError("malformed")
    secret = keys.by_kid(str(header.get("kid")))
    expected = hmac.new(secret, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(expected, signature):
        raise TokenError("bad_signature")
    if claims.get("iss") != ISSUER:
        raise TokenError("bad_signature")
    if not isinstance(claims.get("exp"), int) or claims["exp"] <= clock.epoch_seconds():
        raise TokenError("expired")
    audiences = (audience,) if isinstance(audience, str) else audience
    if claims.get("aud") not in audiences:
        raise TokenError("wrong_audience")
    return claims
