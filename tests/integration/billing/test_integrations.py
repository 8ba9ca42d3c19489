"""Integrations through the real handler: admins' keys (shown once, rotated, revoked), a staff license renewal
paid through POST /api/external/payments (signed by 1С) → the license's version 2 signed once, bad and
replayed requests, billing staff marking an invoice paid, and the signed license export."""

import csv
import io
import json
from typing import Any

import pytest

from tessera.billing.integrations import EXPORT_COLUMNS, signature
from tessera.core import clock
from tessera.licensing import service as licensing
from tests.integration.billing.conftest import T0
from tests.integration.identity.flows import customer
from tests.integration.notify.conftest import as_staff
from tests.integration.stack import Answer, Client, Platform

TERMS = {"plan": "advanced", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "grace_days": 14,
         "domain": "budget.romashka.ru", "version_min": "4.0"}
RENEWED = {**TERMS, "starts_on": "2027-01-01", "ends_on": "2027-12-31"}
PRICE = 12_200_000  # 122 000 ₽, VAT 22 % inside


@pytest.fixture
def world(billing: Platform) -> dict[str, Any]:
    owner, me = customer(billing, "owner@romashka.ru", company="ООО «Ромашка»")
    other, _ = customer(billing, "owner@lyutik.ru", company="ООО «Лютик»")
    org_id = me["current"]["org_id"]
    sales, admin = as_staff("sales"), as_staff("admin")
    issued = admin.post("/api/console/licenses", {"org_id": org_id, **TERMS})
    assert issued.status == 201, issued.body
    key = admin.post("/api/console/integrations/credentials", {"name": "1С: Бухгалтерия"})
    assert key.status == 201, key.body
    return {"owner": owner, "other": other, "org_id": org_id, "sales": sales, "admin": admin,
            "license_id": issued.body["license"]["id"], "key_id": key.body["credential"]["id"],
            "secret": key.body["secret"]}


def signed_post(world: dict[str, Any], body: dict[str, Any], *, secret: str | None = None,
                timestamp: int | None = None, key_id: str | None = None) -> Answer:
    raw = json.dumps(body, ensure_ascii=False)
    sent = str(timestamp if timestamp is not None else int(clock.now().timestamp()))
    return Client().post("/api/external/payments", raw_body=raw, headers={
        "x-tessera-key": key_id or world["key_id"], "x-tessera-timestamp": sent,
        "x-tessera-signature": signature(secret or world["secret"], sent, raw.encode())})


def renewal_invoice(world: dict[str, Any]) -> dict[str, Any]:
    answer = world["sales"].post(f"/api/console/billing/licenses/{world['license_id']}/renewal-invoice",
                                 {"terms": RENEWED, "price_kopecks": PRICE, "vat_rate": 22})
    assert answer.status == 201, answer.body
    return answer.body


def test_a_renewal_paid_by_1c_signs_version_2_once(world: dict[str, Any]) -> None:
    invoice = renewal_invoice(world)
    assert (invoice["status"], invoice["purpose"]["kind"], invoice["total"]["kopecks"]) == (
        "issued", "license_renewal", PRICE)
    assert invoice["lines"][0]["description"] == (
        "Продление лицензии ITBM, тариф «advanced», с 01.01.2027 по 31.12.2027")
    # the customer sees it among its own invoices; another organization does not
    mine = world["owner"].get(f"/api/app/orgs/{world['org_id']}/billing/invoices/{invoice['id']}")
    assert mine.status == 200
    other_org = world["other"].get("/api/auth/me").body["current"]["org_id"]
    assert world["other"].get(f"/api/app/orgs/{other_org}/billing/invoices/{invoice['id']}").status == 404

    body = {"payment_id": "1C-000123", "invoice_number": invoice["number"], "amount_kopecks": PRICE}
    paid = signed_post(world, body)
    assert paid.status == 201, paid.body
    assert paid.body == {"payment_id": "1C-000123", "invoice_id": invoice["id"], "status": "applied",
                         "repeated": False}
    license = licensing.get(world["license_id"])
    assert (license.version, str(license.ends_on)) == (2, "2027-12-31")

    again = signed_post(world, body)  # 1С sends it again (a lost answer)
    assert (again.status, again.body["repeated"], again.body["status"]) == (200, True, "applied")
    assert licensing.get(world["license_id"]).version == 2  # signed once
    assert [v["version"] for v in licensing.detail(world["license_id"]).model_dump()["versions"]] == [2, 1]

    # the same payment id for another amount is not a repeat
    reused = signed_post(world, {**body, "amount_kopecks": PRICE - 1})
    assert (reused.status, reused.code) == (409, "payment-id-reused")
    # another payment of the paid invoice is refused, and nothing is recorded
    second = signed_post(world, {**body, "payment_id": "1C-000124"})
    assert (second.status, second.code) == (409, "invoice-not-payable")
    assert world["admin"].get("/api/console/billing/payments/external/1C-000124").status == 404


def test_bad_requests_are_refused_and_change_nothing(world: dict[str, Any]) -> None:
    invoice = renewal_invoice(world)
    body = {"payment_id": "1C-1", "invoice_id": invoice["id"], "amount_kopecks": PRICE}
    now = int(clock.now().timestamp())
    cases = [
        (signed_post(world, body, secret="not-the-secret"), 401, "signature-invalid"),
        (signed_post(world, body, key_id="int_01JAAAAAAAAAAAAAAAAAAAAAAA"), 401, "signature-invalid"),
        (signed_post(world, body, timestamp=now - 301), 401, "timestamp-outside-window"),
        (signed_post(world, body, timestamp=now + 301), 401, "timestamp-outside-window"),
        (Client().post("/api/external/payments", body), 401, "timestamp-outside-window"),
        (signed_post(world, {**body, "invoice_id": "inv_01JAAAAAAAAAAAAAAAAAAAAAAA"}), 404, "invoice-unknown"),
        (signed_post(world, {**body, "invoice_id": None, "invoice_number": 999}), 404, "invoice-unknown"),
        (signed_post(world, {**body, "amount_kopecks": PRICE + 100}), 422, "amount-mismatch"),
        (signed_post(world, {**body, "invoice_number": 1}), 422, "validation-failed"),
        (signed_post(world, {**body, "amount_kopecks": -5}), 422, "validation-failed"),
    ]
    for answer, status, code in cases:
        assert (answer.status, answer.code) == (status, code), answer.body
        assert answer.headers["content-type"] == "application/problem+json"
    # a body changed after signing (the signature was over another one)
    raw = json.dumps(body)
    sent = str(int(clock.now().timestamp()))
    tampered = Client().post("/api/external/payments", raw_body=raw.replace(str(PRICE), str(PRICE - 1)), headers={
        "x-tessera-key": world["key_id"], "x-tessera-timestamp": sent,
        "x-tessera-signature": signature(world["secret"], sent, raw.encode())})
    assert (tampered.status, tampered.code) == (401, "signature-invalid")
    assert world["admin"].get(f"/api/console/billing/invoices/{invoice['id']}").body["status"] == "issued"
    assert world["admin"].get("/api/console/billing/payments").body["items"] == []
    assert licensing.get(world["license_id"]).version == 1


def test_keys_are_shown_once_rotated_and_revoked_by_admins_only(world: dict[str, Any]) -> None:
    admin, body = world["admin"], {"payment_id": "1C-9", "invoice_id": renewal_invoice(world)["id"],
                                   "amount_kopecks": PRICE}
    listed = admin.get("/api/console/integrations/credentials").body
    assert [(k["id"], k["status"], k["secret_hint"]) for k in listed] == [
        (world["key_id"], "active", world["secret"][-4:])]
    assert world["secret"] not in json.dumps(listed)
    for role in ("billing", "sales", "auditor"):
        assert as_staff(role).post("/api/console/integrations/credentials", {"name": "CRM"}).status == 403
    assert as_staff("auditor").get("/api/console/integrations/credentials").status == 200
    assert as_staff("billing").get("/api/console/integrations/credentials").status == 403

    rotated = admin.post(f"/api/console/integrations/credentials/{world['key_id']}/rotate")
    assert rotated.status == 200 and rotated.headers["cache-control"] == "no-store"
    assert rotated.body["secret"] != world["secret"]
    assert signed_post(world, body).code == "signature-invalid"  # the old secret stops at once
    revoked = admin.post(f"/api/console/integrations/credentials/{world['key_id']}/revoke",
                         {"reason": "1С replaced"})
    assert (revoked.status, revoked.body["status"]) == (200, "revoked")
    assert signed_post(world, body, secret=rotated.body["secret"]).code == "signature-invalid"
    assert admin.post(f"/api/console/integrations/credentials/{world['key_id']}/rotate").code == "credential-revoked"


def test_billing_staff_mark_an_invoice_paid_once(world: dict[str, Any]) -> None:
    invoice = renewal_invoice(world)
    url = f"/api/console/billing/invoices/{invoice['id']}/mark-paid"
    assert world["sales"].post(url, {"reference": "ПП-17", "amount_kopecks": PRICE}).status == 403
    billing = as_staff("billing")
    assert billing.post(url, {"reference": "ПП-17", "amount_kopecks": PRICE + 1}).code == "amount-mismatch"
    first = billing.post(url, {"reference": "ПП-17", "amount_kopecks": PRICE})
    assert (first.status, first.body["provider"], first.body["status"]) == (200, "manual", "applied"), first.body
    assert billing.post(url, {"reference": "ПП-17", "amount_kopecks": PRICE}).body["id"] == first.body["id"]
    assert licensing.get(world["license_id"]).version == 2
    assert world["admin"].get(f"/api/console/billing/invoices/{invoice['id']}").body["status"] == "paid"


def signed_get(world: dict[str, Any], query: dict[str, str]) -> Answer:
    from urllib.parse import urlencode

    sent = str(int(clock.now().timestamp()))
    return Client().get("/api/external/licenses/export", query=query, headers={
        "x-tessera-key": world["key_id"], "x-tessera-timestamp": sent,
        "x-tessera-signature": signature(world["secret"], sent, urlencode(query).encode())})


def test_the_license_export_is_signed_paged_json_or_csv(world: dict[str, Any]) -> None:
    second = world["admin"].post("/api/console/licenses", {"org_id": world["org_id"], **TERMS, "plan": "basic"})
    assert second.status == 201, second.body
    with clock.frozen(T0):
        page = signed_get(world, {"format": "json", "limit": "1"})
        assert page.status == 200, page.body
        assert len(page.body["items"]) == 1 and page.body["next_cursor"]
        rest = signed_get(world, {"format": "json", "cursor": page.body["next_cursor"]})
        ids = {page.body["items"][0]["id"], rest.body["items"][0]["id"]}
        assert ids == {world["license_id"], second.body["license"]["id"]}
        exported = signed_get(world, {"format": "csv"})
        assert exported.status == 200 and exported.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(exported.raw.decode("utf-8-sig"))))
        assert {r["id"] for r in rows} == ids
        assert {r["customer_name"] for r in rows} == {"ООО «Ромашка»"}
        assert tuple(rows[0]) == EXPORT_COLUMNS  # the key_hint and the key are not exported
        unsigned = Client().get("/api/external/licenses/export", query={"format": "csv"})
        assert (unsigned.status, unsigned.code) == (401, "timestamp-outside-window")
        query = {"format": "json", "limit": "5"}
        sent = str(int(clock.now().timestamp()))
        wrong = Client().get("/api/external/licenses/export", query=query, headers={
            "x-tessera-key": world["key_id"], "x-tessera-timestamp": sent,
            "x-tessera-signature": signature(world["secret"], sent, b"format=json&limit=1")})
        assert (wrong.status, wrong.code) == (401, "signature-invalid")
