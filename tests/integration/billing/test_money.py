"""Refunds, the payments' export and the bank-statement import through the real console handler, with the
real ЮKassa adapter talking to the local cloud's sandbox provider (in process): money that could not pay an
invoice refunded in parts and never beyond the payment, a provider that does not answer, a double click,
permissions; the payments as CSV and XLSX; a 1С statement imported after a dry run, twice."""

from __future__ import annotations

import base64
import csv
import io
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from localcloud import payments_sandbox
from localcloud.payments_sandbox import PaymentsSandbox
from tessera.billing import checkout, repository
from tessera.billing.providers import yookassa
from tests.integration.identity.flows import admin, customer
from tests.integration.notify.conftest import as_staff
from tests.integration.stack import Client, Platform

YOOKASSA_IP = "185.71.76.10"  # inside ЮKassa's 185.71.76.0/27
INN = "7707083893"
PRO = 999_000  # Fast Lead «Про», kopecks


class Sandbox:
    """The sandbox behind an httpx transport; `outage` loses the answers of the next refunds (done anyway)."""

    def __init__(self) -> None:
        self.box = PaymentsSandbox()
        self.box.send = self.record  # type: ignore[assignment]
        self.notifications: list[dict[str, Any]] = []
        self.outage = 0

    def record(self, url: str, *, json: dict[str, Any], timeout: float) -> httpx.Response:
        """The sandbox's notification, kept for the test to deliver."""
        self.notifications.append(json)
        return httpx.Response(200)

    def handle(self, request: httpx.Request) -> httpx.Response:
        headers = {name.lower(): value for name, value in request.headers.items()}
        status, out, body = self.box.handle(request.method, request.url.path, headers, request.content)
        if self.outage and request.url.path.endswith("/refunds"):
            self.outage -= 1
            raise httpx.ReadTimeout("no answer", request=request)
        return httpx.Response(status, headers=out, content=body)


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    provider = Sandbox()
    client = httpx.Client(base_url="http://sandbox/_local/yookassa/v3/", transport=httpx.MockTransport(provider.handle))
    monkeypatch.setattr(yookassa, "client_from", lambda _settings, _url: client)
    checkout._adapter.cache_clear()
    yield provider
    checkout._adapter.cache_clear()


@pytest.fixture
def world(billing: Platform, sandbox: Sandbox) -> dict[str, Any]:
    return paid_twice(billing, sandbox, "4111111111111111")


def paid_twice(billing: Platform, sandbox: Sandbox, card: str) -> dict[str, Any]:
    """A «Про» invoice paid twice: by bank transfer (marked by staff) and on the provider's page with `card`;
    the card payment arrived second and is `refund_due`."""
    staff = admin(billing)
    assert staff.call("PUT", "/api/console/billing/providers/yookassa", {
        "shop_id": payments_sandbox.SHOP_ID, "secret_key": payments_sandbox.SECRET_KEY}).status == 200
    assert staff.call("PUT", "/api/console/billing/providers/active", {"provider": "yookassa"}).status == 200
    owner, me = customer(billing, "owner@romashka.ru", company="ООО «Ромашка»")
    org = me["current"]["org_id"]
    base = f"/api/app/orgs/{org}/billing"
    subscription = owner.post(f"{base}/subscriptions", {"plan": "fastlead_pro"}).body
    invoice = owner.post(f"{base}/subscriptions/{subscription['id']}/invoice").body
    started = owner.post(f"{base}/invoices/{invoice['id']}/pay", {})
    assert started.status == 200, started.body
    payment_id = started.body["confirmation_url"].rsplit("/", 1)[1]
    status, _, _ = sandbox.box.handle("POST", f"/_local/yookassa/checkout/{payment_id}", {},
                                      f"card={card}&confirmed=1".encode())
    assert status == 303
    marked = staff.post(f"/api/console/billing/invoices/{invoice['id']}/mark-paid",
                        {"reference": "ПП-1", "amount_kopecks": PRO})
    assert marked.status == 200, marked.body
    delivered = Client(ip=YOOKASSA_IP).post("/api/webhooks/yookassa", sandbox.notifications[-1])
    assert delivered.status == 200, delivered.body
    assert repository.find_payment("yookassa", payment_id).status == "refund_due"
    return {"staff": staff, "owner": owner, "org": org, "invoice": invoice, "payment_id": payment_id,
            "path": f"/api/console/billing/payments/yookassa/{payment_id}"}


def test_refund_due_money_is_refunded_in_parts_and_never_beyond_the_payment(world: dict[str, Any],
                                                                            sandbox: Sandbox) -> None:
    billing = as_staff("billing")
    first = billing.post(f"{world['path']}/refund", {"amount": 300_000, "reason": "Оплачен дважды: часть"})
    assert first.status == 200, first.body
    assert (first.body["number"], first.body["status"], first.body["amount"]["kopecks"]) == (1, "succeeded", 300_000)
    refund = next(iter(sandbox.box.refunds.values()))
    assert refund["payment_id"] == world["payment_id"] and refund["amount"] == {"value": "3000.00", "currency": "RUB"}

    too_much = billing.post(f"{world['path']}/refund", {"amount": 700_000, "reason": "Слишком много"})
    assert (too_much.status, too_much.code) == (422, "refund-exceeds-payment")
    assert too_much.body["errors"][0]["loc"] == "body.amount"
    assert len(sandbox.box.refunds) == 1
    assert repository.find_payment("yookassa", world["payment_id"]).refunded == 300_000

    rest = billing.post(f"{world['path']}/refund", {"reason": "Остаток двойной оплаты"})  # default: all that is left
    assert (rest.status, rest.body["number"], rest.body["amount"]["kopecks"]) == (200, 2, 699_000)
    assert sandbox.box.payments[world["payment_id"]]["refunded_amount"] == {"value": "9990.00", "currency": "RUB"}

    card = billing.get(world["path"]).body
    assert (card["status"], card["refunded"]["kopecks"]) == ("refund_due", PRO)
    assert [(r["number"], r["status"], r["reason"]) for r in card["refunds"]] == [
        (1, "succeeded", "Оплачен дважды: часть"), (2, "succeeded", "Остаток двойной оплаты")]
    listed = billing.get("/api/console/billing/payments", query={"status": "refund_due"}).body["items"]
    assert listed[0]["refunded"]["kopecks"] == PRO
    nothing_left = billing.post(f"{world['path']}/refund", {"reason": "Ещё раз"})
    assert (nothing_left.status, nothing_left.code) == (422, "refund-exceeds-payment")


def test_no_answer_is_503_and_the_repeat_refunds_once(world: dict[str, Any], sandbox: Sandbox) -> None:
    billing = as_staff("billing")
    sandbox.outage = 1
    lost = billing.post(f"{world['path']}/refund", {"reason": "Двойная оплата"})
    assert (lost.status, lost.code, lost.headers["retry-after"]) == (503, "refund-provider-unavailable", "5")
    assert repository.find_refund("yookassa", world["payment_id"], 1).status == "starting"
    other = billing.post(f"{world['path']}/refund", {"amount": 100, "reason": "Другой возврат"})
    assert (other.status, other.code) == (409, "refund-in-progress")
    repeated = billing.post(f"{world['path']}/refund", {"reason": "Двойная оплата"})
    assert (repeated.status, repeated.body["number"], repeated.body["status"]) == (200, 1, "succeeded")
    assert len(sandbox.box.refunds) == 1  # the provider refunded once: the repeat carried the same key


def test_a_pending_refund_is_settled_by_the_providers_notification_once(billing: Platform, sandbox: Sandbox,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    later: list[tuple[Any, tuple[Any, ...]]] = []  # the sandbox settles a 3-D Secure payment's refund a moment later
    monkeypatch.setattr(PaymentsSandbox, "_later", staticmethod(lambda action, *args: later.append((action, args))))
    world = paid_twice(billing, sandbox, "4000000000003220")
    staff = as_staff("billing")
    opened = staff.post(f"{world['path']}/refund", {"reason": "Оплачен дважды"})
    assert (opened.status, opened.body["status"]) == (200, "pending")
    still = staff.post(f"{world['path']}/refunds/1/check")
    assert (still.status, still.body["status"]) == (200, "pending")

    action, args = later.pop()
    action(*args)  # the provider finishes it and notifies
    notification = sandbox.notifications[-1]
    assert notification["event"] == "refund.succeeded"
    for _ in range(2):  # a redelivery changes nothing
        assert Client(ip=YOOKASSA_IP).post("/api/webhooks/yookassa", notification).status == 200
    card = staff.get(world["path"]).body
    assert [(r["status"], r["amount"]["kopecks"]) for r in card["refunds"]] == [("succeeded", PRO)]
    assert card["refunded"]["kopecks"] == PRO
    assert staff.post(f"{world['path']}/refunds/1/check").body["status"] == "succeeded"
    assert staff.post(f"{world['path']}/refunds/2/check").status == 404
    assert as_staff("sales").post(f"{world['path']}/refunds/1/check").status == 403


def test_a_pending_refund_the_provider_cancels_frees_its_amount_when_checked(billing: Platform, sandbox: Sandbox,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(PaymentsSandbox, "_later", staticmethod(lambda action, *args: None))  # never settles by itself
    world = paid_twice(billing, sandbox, "4000000000003220")
    staff = as_staff("billing")
    opened = staff.post(f"{world['path']}/refund", {"amount": 100_000, "reason": "Часть двойной оплаты"})
    assert opened.body["status"] == "pending"
    assert repository.find_payment("yookassa", world["payment_id"]).refunded == 100_000
    next(iter(sandbox.box.refunds.values()))["status"] = "canceled"  # ЮKassa sends no notification for this
    checked = staff.post(f"{world['path']}/refunds/1/check")
    assert (checked.status, checked.body["status"], checked.body["error_code"]) == (200, "canceled",
                                                                                    "provider-canceled")
    assert repository.find_payment("yookassa", world["payment_id"]).refunded == 0


def test_parallel_clicks_refund_once(world: dict[str, Any], sandbox: Sandbox) -> None:
    billing = as_staff("billing")
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: billing.post(f"{world['path']}/refund", {"reason": "Двойная оплата"}),
                                range(4)))
    assert {a.status for a in answers} == {200}, [a.body for a in answers]
    assert {a.body["id"] for a in answers} == {answers[0].body["id"]}
    assert len(sandbox.box.refunds) == 1
    assert repository.find_payment("yookassa", world["payment_id"]).refunded == PRO


def test_bad_refunds_change_nothing_and_only_billing_staff_refund(world: dict[str, Any], sandbox: Sandbox) -> None:
    path = f"{world['path']}/refund"
    for role in ("sales", "support", "auditor", "developer"):
        assert as_staff(role).post(path, {"reason": "Двойная оплата"}).status == 403, role
    assert world["owner"].post(path, {"reason": "Двойная оплата"}).status in (401, 403)
    billing = as_staff("billing")
    for body in ({"amount": 0, "reason": "Ноль"}, {"amount": -5, "reason": "Минус"}, {"amount": 100},
                 {"amount": 100, "reason": "ок", "extra": 1}, {"amount": "сто", "reason": "Строка"}):
        answer = billing.post(path, body)
        assert (answer.status, answer.code) == (422, "validation-failed"), body
    unknown = billing.post("/api/console/billing/payments/yookassa/2f000000-0000-5000-8000-000000000000/refund",
                           {"reason": "Нет такого"})
    assert (unknown.status, unknown.code) == (404, "not-found")
    manual = billing.post("/api/console/billing/payments/manual/ПП-1/refund", {"reason": "Банковский перевод"})
    assert (manual.status, manual.code) == (409, "refund-not-through-provider")
    assert not sandbox.box.refunds and not repository.refunds_of("yookassa", world["payment_id"])
    assert not repository.find_payment("yookassa", world["payment_id"]).refunded


# --- export ----------------------------------------------------------------------------------------

def test_payments_export_csv_and_xlsx(world: dict[str, Any]) -> None:
    auditor = as_staff("auditor")
    answer = auditor.get("/api/console/billing/payments/export",
                         query={"format": "csv", "org_id": world["org"], "from": "2026-03-01", "to": "2026-03-01"})
    assert answer.status == 200, answer.body
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"].startswith('attachment; filename="tessera-payments-')
    assert answer.raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(answer.raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:8] == ["Дата (МСК)", "Счёт №", "Клиент", "Сумма, ₽", "Возвращено, ₽", "Валюта", "Статус",
                           "Способ оплаты"]
    by_provider = {row[7]: row for row in rows[1:]}
    assert set(by_provider) == {"ЮKassa", "вручную"}
    card = by_provider["ЮKassa"]
    assert card[0] == "01.03.2026 12:00"  # 09:00 UTC in Moscow
    assert card[1:7] == [str(world["invoice"]["number"]), "ООО «Ромашка»", "9990,00", "0,00", "RUB", "к возврату"]
    assert card[8] == world["payment_id"] and by_provider["вручную"][6] == "зачтён"

    xlsx = auditor.get("/api/console/billing/payments/export", query={"format": "xlsx"})
    assert xlsx.status == 200
    sheet = load_workbook(io.BytesIO(xlsx.raw)).active
    assert sheet["D1"].value == "Сумма, ₽" and sheet["D2"].value == 9990 and sheet.max_row == 3

    later = auditor.get("/api/console/billing/payments/export", query={"format": "csv", "from": "2026-03-02"})
    assert len(list(csv.reader(io.StringIO(later.raw.decode("utf-8-sig")), delimiter=";"))) == 1  # the header only
    backwards = auditor.get("/api/console/billing/payments/export", query={"from": "2026-03-02", "to": "2026-03-01"})
    assert (backwards.status, backwards.code) == (422, "period-invalid")
    assert as_staff("sales").get("/api/console/billing/payments/export").status == 403


def test_licenses_export_as_xlsx(billing: Platform) -> None:
    _, me = customer(billing, "owner@lyutik.ru", company="ООО «Лютик»")
    issued = as_staff("admin").post("/api/console/licenses", {
        "org_id": me["current"]["org_id"], "plan": "advanced", "starts_on": "2026-01-01", "ends_on": "2026-12-31",
        "grace_days": 14, "domain": "budget.lyutik.ru", "version_min": "4.0"})
    assert issued.status == 201, issued.body
    answer = as_staff("billing").get("/api/console/licenses/export")
    assert answer.status == 200, answer.body
    assert answer.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(answer.raw)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["ID", "Клиент", "ID клиента"] and len(rows) == 2
    assert rows[1][:2] == [issued.body["license"]["id"], "ООО «Лютик»"] and rows[1][6:8] == ["01.01.2026", "31.12.2026"]
    assert as_staff("developer").get("/api/console/licenses/export").status == 403


# --- import ----------------------------------------------------------------------------------------

def statement(*rows: list[str], header: tuple[str, ...] = ("Номер", "Дата", "Сумма", "ПлательщикИНН",
                                                             "Счёт №")) -> dict[str, Any]:
    text = "\r\n".join(";".join(row) for row in [list(header), *rows])
    return {"format": "csv", "content_base64": base64.b64encode(text.encode("cp1251")).decode(),
            "file_name": "выписка.csv"}


@pytest.fixture
def unpaid(billing: Platform) -> dict[str, Any]:
    """A customer with an ИНН and an unpaid «Про» invoice."""
    owner, me = customer(billing, "owner@vasilek.ru", company="ООО «Василёк»")
    org = me["current"]["org_id"]
    assert as_staff("sales").patch(f"/api/console/customers/{org}", {"inn": INN, "kpp": "773601001"}).status == 200
    base = f"/api/app/orgs/{org}/billing"
    subscription = owner.post(f"{base}/subscriptions", {"plan": "fastlead_pro"}).body
    invoice = owner.post(f"{base}/subscriptions/{subscription['id']}/invoice").body
    return {"org": org, "invoice": invoice, "number": str(invoice["number"])}


def test_a_statement_is_previewed_then_applied_and_a_second_import_changes_nothing(unpaid: dict[str, Any]) -> None:
    billing = as_staff("billing")
    body = statement(["17", "01.03.2026", "9 990,00", INN, unpaid["number"]])
    dry = billing.post("/api/console/billing/payments/import", body)  # dry_run by default
    assert dry.status == 200, dry.body
    assert (dry.body["dry_run"], dry.body["applied"], dry.body["created"], dry.body["errors"]) == (True, False, 1, [])
    row = dry.body["preview"][0]
    assert (row["line"], row["action"], row["provider_payment_id"], row["amount"]["kopecks"]) == (
        2, "apply", f"{INN}:2026-03-01:17", PRO)
    assert repository.find_invoice(unpaid["invoice"]["id"]).status == "issued"

    applied = billing.post("/api/console/billing/payments/import", body, query={"dry_run": "false"})
    assert (applied.status, applied.body["applied"], applied.body["created"]) == (200, True, 1), applied.body
    assert repository.find_invoice(unpaid["invoice"]["id"]).status == "paid"
    assert repository.find_payment("bank", f"{INN}:2026-03-01:17").status == "applied"

    again = billing.post("/api/console/billing/payments/import", body, query={"dry_run": "false"})
    assert (again.body["applied"], again.body["created"], again.body["unchanged"]) == (True, 0, 1)
    assert again.body["preview"][0]["action"] == "unchanged"


def test_bad_rows_are_reported_with_line_and_column_and_nothing_is_applied(unpaid: dict[str, Any]) -> None:
    billing = as_staff("billing")
    body = statement(["17", "01.03.2026", "9 990,00", INN, unpaid["number"]],
                     ["18", "01.03.2026", "9 990,00", "7707083894", unpaid["number"]],
                     ["19", "31.02.2026", "сто", INN, "999999"],
                     ["17", "01.03.2026", "9 990,00", INN, unpaid["number"]],
                     ["20", "01.03.2026", "100,00", INN, unpaid["number"]])
    report = billing.post("/api/console/billing/payments/import", body, query={"dry_run": "false"})
    assert report.status == 200, report.body
    assert report.body["applied"] is False
    assert [(e["line"], e["field"], e["code"]) for e in report.body["errors"]] == [
        (3, "payer_inn", "inn"), (4, "invoice_number", "invoice-unknown"), (4, "amount", "amount"),
        (4, "paid_on", "date"), (5, "document_number", "duplicate-document"), (6, "amount", "amount-mismatch")]
    assert report.body["errors"][0]["message"] == "not a valid ИНН: 10 or 12 digits with a correct checksum"
    assert repository.find_invoice(unpaid["invoice"]["id"]).status == "issued"
    assert repository.find_payment("bank", f"{INN}:2026-03-01:17") is None

    missing = billing.post("/api/console/billing/payments/import", statement(header=("Номер", "Сумма")))
    assert [(e["line"], e["field"], e["code"]) for e in missing.body["errors"]] == [
        (1, "invoice_number", "missing-column"), (1, "paid_on", "missing-column"),
        (1, "payer_inn", "missing-column")]
    broken = billing.post("/api/console/billing/payments/import",
                          {"format": "xlsx", "content_base64": base64.b64encode(b"not a workbook").decode()})
    assert (broken.status, broken.code) == (422, "import-unreadable")
    assert as_staff("sales").post("/api/console/billing/payments/import", body).status == 403
    assert as_staff("auditor").post("/api/console/billing/payments/import", body).status == 403


def test_a_payer_that_is_not_the_invoices_customer_is_refused(unpaid: dict[str, Any]) -> None:
    body = statement(["21", "01.03.2026", "9990.00", "500100732259", unpaid["number"]])
    report = as_staff("billing").post("/api/console/billing/payments/import", body, query={"dry_run": "false"})
    assert [(e["line"], e["code"]) for e in report.body["errors"]] == [(2, "payer-inn-mismatch")]
    assert repository.find_invoice(unpaid["invoice"]["id"]).status == "issued"
