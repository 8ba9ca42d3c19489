"""License tokens: compact JWS ES256 signed by the KMS license key (the private key never leaves KMS).
The `kid` is the RFC 7638 thumbprint of the public key, so a new KMS key gets a new kid and tokens
signed by the old one still verify against the JWKS, which lists both."""

import os
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any

from tessera.core.crypto import KmsSigner, jwk_thumbprint, jws_sign, public_jwk
from tessera.core.snapstart import fetched_ahead

TOKEN_TYPE = "license+jws"  # noqa: S105  (a media type, not a secret)


@cache
def signer() -> KmsSigner:
    return KmsSigner(os.environ["LICENSE_SIGNING_KEY_ID"])


@cache
def public_key_jwk() -> dict[str, str]:
    """The signing key's public JWK with its kid (one GetPublicKey per container)."""
    key = signer().public_key()
    jwk = public_jwk(key, kid="")
    jwk["kid"] = jwk_thumbprint(jwk)
    return jwk


fetched_ahead(public_key_jwk)  # a KMS key's public key never changes: after a restore, this is a no-op


def jwks() -> dict[str, list[dict[str, str]]]:
    return {"keys": [public_key_jwk()]}


def end_of(day: date) -> datetime:
    """A license runs to the end of its last day, Moscow time (the customer's calendar)."""
    return datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=UTC) - timedelta(hours=3)


def start_of(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=UTC) - timedelta(hours=3)


def claims(*, license_id: str, version: int, org_id: str, product: str, plan: str, modules: list[str],
           limits: dict[str, Any], starts_on: date, ends_on: date, grace_days: int, domain: str, version_min: str,
           version_max: str | None, mandatory_updates: bool, issued_at: datetime, revoked: bool = False
           ) -> dict[str, Any]:
    """`revoked`: the version that revokes the license, so installations keep the revocation as signed
    proof (anti-rollback refuses every older version) until a newer version says otherwise."""
    expires = end_of(ends_on)
    return {
        "iss": "tessera", "lic": license_id, "ver": version, "org": org_id, "product": product, "plan": plan,
        "modules": sorted(modules), "limits": limits, "iat": int(issued_at.timestamp()),
        "nbf": int(start_of(starts_on).timestamp()), "exp": int(expires.timestamp()),
        "grace_until": int((expires + timedelta(days=grace_days)).timestamp()), "domain": domain,
        "product_version_range": {"min": version_min, "max": version_max}, "mandatory_updates": mandatory_updates,
        "revoked": revoked,
    }


def sign(payload: dict[str, Any]) -> str:
    return sign_document(payload, TOKEN_TYPE)


def sign_document(payload: dict[str, Any], typ: str) -> str:
    """One KMS Sign: licenses, installation certificates, response-signing key certificates."""
    return jws_sign(payload, signer(), kid=public_key_jwk()["kid"], typ=typ)
