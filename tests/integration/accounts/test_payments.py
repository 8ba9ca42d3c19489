"""Payments against licenses: the license's payment status (paid / awaiting / overdue) is kept on the
license, so activation refuses an overdue license with PAYMENT_OVERDUE without another read."""

from datetime import UTC, datetime
from typing import Any

import pytest

from tessera.core import clock
from tessera.core.crypto import LocalSigner, public_jwk
from tests.integration.accounts.helpers import create, inn10
from tests.integration.stack import Client

BASE = "/api/console/customers"
TERMS = {"plan": "advanced", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "domain": "budget.romashka.ru"}
BEFORE_DUE = datetime(2026, 3, 1, 12, tzinfo=UTC)
AFTER_DUE = datetime(2026, 3, 20, 12, tzinfo=UTC)


@pytest.fixture
def licensed(console: Client) -> dict[str, Any]:
    org = create(console, inn10("770812345"))["id"]
    with clock.frozen(BEFORE_DUE):
        issued = console.post("/api/console/licenses", {"org_id": org, **TERMS})
    assert issued.status == 201, issued.body
    return {"org": org, "license_id": issued.body["license"]["id"], "key": issued.body["license_key"]}


INSTALLATION = LocalSigner.generate()  # one server: activating it again is idempotent


def _activate(key: str) -> Any:
    jwk = public_jwk(INSTALLATION.public_key(), kid="")
    return Client().post("/api/licenses/activate", {
        "license_key": key, "fingerprint": "machine-7f3a9c1e5b2d4a60", "software_version": "4.2.1",
        "domain": "budget.romashka.ru", "public_key": {k: jwk[k] for k in ("kty", "crv", "x", "y")}}).body


def _pay(console: Client, org: str, license_id: str, kopecks: int, reference: str) -> Any:
    return console.post(f"{BASE}/{org}/payments", {"license_id": license_id, "amount": {"kopecks": kopecks},
                                                   "paid_on": "2026-03-19", "reference": reference,
                                                   "method": "bank_transfer"})


def test_payment_status_follows_terms_and_payments_and_gates_activation(console: Client,
                                                                        licensed: dict[str, Any]) -> None:
    org, license_id, key = licensed["org"], licensed["license_id"], licensed["key"]
    with clock.frozen(BEFORE_DUE):
        terms = console.call("PUT", f"{BASE}/{org}/licenses/{license_id}/payment-terms",
                             {"amount_due": {"kopecks": 50_000_000}, "due_on": "2026-03-15"})
        assert terms.status == 200, terms.body
        assert (terms.body["status"], terms.body["paid"]["kopecks"]) == ("awaiting", 0)
        assert console.get(f"/api/console/licenses/{license_id}").body["license"]["payment_status"] == "awaiting"
        assert _activate(key)["code"] == "VALID"  # awaiting within the payment term: allowed
    with clock.frozen(AFTER_DUE):
        assert console.get(f"/api/console/licenses/{license_id}").body["license"]["payment_status"] == "overdue"
        refused = _activate(key)
        assert (refused["activated"], refused["code"]) == (False, "PAYMENT_OVERDUE")
        part = _pay(console, org, license_id, 20_000_000, "п/п 101")
        assert part.status == 201, part.body
        assert part.body["license"]["status"] == "overdue"
        assert _activate(key)["code"] == "PAYMENT_OVERDUE"
        duplicate = _pay(console, org, license_id, 20_000_000, " П/П 101 ")
        assert duplicate.status == 409 and duplicate.code == "payment-duplicate"
        rest = _pay(console, org, license_id, 30_000_000, "п/п 102")
        assert rest.body["license"] == {"license_id": license_id, "status": "paid", "due_on": "2026-03-15",
                                        "amount_due": {"kopecks": 50_000_000, "currency": "RUB",
                                                       "formatted": "500\u00a0000,00\u00a0₽"},
                                        "paid": {"kopecks": 50_000_000, "currency": "RUB",
                                                 "formatted": "500\u00a0000,00\u00a0₽"}}
        assert _activate(key)["activated"] is True
        assert console.get(f"/api/console/licenses/{license_id}").body["license"]["payment_status"] == "paid"
        tab = console.get(f"{BASE}/{org}/payments").body
        assert sorted(p["reference"] for p in tab["payments"]) == ["п/п 101", "п/п 102"]
        assert [(x["license_id"], x["status"]) for x in tab["licenses"]] == [(license_id, "paid")]
        actions = [e["action"] for e in console.get(f"{BASE}/{org}/activity").body["items"]]
        # newest first (the card was created outside the frozen clock)
        assert [a for a in actions if a != "customer.create"] == [
            "payment.record", "payment.record", "license.payment_terms", "license.issue"]


def test_a_payment_needs_a_license_of_this_customer(console: Client, licensed: dict[str, Any]) -> None:
    other = create(console, inn10("770812346"), name="ООО «Другое»")["id"]
    foreign = _pay(console, other, licensed["license_id"], 100, "п/п 1")
    assert foreign.status == 404 and foreign.code == "license-unknown"
    assert _pay(console, licensed["org"], "lic_01JAAAAAAAAAAAAAAAAAAAAAAA", 100, "п/п 1").code == "license-unknown"
    assert _pay(console, licensed["org"], licensed["license_id"], 0, "п/п 1").status == 422
    assert console.get(f"{BASE}/{other}/payments").body == {"payments": [], "licenses": []}


def test_a_license_without_terms_is_not_gated(console: Client, licensed: dict[str, Any]) -> None:
    with clock.frozen(AFTER_DUE):
        assert console.get(f"/api/console/licenses/{licensed['license_id']}").body["license"]["payment_status"] is None
        assert _activate(licensed["key"])["activated"] is True
        paid = _pay(console, licensed["org"], licensed["license_id"], 100, "п/п 7").body
        assert paid["license"]["status"] == "paid" and paid["license"]["amount_due"] is None
