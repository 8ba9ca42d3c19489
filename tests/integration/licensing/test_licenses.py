"""Issuing, checking, renewing, suspending and revoking licenses through the real handlers."""

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from tessera.core import clock
from tessera.core.crypto import JwsError, jwk_to_public_key, jws_verify
from tessera.licensing import state
from tests.integration.identity.flows import admin, customer
from tests.integration.stack import Client, Platform

TERMS = {"plan": "advanced", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "grace_days": 14,
         "domain": "Budget.Romashka.RU", "version_min": "4.0", "version_max": "4.9"}


@pytest.fixture
def world(stack: Platform) -> dict[str, Any]:
    console = admin(stack)
    _, me = customer(stack, "owner@romashka.ru", company="ООО «Ромашка»")
    return {"console": console, "org_id": me["current"]["org_id"]}


def _check(key: str) -> Any:
    state._status_cache.clear()  # each container caches a check for 30 s; these tests look at once
    return Client().get(f"/api/licenses/{key}").body


def test_issue_verify_offline_check_and_download(world: dict[str, Any]) -> None:
    console: Client = world["console"]
    with clock.frozen(datetime(2026, 3, 1, 12, tzinfo=UTC)):
        issued = console.post("/api/console/licenses", {"org_id": world["org_id"], **TERMS})
        assert issued.status == 201, issued.body
        body = issued.body
        key, token = body["license_key"], body["token"]
        assert key.startswith("ITBM-") and body["license"]["key_hint"] == key[-4:]
        assert body["license"]["modules"] == ["core", "integrations", "multi_department"]
        assert body["license"]["limits"]["users"]["value"] == 200 and body["license"]["domain"] == "budget.romashka.ru"

        jwks = Client().get("/api/licenses/jwks.json").body
        keys = {k["kid"]: jwk_to_public_key(k) for k in jwks["keys"]}
        header, claims = jws_verify(token, keys)
        assert header["alg"] == "ES256" and header["typ"] == "license+jws"
        assert (claims["lic"], claims["ver"], claims["org"]) == (body["license"]["id"], 1, world["org_id"])
        assert claims["grace_until"] - claims["exp"] == 14 * 86400
        tampered = token.split(".")
        tampered[1] = tampered[1][:-2] + ("AA" if not tampered[1].endswith("AA") else "BB")
        with pytest.raises(JwsError):
            jws_verify(".".join(tampered), keys)

        status = _check(key)
        assert (status["valid"], status["code"], status["version"]) == (True, "VALID", 1)
        assert status["token"] == token and "core" in status["modules"]
        unknown = _check("ITBM-AAAA-BBBB-CCCC-DDDD-EEEE")
        assert (unknown["valid"], unknown["code"]) == (False, "UNKNOWN_LICENSE")

        license_id = body["license"]["id"]
        file = console.get(f"/api/console/licenses/{license_id}/file")
        assert file.status == 200 and file.headers["content-disposition"].endswith('-v1.lic"')
        document = json.loads(file.raw)
        assert document["token"] == token and document["jwks"] == jwks and key not in file.raw.decode()


def test_renewal_is_a_new_signed_version_and_the_installation_sees_it(world: dict[str, Any]) -> None:
    console: Client = world["console"]
    with clock.frozen(datetime(2026, 3, 1, 12, tzinfo=UTC)):
        issued = console.post("/api/console/licenses", {"org_id": world["org_id"], **TERMS}).body
        license_id, key = issued["license"]["id"], issued["license_key"]
        renewed = console.post(f"/api/console/licenses/{license_id}/renew",
                               {**TERMS, "plan": "enterprise", "ends_on": "2027-12-31", "reason": "renewal 2027"})
        assert renewed.status == 200 and renewed.body["version"] == 2
        detail = console.get(f"/api/console/licenses/{license_id}").body
        assert [v["version"] for v in detail["versions"]] == [2, 1]
        assert detail["versions"][0]["diff"]["plan"] == ["advanced", "enterprise"]
        assert "ai_forecast" in detail["versions"][0]["diff"]["modules"][1]
        status = _check(key)
        assert status["version"] == 2 and "ai_forecast" in status["modules"]
        listed = console.get("/api/console/licenses", query={"org_id": world["org_id"]}).body["items"]
        assert [item["id"] for item in listed] == [license_id]


def test_dates_grace_suspension_and_revocation(world: dict[str, Any]) -> None:
    console: Client = world["console"]
    with clock.frozen(datetime(2026, 3, 1, 12, tzinfo=UTC)):
        issued = console.post("/api/console/licenses", {"org_id": world["org_id"], **TERMS}).body
    license_id, key = issued["license"]["id"], issued["license_key"]
    with clock.frozen(datetime(2025, 12, 31, 12, tzinfo=UTC)):
        assert _check(key)["code"] == "NOT_YET_VALID"
    with clock.frozen(datetime(2027, 1, 5, 12, tzinfo=UTC)):
        assert _check(key)["code"] == "IN_GRACE" and _check(key)["valid"] is True
    with clock.frozen(datetime(2027, 1, 20, 12, tzinfo=UTC)):
        assert (_check(key)["code"], _check(key)["valid"]) == ("EXPIRED", False)
    with clock.frozen(datetime(2026, 6, 1, 12, tzinfo=UTC)):
        assert console.post(f"/api/console/licenses/{license_id}/suspend", {"reason": "unpaid invoice"}).status == 200
        assert _check(key)["code"] == "SUSPENDED"
        console.post(f"/api/console/licenses/{license_id}/resume", {"reason": "paid"})
        assert _check(key)["code"] == "VALID"
        revoked = console.post("/api/licenses/revoke", {"license_id": license_id, "reason": "contract terminated"})
        assert revoked.status == 200 and revoked.body["status"] == "revoked"
        assert _check(key)["code"] == "REVOKED"
        again = console.post(f"/api/console/licenses/{license_id}/renew", {**TERMS, "reason": "try"})
        assert (again.status, again.code) == (409, "license-revoked")
        history = console.get("/api/console/audit", query={"entity": f"license:{license_id}"}).body["items"]
        assert [e["action"] for e in history] == ["license.revoke", "license.resume", "license.suspend",
                                                  "license.issue"]
        assert history[0]["reason"] == "contract terminated"


def test_revocation_is_a_signed_version_and_its_file_is_no_longer_issued(world: dict[str, Any]) -> None:
    console: Client = world["console"]
    with clock.frozen(datetime(2026, 3, 1, 12, tzinfo=UTC)):
        issued = console.post("/api/console/licenses", {"org_id": world["org_id"], **TERMS}).body
        license_id, key = issued["license"]["id"], issued["license_key"]
        assert console.post("/api/licenses/revoke", {"license_id": license_id, "reason": "contract terminated"}
                            ).body["version"] == 2
        newest = _check(key)
        assert (newest["code"], newest["version"]) == ("REVOKED", 2)
        keys = {k["kid"]: jwk_to_public_key(k) for k in Client().get("/api/licenses/jwks.json").body["keys"]}
        _, claims = jws_verify(newest["token"], keys)  # the revocation, signed: installations keep it as proof
        assert (claims["ver"], claims["revoked"], claims["lic"]) == (2, True, license_id)
        versions = console.get(f"/api/console/licenses/{license_id}").body["versions"]
        assert (versions[0]["reason"], versions[0]["diff"]) == ("contract terminated", {"revoked": [False, True]})
        file = console.get(f"/api/console/licenses/{license_id}/file")
        assert (file.status, file.code) == (410, "license-revoked-file")
        assert file.body["detail"] == "The license is revoked: its file is no longer issued."
        sent = console.post(f"/api/console/licenses/{license_id}/send", {})
        assert (sent.status, sent.code) == (410, "license-revoked-file")


@pytest.mark.parametrize("change, field", [
    ({"ends_on": "2025-12-01"}, "body"),
    ({"plan": "platinum"}, "body.plan"),
    ({"modules": ["core", "teleport"]}, "body.modules"),
    ({"domain": "not a host"}, "body.domain"),
    ({"version_min": "four"}, "body.version_min"),
    ({"grace_days": 400}, "body.grace_days"),
])
def test_bad_terms_change_nothing(world: dict[str, Any], change: dict[str, Any], field: str) -> None:
    console: Client = world["console"]
    answer = console.post("/api/console/licenses", {"org_id": world["org_id"], **TERMS, **change})
    assert answer.status == 422, answer.body
    assert any(e["loc"].startswith(field) for e in answer.body["errors"]), answer.body
    assert console.get("/api/console/licenses", query={"org_id": world["org_id"]}).body["items"] == []


def test_unknown_customer(world: dict[str, Any]) -> None:
    answer = world["console"].post("/api/console/licenses", {"org_id": "org_" + "0" * 26, **TERMS})
    assert (answer.status, answer.body["errors"][0]["loc"]) == (422, "body.org_id")


def test_catalog_lists_the_demo_product(world: dict[str, Any]) -> None:
    products = world["console"].get("/api/console/catalog/products").body
    plans = {p["code"]: p for p in products[0]["plans"]}
    assert products[0]["code"] == "itbm" and set(plans) == {"basic", "advanced", "enterprise"}
    assert plans["advanced"]["limits"]["users"] == {"value": 200, "mode": "soft", "overage_ratio": 1.1,
                                                    "alert_thresholds": [80, 100]}
