"""The closing documents of real invoices: the seller's requisites (a console setting, kept per seller with
a dated copy of each save), the act of a paid invoice (an акт, or a УПД when the invoice bears VAT; numbered
per seller without gaps), their PDFs rendered on demand, and the customer's saved payment methods.
`tessera.billing.documents` draws the PDFs, this module says what goes on them, `documents_mail` e-mails them."""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote

from pydantic import BaseModel, Field, ValidationError
from pynamodb.exceptions import TransactWriteError

from tessera.accounts import service as accounts
from tessera.accounts.models import AmountView
from tessera.audit import service as audit
from tessera.billing import repository, service
from tessera.billing.documents.model import (
    Act,
    Buyer,
    Document,
    DocumentLine,
    Invoice,
    Requisites,
    Upd,
)
from tessera.billing.documents.pdf import render  # fpdf2 itself is imported when a PDF is made
from tessera.billing.records import ActRecord, InvoiceRecord, SellerRequisitesRecord, SubscriptionRecord
from tessera.billing.service import MOSCOW, NUMBERING_ATTEMPTS, SYSTEM, Actor
from tessera.billing.settings import BillingSettings
from tessera.core import clock
from tessera.core.dynamo import refused
from tessera.core.errors import Conflict, NotFound
from tessera.core.i18n import register
from tessera.core.ids import new_id
from tessera.core.money import Money
from tessera.core.observability import count, logger
from tessera.core.settings import get_settings

register({
    "seller-requisites-missing": {
        "ru": "Реквизиты продавца не заполнены: консоль → Биллинг → Реквизиты продавца.",
        "en": "The seller's requisites are not set: console → Billing → Seller's requisites."},
    "seller-requisites-mismatch": {
        "ru": "Реквизиты продавца не подходят к документу (например, продавец на УСН, а в счёте есть НДС).",
        "en": "The seller's requisites do not fit the document (e.g. a seller on УСН and VAT in the invoice)."},
    "invoice-not-issued": {"ru": "Черновик счёта ещё не выставлен: у него нет номера.",
                           "en": "The invoice is a draft: it has no number yet."},
})

BASIS = "Публичная оферта"
DocumentKind = Literal["act", "upd"]
TITLES = {"invoice": "Счёт", "act": "Акт", "upd": "УПД"}


def _iso(moment: dt.datetime) -> str:
    """A fixed-width UTC time, so dated keys sort as times."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _moscow_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(MOSCOW).date()


def current_seller_id() -> str:
    return get_settings(BillingSettings).seller_id


# --- the seller's requisites -------------------------------------------------------------------------

class SellerRequisitesView(Requisites):
    """The requisites as saved, with who saved them last and when."""

    seller_id: str
    saved_at: dt.datetime
    saved_by: str


def _requisites_view(record: SellerRequisitesRecord) -> SellerRequisitesView:
    return SellerRequisitesView.model_validate({**record.requisites, "seller_id": record.seller_id,
                                                "saved_at": record.saved_at, "saved_by": record.saved_by})


def get_requisites() -> SellerRequisitesView:
    record = repository.find_requisites(current_seller_id())
    if record is None:
        raise NotFound("The seller's requisites are not set.", code="seller-requisites-missing")
    return _requisites_view(record)


def save_requisites(requisites: Requisites, actor: Actor) -> SellerRequisitesView:
    """The requisites documents print from now on (documents issued before keep those then in force),
    with a dated copy and the audit event in one transaction."""
    seller_id = current_seller_id()
    current = repository.find_requisites(seller_id)
    before = current.requisites if current is not None else None
    after = requisites.model_dump(mode="json")
    now = clock.now()
    if current is None:
        pk, sk = repository.requisites_key(seller_id)
        current = SellerRequisitesRecord(pk=pk, sk=sk, seller_id=seller_id)
    current.requisites, current.saved_at, current.saved_by = after, now, actor.id
    dated = SellerRequisitesRecord(pk=current.pk, sk=f"{current.sk}#{_iso(now)}", seller_id=seller_id,
                                   requisites=after, saved_at=now, saved_by=actor.id)
    try:
        audit.record_change(lambda tx: repository.add_requisites(tx, current, dated), "billing.seller.update",
                            "billing_seller", seller_id, actor_id=actor.id, actor_kind=actor.kind,
                            actor_display=actor.display, actor_roles=actor.roles, request=actor.request,
                            before=before, after=after)
    except TransactWriteError as exc:
        raise Conflict("Someone changed this at the same time. Reload and try again.",
                       code="concurrent-change") from exc
    return _requisites_view(current)


def _requisites_at(seller_id: str, moment: dt.datetime) -> Requisites:
    """The requisites in force at `moment`; a document older than the first save prints the first."""
    record = repository.requisites_in_force(seller_id, _iso(moment)) or repository.find_requisites(seller_id)
    if record is None:
        raise Conflict("The seller's requisites are not set.", code="seller-requisites-missing")
    return Requisites.model_validate(record.requisites)


# --- the acts ----------------------------------------------------------------------------------------

class ActView(BaseModel):
    id: str
    number: int
    kind: DocumentKind = Field(description="act: акт; upd: УПД (the invoice bears VAT)")
    invoice_id: str
    invoice_number: int
    org_id: str
    issued_on: dt.date
    total: AmountView


class ActPage(BaseModel):
    items: list[ActView]
    next_cursor: str | None


def act_view(record: ActRecord) -> ActView:
    return ActView(id=record.act_id, number=int(record.number), kind=record.kind,
                   invoice_id=record.invoice_id, invoice_number=int(record.invoice_number), org_id=record.org_id,
                   issued_on=dt.date.fromisoformat(record.issued_on),
                   total=AmountView.of(int(record.total), record.currency))


def make_act(invoice: InvoiceRecord) -> ActRecord | None:
    """The act of a paid invoice under the seller's next act number, once: the invoice's guard item is
    written in the same transaction, so a repeat (a retried stream batch, a second payment report) finds
    the act made first. None for an invoice that is not paid."""
    if invoice.status != "paid" or invoice.number is None:
        return None
    existing = repository.find_act_of_invoice(invoice.invoice_id)
    if existing is not None:
        return existing
    seller = invoice.seller_id
    now = clock.now()
    act_id = new_id("act")
    pk, sk = repository.act_key(act_id)
    record = ActRecord(pk=pk, sk=sk, act_id=act_id, org_id=invoice.org_id, created_at=now, seller_id=seller,
                       number=0, kind="upd" if int(invoice.vat_total) > 0 else "act", invoice_id=invoice.invoice_id,
                       invoice_number=int(invoice.number),
                       issued_on=_moscow_day(invoice.paid_at or now).isoformat(), total=int(invoice.total),
                       currency=invoice.currency)
    guard = repository.invoice_act(invoice.invoice_id)
    guard.act_id = act_id
    for attempt in range(NUMBERING_ATTEMPTS):
        last = repository.last_act_number(seller)
        record.number = last + 1
        counter = repository.act_counter(seller, last)
        after = {"id": act_id, "number": record.number, "kind": record.kind, "invoice_id": invoice.invoice_id}

        def writes(tx: Any, counter: Any = counter, last: int = last) -> None:
            repository.add_new_act(tx, record, guard, counter, last)

        try:
            audit.record_change(writes, "act.issue", "act", act_id, actor_id=SYSTEM.id, actor_kind=SYSTEM.kind,
                                org_id=invoice.org_id, after=after)
        except TransactWriteError as exc:
            if exc.cause_response_code != "TransactionCanceledException":
                raise
            if refused(exc, guard):
                return repository.find_act_of_invoice(invoice.invoice_id)
            if not refused(exc, counter):
                raise
            time.sleep(random.uniform(0, 0.005 * (attempt + 1)))  # noqa: S311  (jitter, not a secret)
            continue
        count("act_issued")
        return record
    raise Conflict("Someone changed this at the same time. Try again.", code="concurrent-change")


def list_acts(org_id: str | None = None, cursor: str | None = None, limit: int | None = None) -> ActPage:
    items, next_cursor = repository.acts_page(org_id=org_id, cursor=cursor, limit=limit)
    return ActPage(items=[act_view(r) for r in items], next_cursor=next_cursor)


def _act(act_id: str, org_id: str | None) -> ActRecord:
    record = repository.find_act(act_id)
    if record is None or (org_id is not None and record.org_id != org_id):
        raise NotFound("No such act.", code="not-found")
    return record


# --- the documents as data and as PDFs ---------------------------------------------------------------

def _invoice(invoice_id: str, org_id: str | None) -> InvoiceRecord:
    record = repository.find_invoice(invoice_id)
    if record is None or (org_id is not None and record.org_id != org_id):
        raise NotFound("No such invoice.", code="not-found")
    return record


def _buyer(org_id: str) -> Buyer:
    """The customer's card as the buyer; a card whose ИНН/КПП do not fit together prints the name only."""
    card = accounts.card(org_id)
    name = card.legal_name or card.name
    try:
        return Buyer(name=name, inn=card.inn, kpp=card.kpp if card.inn else None)
    except ValidationError:
        return Buyer(name=name)


def _lines(invoice: InvoiceRecord) -> tuple[DocumentLine, ...]:
    return tuple(DocumentLine(description=line["description"], quantity=line["quantity"],
                              unit_price=Money(int(line["unit_price"]), invoice.currency),
                              vat_rate=line["vat_rate"]) for line in invoice.lines)


def _built[D: Document](kind: type[D], **fields: Any) -> D:
    """The document, or 409 when the seller's requisites cannot print it (VAT lines for a seller on УСН)."""
    try:
        return kind(**fields)
    except ValidationError as exc:
        reasons = sorted({str(error["type"]) for error in exc.errors()})
        raise Conflict("The seller's requisites do not fit the document.", code="seller-requisites-mismatch",
                       reasons=reasons) from exc


def invoice_document(invoice: InvoiceRecord) -> Invoice:
    if invoice.number is None or invoice.issued_at is None:
        raise Conflict("The invoice is a draft: it has no number yet.", code="invoice-not-issued")
    return _built(Invoice, number=str(int(invoice.number)), date=_moscow_day(invoice.issued_at),
                  seller=_requisites_at(invoice.seller_id, invoice.issued_at), buyer=_buyer(invoice.org_id),
                  lines=_lines(invoice), basis=BASIS,
                  due_date=_moscow_day(invoice.due_at) if invoice.due_at else None)


def act_document(act: ActRecord, invoice: InvoiceRecord) -> Act | Upd:
    issued_on = dt.date.fromisoformat(act.issued_on)
    invoice_day = _moscow_day(invoice.issued_at or act.created_at)
    basis = f"Счёт на оплату № {int(invoice.number or 0)} от {invoice_day:%d.%m.%Y}"
    fields: dict[str, Any] = {"number": str(int(act.number)), "date": issued_on, "buyer": _buyer(act.org_id),
                              "seller": _requisites_at(act.seller_id, act.created_at), "lines": _lines(invoice),
                              "basis": basis}
    if act.kind == "upd":
        return _built(Upd, shipped_on=issued_on, **fields)
    return _built(Act, **fields)


@dataclass(frozen=True)
class PdfFile:
    filename: str  # as the document is called: «Счёт № 12 от 03.12.2026.pdf»
    fallback: str  # ASCII, for clients that do not read `filename*`
    body: bytes

    @property
    def content_disposition(self) -> str:
        """RFC 6266, the Russian name in `filename*` (RFC 8187 UTF-8 percent-encoding)."""
        return f"attachment; filename=\"{self.fallback}\"; filename*=UTF-8''{quote(self.filename, safe='')}"


def pdf_file(kind: str, number: int, document: Invoice | Act | Upd) -> PdfFile:
    return PdfFile(f"{TITLES[kind]} № {number} от {document.date:%d.%m.%Y}.pdf",
                   f"{kind}-{number}-{document.date.isoformat()}.pdf", render(document))


def invoice_pdf(invoice_id: str, org_id: str | None = None) -> PdfFile:
    """The счёт as a PDF; another organization's invoice does not exist."""
    invoice = _invoice(invoice_id, org_id)
    return pdf_file("invoice", int(invoice.number or 0), invoice_document(invoice))


def act_pdf(act_id: str, org_id: str | None = None) -> PdfFile:
    act = _act(act_id, org_id)
    return pdf_file(act.kind, int(act.number), act_document(act, _invoice(act.invoice_id, None)))


# --- saved payment methods ---------------------------------------------------------------------------

class PaymentMethodView(BaseModel):
    id: str = Field(description="the method's id here (never the provider's token)")
    provider: str
    title: str = Field(description="masked, e.g. «Visa •••• 4242»")
    autopay: bool = Field(description="renewals and dunning charge it (the customer's consent, until withdrawn)")
    saved_at: dt.datetime | None
    subscription_id: str


class PaymentMethodList(BaseModel):
    items: list[PaymentMethodView]


def _method_id(subscription_id: str) -> str:
    """A subscription holds at most one saved method: its id is the subscription's, under its own prefix."""
    return "pm_" + subscription_id.removeprefix("sub_")


def _method_view(record: SubscriptionRecord) -> PaymentMethodView:
    method = record.saved_method or {}
    saved_at = method.get("saved_at")
    return PaymentMethodView(id=_method_id(record.subscription_id), provider=method["provider"],
                             title=method.get("title") or "•••", autopay=True,
                             saved_at=dt.datetime.fromisoformat(saved_at) if saved_at else None,
                             subscription_id=record.subscription_id)


def payment_methods(org_id: str) -> PaymentMethodList:
    return PaymentMethodList(items=[_method_view(r) for r in repository.subscriptions_of(org_id)
                                    if r.saved_method and r.state != "canceled"])


def withdraw_method(org_id: str, method_id: str, actor: Actor) -> None:
    """Consent to automatic payments withdrawn: the method is forgotten (audited), so renewals and dunning
    ask for a payment instead of charging. Another organization's method does not exist."""
    subscription_id = "sub_" + method_id.removeprefix("pm_")
    record = repository.find_subscription(subscription_id)
    if record is None or record.org_id != org_id or not record.saved_method:
        raise NotFound("No such payment method.", code="not-found")
    service.forget_method(record, actor)
    count("payment_method_withdrawn")
    logger.info("autopayment consent withdrawn", extra={"subscription_id": subscription_id})
