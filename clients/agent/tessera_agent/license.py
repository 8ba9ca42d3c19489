"""Offline verification of a license token against the vendor's trusted public keys."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from tessera_agent.jws import SignatureError, verify

CLOCK_SKEW_SECONDS = 300


class LicenseError(Exception):
    """`code`: BAD_SIGNATURE, UNKNOWN_KEY, NOT_A_LICENSE, ROLLBACK, REVOKED, CLOCK_BACKWARDS, NOT_YET_VALID,
    EXPIRED; INVALID_USAGE from `Agent.heartbeat`. `version`: the license version a REVOKED refers to."""

    def __init__(self, code: str, detail: str, version: int | None = None) -> None:
        super().__init__(detail)
        self.code = code
        self.version = version


@dataclass(frozen=True)
class LicenseInfo:
    license_id: str
    version: int
    state: str  # VALID | IN_GRACE
    plan: str
    modules: list[str]
    limits: dict[str, Any]
    expires_at: int
    grace_until: int
    domain: str
    claims: dict[str, Any]

    def has(self, module: str) -> bool:
        return module in self.modules


def verify_token(token: str, keys: Mapping[str, ec.EllipticCurvePublicKey], now: int, *,
                 highest_version: int = 0, latest_time: int = 0, domain: str | None = None) -> LicenseInfo:
    """Check the signature, the type, anti-rollback (a version older than one seen is refused), revocation
    (a version that revokes the license), the clock (earlier than a trusted time already seen means it was
    moved back) and the dates."""
    try:
        header, claims = verify(token, keys)
    except SignatureError as exc:
        raise LicenseError("UNKNOWN_KEY" if exc.code == "unknown_kid" else "BAD_SIGNATURE", str(exc)) from exc
    if header.get("typ") != "license+jws" or "lic" not in claims or "ver" not in claims:
        raise LicenseError("NOT_A_LICENSE", "this token is not a license")
    if int(claims["ver"]) < highest_version:
        raise LicenseError("ROLLBACK", f"version {claims['ver']} is older than version {highest_version} seen before")
    if claims.get("revoked"):
        raise LicenseError("REVOKED", f"version {claims['ver']} revokes the license", version=int(claims["ver"]))
    if latest_time and now < latest_time - CLOCK_SKEW_SECONDS:
        raise LicenseError("CLOCK_BACKWARDS", "the system clock is earlier than a time already seen")
    if domain is not None and claims.get("domain") != domain:
        raise LicenseError("NOT_A_LICENSE", f"the license is for {claims.get('domain')}, not {domain}")
    if now < int(claims["nbf"]) - CLOCK_SKEW_SECONDS:
        raise LicenseError("NOT_YET_VALID", "the license is not valid yet")
    if now >= int(claims["grace_until"]):
        raise LicenseError("EXPIRED", "the license and its grace period have ended")
    state = "VALID" if now < int(claims["exp"]) else "IN_GRACE"
    return LicenseInfo(license_id=claims["lic"], version=int(claims["ver"]), state=state, plan=claims["plan"],
                       modules=list(claims["modules"]), limits=dict(claims["limits"]), expires_at=int(claims["exp"]),
                       grace_until=int(claims["grace_until"]), domain=claims["domain"], claims=claims)
