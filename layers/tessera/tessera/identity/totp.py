"""TOTP (RFC 6238, 30 s, 6 digits, SHA-1 as every authenticator app expects) with replay protection,
and one-time recovery codes stored as SHA-256."""

from __future__ import annotations

import hashlib
import hmac
import secrets

import pyotp

from tessera.core import clock

ISSUER = "Tessera"
VALID_WINDOW = 1  # ±30 s of clock drift
RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, account: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=ISSUER)


def current_code(secret: str) -> str:
    return pyotp.TOTP(secret).at(clock.now())


def matching_step(secret: str, code: str, last_used_step: int | None) -> int | None:
    """The time step the code belongs to, or None; a step at or before `last_used_step` is a replay."""
    code = code.strip().replace(" ", "")
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    now_step = int(clock.now().timestamp()) // totp.interval
    for step in range(now_step - VALID_WINDOW, now_step + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            if last_used_step is not None and step <= last_used_step:
                return None
            return step
    return None


def new_recovery_codes() -> list[str]:
    def one() -> str:
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(8))
        return f"{raw[:4]}-{raw[4:]}"

    return [one() for _ in range(RECOVERY_CODES)]


def hash_recovery_code(code: str) -> str:
    normalized = code.strip().lower().replace("-", "").replace(" ", "")
    return hashlib.sha256(normalized.encode()).hexdigest()
