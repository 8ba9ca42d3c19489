"""The closing documents by e-mail, from the billing table's stream (BillingDocumentsFunction): an issued
invoice's счёт, a paid invoice's act (made here, once). The PDFs are stored in the documents bucket, where
notify reads attachments at send time, so its retries send the same file without billing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import Field

from tessera.billing import repository
from tessera.billing.documents_service import (
    PdfFile,
    act_document,
    current_seller_id,
    invoice_document,
    make_act,
    pdf_file,
)
from tessera.billing.records import ActRecord, InvoiceRecord
from tessera.core import aws
from tessera.core.errors import Conflict
from tessera.core.money import NBSP, Money
from tessera.core.observability import logger
from tessera.core.settings import CoreSettings, get_settings, web_url
from tessera.identity.team import owner_emails
from tessera.notify.service import Notice, dispatch


class DocumentsStorageSettings(CoreSettings):
    documents_bucket: str = Field(alias="DOCUMENTS_BUCKET")


s3 = aws.client("s3")  # the e-mailed PDFs, kept beside the customers' documents for notify's retries


def _stored(kind: str, document_id: str, pdf: PdfFile) -> dict[str, str]:
    """The PDF put where notify reads attachments (a retried send reads it again, never re-renders)."""
    key = f"billing/{current_seller_id()}/{kind}/{document_id}.pdf"
    s3.put_object(Bucket=get_settings(DocumentsStorageSettings).documents_bucket, Key=key, Body=pdf.body,
                  ContentType="application/pdf")
    return {"key": key, "filename": pdf.filename, "content_type": "application/pdf"}


def _mail(org_id: str, once_key: str, kind: str, document_id: str, pdf: PdfFile, context: dict[str, Any]) -> int:
    """One e-mail with the document to the organization's owners, once per document."""
    owners = owner_emails(org_id)
    if not owners:
        return 0
    notice = Notice(event="billing.document", org_id=org_id, template="billing_document", emails=owners,
                    once_key=once_key, staff=False, attachment=_stored(kind, document_id, pdf),
                    context={"kind": kind, "billing_link": web_url("/app/billing"), **context})
    return len(dispatch(notice))


def _amount(kopecks: int) -> str:
    return Money(kopecks).format_ru().removesuffix(f"{NBSP}₽")


def mail_invoice(invoice: InvoiceRecord) -> int:
    """The счёт to the owners when it is issued (a period's, a plan change's, a renewal's)."""
    document = invoice_document(invoice)
    number = int(invoice.number or 0)
    return _mail(invoice.org_id, f"billing-document:invoice:{invoice.invoice_id}", "invoice", invoice.invoice_id,
                 pdf_file("invoice", number, document),
                 {"number": number, "document_date": document.date.isoformat(),
                  "due_on": document.due_date.isoformat() if document.due_date else None,
                  "amount": _amount(int(invoice.total))})


def mail_act(act: ActRecord, invoice: InvoiceRecord) -> int:
    document = act_document(act, invoice)
    number = int(act.number)
    return _mail(act.org_id, f"billing-document:act:{act.invoice_id}", act.kind, act.act_id,
                 pdf_file(act.kind, number, document),
                 {"number": number, "document_date": document.date.isoformat(),
                  "invoice_number": int(act.invoice_number), "amount": _amount(int(act.total))})


def _mailed(send: Callable[..., int], *args: Any) -> None:
    """Send, unless the documents cannot be printed (no requisites yet): a retry would not change that,
    so it is logged for staff instead of holding the stream."""
    try:
        send(*args)
    except Conflict as exc:
        logger.warning("billing document not e-mailed", extra={"code": exc.code})


def on_invoice_change(event_name: str, invoice_id: str) -> None:
    """The billing table's stream, for one invoice: issued (INSERT) → the счёт by e-mail; paid (MODIFY
    from issued) → its act, then the act by e-mail. Each step is once only: a retried batch repeats nothing."""
    invoice = repository.find_invoice(invoice_id)
    if invoice is None or invoice.number is None:
        return
    if event_name == "INSERT":
        if invoice.status != "void":  # voided before its e-mail went: nothing to pay
            _mailed(mail_invoice, invoice)
    elif (act := make_act(invoice)) is not None:  # acts take their numbers in the order invoices were paid
        _mailed(mail_act, act, invoice)


def on_stream(records: list[dict[str, Any]]) -> str | None:
    """The stream's invoice records in order; the sequence number of the first that failed (the batch
    resumes from it), None when all are done."""
    for record in records:
        try:
            on_invoice_change(record["eventName"], record["dynamodb"]["Keys"]["pk"]["S"].removeprefix("INV#"))
        except Exception:
            logger.exception("billing documents failed; the batch resumes here")
            return str(record["dynamodb"]["SequenceNumber"])
    return None
