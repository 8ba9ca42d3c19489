"""The closing documents of real invoices: the seller's requisites as a console setting, the счёт PDF of an
issued invoice, the act (УПД: the plans bear VAT) made once when the invoice is paid, both e-mailed once to
the owners from the billing table's stream; the customer's saved payment methods and their withdrawal;
another organization's documents and methods do not exist."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import boto3
import pytest
from botocore.config import Config

from localcloud.events import _matches_filters
from localcloud.template import load_yaml
from tessera.billing import documents_mail, documents_service, repository, service
from tessera.billing.providers.port import SavedMethod
from tessera.core import clock
from tessera.core.money import Money
from tests.integration.billing.conftest import T0
from tests.integration.identity.flows import customer
from tests.integration.notify.conftest import as_staff
from tests.integration.stack import Client, Platform

ROOT = Path(__file__).resolve().parents[3]
_SOURCE = load_yaml(ROOT / "template.yaml")["Resources"]["BillingDocumentsFunction"]["Properties"]["Events"]
FILTERS = [json.loads(f["Pattern"]) for f in _SOURCE["Invoices"]["Properties"]["FilterCriteria"]["Filters"]]
SBERBANK = {"bank_name": "ПАО Сбербанк, г. Москва", "bik": "044525225", "account": "40702810438000034726",
            "corr_account": "30101810400000000225"}
SELLER = {"name": "ООО «Тессера»", "inn": "7736207543", "kpp": "770401001", "ogrn": "1027700229193",
          "address": "119021, г. Москва, ул. Льва Толстого, д. 16", "bank": SBERBANK,
          "head": {"position": "Генеральный директор", "name": "Иванов И. И."},
          "accountant": {"position": "Главный бухгалтер", "name": "Петрова А. С."}, "tax_regime": "osn"}
SELLER_URL = "/api/console/billing/seller"


class BillingStream:
    """The billing table's stream as BillingDocumentsFunction's event source mapping delivers it: moto's
    records filtered by the template's FilterCriteria, in order."""

    def __init__(self, table: str) -> None:
        self.client = boto3.client("dynamodbstreams", config=Config(account_id_endpoint_mode="disabled"))
        arn = boto3.client("dynamodb").describe_table(TableName=table)["Table"]["LatestStreamArn"]
        shard = self.client.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
        self.iterator = self.client.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                                       ShardIteratorType="TRIM_HORIZON")["ShardIterator"]

    def deliver(self) -> list[dict[str, Any]]:
        page = self.client.get_records(ShardIterator=self.iterator)
        self.iterator = page["NextShardIterator"]
        records = [r for r in page["Records"] if _matches_filters(r, FILTERS)]
        assert documents_mail.on_stream(records) is None
        return records


@pytest.fixture
def world(billing: Platform) -> dict[str, Any]:
    owner, me = customer(billing, "owner@romashka.ru", company="ООО «Ромашка»")
    other, other_me = customer(billing, "owner@lyutik.ru", company="ООО «Лютик»")
    org, other_org = me["current"]["org_id"], other_me["current"]["org_id"]
    stream = BillingStream(billing.ids["BillingTable"])
    stream.deliver()  # nothing billed yet
    subscription = owner.post(f"/api/app/orgs/{org}/billing/subscriptions", {"plan": "fastlead_pro"}).body
    theirs = other.post(f"/api/app/orgs/{other_org}/billing/subscriptions", {"plan": "fastlead_start"}).body
    return {"owner": owner, "other": other, "org": org, "other_org": other_org, "stream": stream,
            "base": f"/api/app/orgs/{org}/billing", "their_base": f"/api/app/orgs/{other_org}/billing",
            "subscription": subscription, "their_subscription": theirs}


def _invoice(client: Client, base: str, subscription_id: str) -> dict[str, Any]:
    answer = client.post(f"{base}/subscriptions/{subscription_id}/invoice")
    assert answer.status == 200, answer.body
    return dict(answer.body)


def _pay(invoice: dict[str, Any], provider_payment_id: str, saved_method: SavedMethod | None = None) -> None:
    """Paid as a provider's webhook applies it, the card saved while paying when there is one."""
    service.apply_payment(provider="yookassa", provider_payment_id=provider_payment_id, invoice_id=invoice["id"],
                          attempt=1, amount=Money(invoice["total"]["kopecks"]), saved_method=saved_method)


def _filename(disposition: str) -> str:
    return unquote(disposition.split("filename*=UTF-8''", 1)[1])


def test_the_seller_s_requisites_are_a_setting_checked_and_audited(billing: Platform) -> None:
    accountant, auditor = as_staff("billing"), as_staff("auditor")
    missing = auditor.get(SELLER_URL)
    assert (missing.status, missing.code) == (404, "seller-requisites-missing")
    saved = accountant.call("PUT", SELLER_URL, SELLER)
    assert saved.status == 200, saved.body
    assert saved.body["inn"] == "7736207543" and saved.body["seller_id"] == "main"
    read = auditor.get(SELLER_URL)
    assert read.status == 200 and read.body == saved.body
    assert auditor.call("PUT", SELLER_URL, SELLER).status == 403
    assert as_staff("sales").get(SELLER_URL).status == 403

    for changes, field, code in [
            ({"inn": "7736207544"}, "body.inn", "inn_invalid"),
            ({"ogrn": "1027700229194"}, "body.ogrn", "ogrn_invalid"),
            ({"kpp": None}, "body.kpp", "kpp_required"),
            ({"bank": {**SBERBANK, "bik": "04452522"}}, "body.bank.bik", "bik_invalid"),
            ({"bank": {**SBERBANK, "account": "40702810438000034727"}}, "body.bank.account", "account_invalid"),
            ({"tax_regime": "vat22"}, "body.tax_regime", "enum")]:
        refused = accountant.call("PUT", SELLER_URL, {**SELLER, **changes})
        assert (refused.status, refused.code) == (422, "validation-failed"), changes
        assert [(e["loc"], e["code"]) for e in refused.body["errors"]] == [(field, code)], refused.body
    assert accountant.call("PUT", SELLER_URL, {**SELLER, "iban": "x"}).status == 422
    assert auditor.get(SELLER_URL).body == saved.body  # nothing changed

    from tessera.audit import service as audit

    events, _ = audit.search(entity=("billing_seller", "main"), date_from=T0.date())
    assert [e.action for e in events] == ["billing.seller.update"]


def test_an_invoice_s_pdf_and_e_mail_then_its_act_made_once_when_paid(world: dict[str, Any],
                                                                       billing: Platform) -> None:
    owner, base = world["owner"], world["base"]
    assert as_staff("billing").call("PUT", SELLER_URL, SELLER).status == 200
    invoice = _invoice(owner, base, world["subscription"]["id"])

    pdf = owner.get(f"{base}/invoices/{invoice['id']}/pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.raw.startswith(b"%PDF-")
    assert _filename(pdf.headers["content-disposition"]) == "Счёт № 1 от 01.03.2026.pdf"
    assert pdf.headers["content-disposition"].startswith('attachment; filename="')
    assert as_staff("auditor").get(f"/api/console/billing/invoices/{invoice['id']}/pdf").raw.startswith(b"%PDF-")

    world["stream"].deliver()  # the invoice issued: the счёт to the owner
    mails = billing.mails_to("owner@romashka.ru")
    invoice_mails = [m for m in mails if m.attachments]
    assert [a.filename for m in invoice_mails for a in m.attachments] == ["Счёт № 1 от 01.03.2026.pdf"]
    assert invoice_mails[0].attachments[0].content.startswith(b"%PDF-")
    assert invoice_mails[0].subject == "Счёт на оплату № 1 от 01.03.2026"

    with clock.frozen(T0 + timedelta(hours=1)):
        _pay(invoice, "pp-1")
    assert owner.get(f"{base}/acts").body["items"] == []  # the stream makes it
    world["stream"].deliver()
    acts = owner.get(f"{base}/acts").body
    assert [(a["number"], a["kind"], a["invoice_number"], a["issued_on"], a["total"]["kopecks"])
            for a in acts["items"]] == [(1, "upd", 1, "2026-03-01", invoice["total"]["kopecks"])]
    act = acts["items"][0]
    act_pdf = owner.get(f"{base}/acts/{act['id']}/pdf")
    assert act_pdf.status == 200 and act_pdf.raw.startswith(b"%PDF-")
    assert _filename(act_pdf.headers["content-disposition"]) == "УПД № 1 от 01.03.2026.pdf"
    attached = [a.filename for m in billing.mails_to("owner@romashka.ru") for a in m.attachments]
    assert attached == ["Счёт № 1 от 01.03.2026.pdf", "УПД № 1 от 01.03.2026.pdf"]

    # a retried batch, a repeated payment report: no second act, no second e-mail
    documents_mail.on_invoice_change("MODIFY", invoice["id"])
    documents_mail.on_invoice_change("INSERT", invoice["id"])
    _pay(invoice, "pp-1")
    world["stream"].deliver()
    assert [a["id"] for a in owner.get(f"{base}/acts").body["items"]] == [act["id"]]
    assert len([m for m in billing.mails_to("owner@romashka.ru") if m.attachments]) == 2

    console = as_staff("auditor").get("/api/console/billing/acts", query={"org_id": world["org"]}).body
    assert [a["id"] for a in console["items"]] == [act["id"]]
    assert as_staff("billing").get(f"/api/console/billing/acts/{act['id']}/pdf").status == 200
    assert as_staff("sales").get("/api/console/billing/acts").status == 403


def test_acts_are_numbered_without_gaps_and_print_the_requisites_in_force(world: dict[str, Any]) -> None:
    with clock.frozen(T0 - timedelta(days=1)):
        assert as_staff("billing").call("PUT", SELLER_URL, SELLER).status == 200
    ours = _invoice(world["owner"], world["base"], world["subscription"]["id"])
    theirs = _invoice(world["other"], world["their_base"], world["their_subscription"]["id"])
    with clock.frozen(T0 + timedelta(days=1)):
        assert as_staff("billing").call("PUT", SELLER_URL, {**SELLER, "name": "ООО «Тессера Новая»"}).status == 200
        _pay(theirs, "pp-theirs")
        _pay(ours, "pp-ours")
        world["stream"].deliver()
    numbers = {a.invoice_id: int(a.number) for a in repository.acts_page(org_id=None)[0]}
    assert numbers == {theirs["id"]: 1, ours["id"]: 2}
    record = repository.find_invoice(ours["id"])
    assert documents_service.invoice_document(record).seller.name == "ООО «Тессера»"  # in force when issued
    act = repository.find_act_of_invoice(ours["id"])
    assert documents_service.act_document(act, record).seller.name == "ООО «Тессера Новая»"


def test_documents_need_the_seller_s_requisites(world: dict[str, Any], billing: Platform) -> None:
    invoice = _invoice(world["owner"], world["base"], world["subscription"]["id"])
    refused = world["owner"].get(f"{world['base']}/invoices/{invoice['id']}/pdf")
    assert (refused.status, refused.code) == (409, "seller-requisites-missing")
    _pay(invoice, "pp-1")
    world["stream"].deliver()  # the act is made; its e-mail waits for nothing (logged), the stream goes on
    assert len(world["owner"].get(f"{world['base']}/acts").body["items"]) == 1
    assert not [m for m in billing.mails_to("owner@romashka.ru") if m.attachments]
    usn = world["owner"].get(f"{world['base']}/acts").body["items"][0]
    assert as_staff("billing").call("PUT", SELLER_URL, {**SELLER, "tax_regime": "usn"}).status == 200
    mismatch = world["owner"].get(f"{world['base']}/acts/{usn['id']}/pdf")
    assert (mismatch.status, mismatch.code) == (409, "seller-requisites-mismatch")  # VAT lines, seller on УСН


def test_saved_payment_methods_listed_masked_and_withdrawn(world: dict[str, Any], billing: Platform) -> None:
    owner, base = world["owner"], world["base"]
    invoice = _invoice(owner, base, world["subscription"]["id"])
    with clock.frozen(T0 + timedelta(minutes=5)):
        _pay(invoice, "pp-card", SavedMethod(provider="yookassa", token="2d6c-secret-token", title="Bank card *4444"))
    listed = owner.get(f"{base}/payment-methods")
    assert listed.status == 200
    [method] = listed.body["items"]
    assert (method["provider"], method["title"], method["autopay"], method["subscription_id"]) == (
        "yookassa", "Bank card *4444", True, world["subscription"]["id"])
    assert method["saved_at"] == "2026-03-01T09:05:00Z" and method["id"].startswith("pm_")
    assert "2d6c-secret-token" not in json.dumps(listed.body)

    assert owner.delete(f"{base}/payment-methods/not-an-id").status == 422
    withdrawn = owner.delete(f"{base}/payment-methods/{method['id']}")
    assert withdrawn.status == 204
    assert owner.get(f"{base}/payment-methods").body == {"items": []}
    assert repository.find_subscription(world["subscription"]["id"]).saved_method is None
    assert service.saved_method_of(repository.find_invoice(invoice["id"])) is None  # dunning asks for a card
    again = owner.delete(f"{base}/payment-methods/{method['id']}")
    assert (again.status, again.code) == (404, "not-found")

    from tessera.audit import service as audit

    events, _ = audit.search(entity=("subscription", world["subscription"]["id"]), date_from=T0.date())
    assert "subscription.forget_method" in [e.action for e in events]


def test_another_organization_s_documents_and_methods_answer_404(world: dict[str, Any]) -> None:
    assert as_staff("billing").call("PUT", SELLER_URL, SELLER).status == 200
    theirs = _invoice(world["other"], world["their_base"], world["their_subscription"]["id"])
    _pay(theirs, "pp-theirs", SavedMethod(provider="tbank", token="70001", title="*0777"))
    world["stream"].deliver()
    their_act = world["other"].get(f"{world['their_base']}/acts").body["items"][0]
    their_method = world["other"].get(f"{world['their_base']}/payment-methods").body["items"][0]
    owner, base = world["owner"], world["base"]
    for method, path in [("GET", f"{base}/invoices/{theirs['id']}/pdf"), ("GET", f"{base}/acts/{their_act['id']}/pdf"),
                         ("DELETE", f"{base}/payment-methods/{their_method['id']}")]:
        answer = owner.call(method, path)
        assert (answer.status, answer.code) == (404, "not-found"), path
    assert owner.get(f"{base}/acts").body["items"] == []
    assert owner.get(f"{base}/payment-methods").body["items"] == []
    for suffix in ("acts", "payment-methods", f"invoices/{theirs['id']}/pdf"):
        assert owner.get(f"{world['their_base']}/{suffix}").status == 404, suffix
    assert world["other"].get(f"{world['their_base']}/payment-methods").body["items"] == [their_method]


class _Down:
    """SES out for a while: every send fails (retryable)."""

    def send(self, email: Any) -> str:
        raise ConnectionError("SES unreachable")


def test_a_failed_document_e_mail_is_retried_with_the_same_attachment(world: dict[str, Any],
                                                                      billing: Platform) -> None:
    from tessera.notify import service as notify
    from tessera.notify.mail import use_mailer

    assert as_staff("billing").call("PUT", SELLER_URL, SELLER).status == 200
    _invoice(world["owner"], world["base"], world["subscription"]["id"])
    use_mailer(_Down())
    try:
        world["stream"].deliver()
    finally:
        use_mailer(billing.mailer)
    assert not [m for m in billing.mails_to("owner@romashka.ru") if m.attachments]
    [failed] = [d for d in notify.list_deliveries(org_id=world["org"]).items if d.template == "billing_document"]
    assert failed.status == "failed"
    assert notify.retry(failed.id) is not None  # what the notify worker does with the queued retry
    [mail] = [m for m in billing.mails_to("owner@romashka.ru") if m.attachments]
    assert [a.filename for a in mail.attachments] == ["Счёт № 1 от 01.03.2026.pdf"]
    assert mail.attachments[0].content.startswith(b"%PDF-")
    world["stream"].deliver()
    assert len([m for m in billing.mails_to("owner@romashka.ru") if m.attachments]) == 1
