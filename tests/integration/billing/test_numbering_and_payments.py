"""Invoice numbers under concurrency and payments applied exactly once, on moto (which applies one
request at a time, as DynamoDB serializes conflicting writes: tests/conftest.py)."""

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from tessera.audit import service as audit
from tessera.billing import service
from tessera.billing.pricing import Line
from tessera.billing.service import Actor
from tessera.core import clock
from tessera.core.money import Money
from tests.integration.billing.conftest import T0

ORG = "org_01JAAAAAAAAAAAAAAAAAAAAAAA"
STAFF = Actor("usr_billing", "staff", "Бухгалтер", ("billing",))


def renewal_invoice(org: str = ORG) -> Any:
    return service.issue_invoice(org, "license_renewal", {"license_id": "lic_01JCCCCCCCCCCCCCCCCCCCCCCC"},
                                 [Line("Продление лицензии IT Budget Manager на 2027 год", 1, Money(12_200_000), 22)],
                                 STAFF)


def in_parallel(count: int, call: Any) -> list[Any]:
    moment = clock.now()

    def run(index: int) -> Any:
        with clock.frozen(moment):
            return call(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def test_twenty_concurrent_issuers_get_1_to_20_without_gaps_or_duplicates(billing: Any) -> None:
    invoices = in_parallel(20, lambda _: renewal_invoice())
    assert sorted(invoice.number for invoice in invoices) == list(range(1, 21))
    assert len({invoice.id for invoice in invoices}) == 20
    listed = service.list_invoices(limit=100).items
    assert sorted(invoice.number for invoice in listed) == list(range(1, 21))  # nothing else was written
    assert renewal_invoice().number == 21


def test_an_issued_invoice_totals_vat_and_is_audited(billing: Any) -> None:
    invoice = renewal_invoice()
    assert (invoice.status, invoice.number, invoice.seller_id) == ("issued", 1, "main")
    assert (invoice.total.kopecks, invoice.vat_total.kopecks) == (12_200_000, 2_200_000)  # 22 % inside 122 000 ₽
    assert invoice.due_at == T0 + timedelta(days=5)
    [event] = audit.search(entity=("invoice", invoice.id), date_from=T0.date())[0]
    assert (event.action, event.actor.id, event.after["number"]) == ("invoice.issue", "usr_billing", 1)


def test_ten_parallel_applies_of_one_payment_apply_it_once(billing: Any) -> None:
    subscription = service.start_trial(ORG, "fastlead_pro", STAFF)
    invoice = service.period_invoice(subscription.id, STAFF)
    payments = in_parallel(10, lambda _: service.apply_payment(
        provider="tbank", provider_payment_id="8742591", invoice_id=invoice.id, attempt=1, amount=Money(999_000)))
    assert len({payment.id for payment in payments}) == 1 and payments[0].status == "applied"
    assert [p.provider_payment_id for p in service.list_payments(org_id=ORG).items] == ["8742591"]
    assert service.get_invoice(invoice.id).status == "paid"
    paid = service.get_subscription(subscription.id)
    assert (paid.state, paid.period_end) == ("active", T0 + timedelta(days=31))  # one period, not ten
    applied = [e for e in audit.search(org=ORG, date_from=T0.date())[0] if e.action == "payment.apply"]
    assert len(applied) == 1


def test_money_that_cannot_pay_the_invoice_is_recorded_not_applied(billing: Any) -> None:
    invoice = renewal_invoice()
    short = service.apply_payment(provider="yookassa", provider_payment_id="2d8f-short", invoice_id=invoice.id,
                                  attempt=1, amount=Money(100))
    assert short.status == "mismatch" and service.get_invoice(invoice.id).status == "issued"
    paid = service.apply_payment(provider="yookassa", provider_payment_id="2d8f-paid", invoice_id=invoice.id,
                                 attempt=2, amount=Money(12_200_000))
    second = service.apply_payment(provider="tbank", provider_payment_id="99", invoice_id=invoice.id,
                                   attempt=3, amount=Money(12_200_000))
    assert (paid.status, second.status) == ("applied", "refund_due")  # paid twice: the second is owed back
    statuses = Counter(p.status for p in service.list_payments(org_id=ORG).items)
    assert statuses == Counter({"mismatch": 1, "applied": 1, "refund_due": 1})
    assert [p.id for p in service.list_payments(status="refund_due").items] == [second.id]


def test_provider_events_are_stored_once_per_object_and_event(billing: Any) -> None:
    body = '{"type":"notification","event":"payment.succeeded","object":{"id":"2d8f"}}'
    assert service.store_provider_event("yookassa", "2d8f", "payment.succeeded", body, "185.71.76.1")
    assert not service.store_provider_event("yookassa", "2d8f", "payment.succeeded", body, "185.71.76.1")
    assert service.store_provider_event("yookassa", "2d8f", "payment.canceled", body, "185.71.76.1")


def test_lists_page_newest_first_and_filter(billing: Any) -> None:
    first = renewal_invoice()
    with clock.frozen(T0 + timedelta(minutes=1)):
        second = renewal_invoice("org_01JBBBBBBBBBBBBBBBBBBBBBBB")
    page = service.list_invoices(limit=1)
    assert [i.id for i in page.items] == [second.id] and page.next_cursor
    rest = service.list_invoices(limit=1, cursor=page.next_cursor)
    assert [i.id for i in rest.items] == [first.id]
    assert [i.id for i in service.list_invoices(org_id=ORG).items] == [first.id]
    assert [i.id for i in service.list_invoices(number=2).items] == [second.id]
    assert service.list_invoices(status="paid").items == []
