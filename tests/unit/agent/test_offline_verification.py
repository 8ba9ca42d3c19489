"""The installation SDK verifies license tokens offline, refuses rollbacks and a clock moved back."""

import sys
import time
from pathlib import Path

import pytest

from tessera.core.crypto import LocalSigner, jws_sign, public_jwk

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "clients" / "agent"))

from tessera_agent import LicenseError, verify_token
from tessera_agent.jws import trusted_keys

VENDOR = LocalSigner.generate()
JWKS = {"keys": [public_jwk(VENDOR.public_key(), kid="k1")]}
KEYS = trusted_keys(JWKS)
NOW = 1_780_000_000


def token(version: int = 1, signer: LocalSigner = VENDOR, kid: str = "k1", typ: str = "license+jws", **claims):  # type: ignore[no-untyped-def]
    payload = {"lic": "lic_1", "ver": version, "plan": "advanced", "modules": ["core"], "limits": {},
               "nbf": NOW - 86400, "exp": NOW + 86400, "grace_until": NOW + 15 * 86400, "domain": "b.ru", **claims}
    return jws_sign(payload, signer, kid=kid, typ=typ)


def test_valid_and_in_grace() -> None:
    assert verify_token(token(), KEYS, NOW, domain="b.ru").state == "VALID"
    assert verify_token(token(), KEYS, NOW + 2 * 86400).state == "IN_GRACE"


@pytest.mark.parametrize("kwargs, now, code", [
    ({"signer": LocalSigner.generate()}, NOW, "BAD_SIGNATURE"),
    ({"kid": "k9"}, NOW, "UNKNOWN_KEY"),
    ({"typ": "installation-cert+jws"}, NOW, "NOT_A_LICENSE"),
    ({}, NOW + 20 * 86400, "EXPIRED"),
    ({"nbf": NOW + 86400}, NOW, "NOT_YET_VALID"),
])
def test_refusals(kwargs: dict, now: int, code: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(LicenseError) as caught:
        verify_token(token(**kwargs), KEYS, now)
    assert caught.value.code == code


def test_rollback_clock_and_domain() -> None:
    with pytest.raises(LicenseError) as caught:
        verify_token(token(version=2), KEYS, NOW, highest_version=3)
    assert caught.value.code == "ROLLBACK"
    with pytest.raises(LicenseError) as caught:
        verify_token(token(), KEYS, NOW - 3600, latest_time=NOW)
    assert caught.value.code == "CLOCK_BACKWARDS"
    with pytest.raises(LicenseError):
        verify_token(token(), KEYS, NOW, domain="other.ru")


def test_offline_verification_is_fast() -> None:
    sample = token()
    started = time.perf_counter()
    for _ in range(200):
        verify_token(sample, KEYS, NOW)
    per_check = (time.perf_counter() - started) / 200
    assert per_check < 0.005  # the budget is 1 ms (bench/RESULTS.md); a loose bound here against slow CI
