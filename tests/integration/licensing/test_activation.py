"""Installations activate with their license key and their own key pair."""

from datetime import UTC, datetime
from typing import Any

import pytest

from tessera.core import clock
from tessera.core.crypto import LocalSigner, jwk_to_public_key, jws_verify, public_jwk
from tests.integration.identity.flows import admin, customer
from tests.integration.stack import Client, Platform

TERMS = {"plan": "advanced", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "grace_days": 14,
         "domain": "budget.romashka.ru", "version_min": "4.0", "version_max": "4.9"}
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.fixture
def license_key(stack: Platform) -> str:
    console = admin(stack)
    _, me = customer(stack, "owner@romashka.ru")
    with clock.frozen(NOW):
        issued = console.post("/api/console/licenses", {"org_id": me["current"]["org_id"], **TERMS}).body
    return str(issued["license_key"])


def _activation(key: str, installation: LocalSigner, **changes: Any) -> dict[str, Any]:
    jwk = public_jwk(installation.public_key(), kid="")
    return {"license_key": key, "fingerprint": "machine-7f3a9c1e5b2d4a60", "software_version": "4.2.1",
            "domain": "budget.romashka.ru", "active_modules": ["core"],
            "public_key": {k: jwk[k] for k in ("kty", "crv", "x", "y")}, **changes}


def test_activation_answers_config_token_and_a_certificate_of_the_installation_key(license_key: str) -> None:
    installation = LocalSigner.generate()
    with clock.frozen(NOW):
        answer = Client().post("/api/licenses/activate", _activation(license_key, installation))
        assert answer.status == 200, answer.body
        body = answer.body
        assert (body["activated"], body["code"], body["version"]) == (True, "VALID", 1)
        assert "multi_department" in body["modules"] and body["limits"]["users"]["value"] == 200
        keys = {k["kid"]: jwk_to_public_key(k) for k in Client().get("/api/licenses/jwks.json").body["keys"]}
        header, certificate = jws_verify(body["certificate"], keys)
        assert header["typ"] == "installation-cert+jws" and certificate["ins"] == body["installation_id"]
        bound = jwk_to_public_key(certificate["jwk"])
        assert bound.public_numbers() == installation.public_key().public_numbers()
        again = Client().post("/api/licenses/activate", _activation(license_key, installation))
        assert again.body["installation_id"] == body["installation_id"]  # a retry changes nothing
        impostor = Client().post("/api/licenses/activate", _activation(license_key, LocalSigner.generate()))
        assert (impostor.body["activated"], impostor.body["code"]) == (False, "KEY_MISMATCH")


@pytest.mark.parametrize("changes, code", [
    ({"domain": "evil.example.com"}, "DOMAIN_MISMATCH"),
    ({"software_version": "3.9"}, "VERSION_NOT_ALLOWED"),
    ({"software_version": "5.0.0"}, "VERSION_NOT_ALLOWED"),
    ({"license_key": "ITBM-NOPE-NOPE-NOPE-NOPE-NOPE"}, "UNKNOWN_LICENSE"),
])
def test_refusals_are_machine_readable(license_key: str, changes: dict[str, Any], code: str) -> None:
    with clock.frozen(NOW):
        answer = Client().post("/api/licenses/activate", _activation(license_key, LocalSigner.generate(), **changes))
    assert answer.status == 200 and (answer.body["activated"], answer.body["code"]) == (False, code)
    assert answer.body["certificate"] is None


def test_expired_and_malformed(license_key: str) -> None:
    with clock.frozen(datetime(2027, 2, 1, tzinfo=UTC)):
        expired = Client().post("/api/licenses/activate", _activation(license_key, LocalSigner.generate()))
    assert expired.body["code"] == "EXPIRED"
    malformed = Client().post("/api/licenses/activate", raw_body="{not json")
    assert (malformed.status, malformed.code) == (400, "malformed-json")
    bad_key = Client().post("/api/licenses/activate", {**_activation(license_key, LocalSigner.generate()),
                                                        "public_key": {"kty": "RSA", "n": "x", "e": "AQAB"}})
    assert bad_key.status == 422


def test_activation_costs_one_read_one_transaction_and_one_signature(license_key: str) -> None:
    # the audit event is one more item of the activation's own transaction: no chain head to read (issue 9)
    from tests.aws_calls import recorded

    with clock.frozen(NOW), recorded() as calls:
        answer = Client().post("/api/licenses/activate", _activation(license_key, LocalSigner.generate()))
    assert answer.body["activated"] is True
    assert {k: v for k, v in calls.by_operation().items() if k != "GetPublicKey"} == {
        "GetItem": 1, "TransactWriteItems": 1, "Sign": 1}
