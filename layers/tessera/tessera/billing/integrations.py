"""1С / CRM integrations (seed 000 §4.2): credentials that admins create, rotate and revoke; requests signed
with them (HMAC-SHA256 over `<timestamp>.<body>`, 5 minutes either way); an invoice paid from outside (1С),
applied through `apply_payment` exactly once per external payment id; the license export for analytics."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import TransactWriteError

from tessera.audit import service as audit
from tessera.billing import repository, service
from tessera.billing.integration_models import (
    CredentialView,
    ExternalPayment,
    IssuedCredential,
    ManualPayment,
)
from tessera.billing.models import BillingPaymentView
from tessera.billing.records import IntegrationCredentialRecord
from tessera.billing.service import Actor
from tessera.billing.settings import BillingSettings
from tessera.core import clock
from tessera.core.crypto import DecryptionError, data_cipher
from tessera.core.errors import Conflict, FieldError, NotFound, Unauthorized, ValidationFailed
from tessera.core.i18n import register
from tessera.core.ids import new_id
from tessera.core.money import Money
from tessera.core.observability import count
from tessera.core.settings import get_settings
from tessera.core.spreadsheet import to_csv
from tessera.licensing import service as licensing
from tessera.licensing.models import LicenseFilters, LicenseListPage

SIGNATURE_WINDOW = timedelta(minutes=5)
SIGNATURE_PREFIX = "sha256="
EXTERNAL_PROVIDER = "external"  # payments 1С or a CRM reports
MANUAL_PROVIDER = "manual"  # payments billing staff mark by hand

register({
    "signature-invalid": {"ru": "Подпись запроса неверна или ключ интеграции недействителен.",
                          "en": "The request's signature is wrong or the integration key is not valid."},
    "timestamp-outside-window": {"ru": "Метка времени запроса отличается от текущего времени больше чем на 5 минут.",
                                 "en": "The request's timestamp is more than 5 minutes away from now."},
    "invoice-unknown": {"ru": "Такого счёта нет.", "en": "No such invoice."},
    "amount-mismatch": {"ru": "Сумма платежа не равна сумме счёта.",
                        "en": "The payment's amount differs from the invoice's total."},
    "invoice-not-payable": {"ru": "Счёт не ждёт оплаты (оплачен, аннулирован или черновик).",
                            "en": "The invoice awaits no payment (paid, void or a draft)."},
    "payment-id-reused": {"ru": "Платёж с этим идентификатором уже принят для другого счёта или суммы.",
                          "en": "A payment with this id was already accepted for another invoice or amount."},
    "credential-revoked": {"ru": "Ключ интеграции отозван.", "en": "The integration key is revoked."},
})


# --- signatures ------------------------------------------------------------------------------------

def signature(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=<hex>` of HMAC-SHA256 under the secret over `<timestamp>.<body>` (the body as sent)."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


def check_timestamp(timestamp: str | None, now: datetime) -> None:
    """Unix seconds within 5 minutes of now, either way (clocks drift; a replay later than that is refused)."""
    try:
        sent = int(timestamp or "")
    except ValueError:
        sent = None
    if sent is None or abs(now.timestamp() - sent) > SIGNATURE_WINDOW.total_seconds():
        raise Unauthorized("The request's timestamp is more than 5 minutes away from now.",
                           code="timestamp-outside-window")


def _refused() -> Unauthorized:
    # one answer for an unknown, revoked or wrong key: the caller learns nothing about which keys exist
    return Unauthorized("The request's signature is wrong or the integration key is not valid.",
                        code="signature-invalid")


def authenticate(credential_id: str | None, timestamp: str | None, body: bytes, sent_signature: str | None) -> Actor:
    """The integration that signed this request, or 401. The timestamp is checked first (no KMS call for
    a stale replay), then the signature in constant time."""
    check_timestamp(timestamp, clock.now())
    if not credential_id or not sent_signature or len(credential_id) > 40:
        raise _refused()
    record = repository.find_credential(credential_id)
    if record is None or record.status != "active":
        raise _refused()
    expected = signature(_secret(record), timestamp or "", body)
    if not hmac.compare_digest(expected.encode(), sent_signature.strip().lower().encode()):
        raise _refused()
    return Actor(record.credential_id, "system", f"integration «{record.name}»")


def _context(credential_id: str) -> dict[str, str]:
    return {"credential": credential_id, "field": "integration_secret"}


def _secret(record: IntegrationCredentialRecord) -> str:
    try:
        return data_cipher().decrypt(record.secret_sealed, _context(record.credential_id)).decode()
    except DecryptionError as exc:
        raise _refused() from exc


# --- credentials -----------------------------------------------------------------------------------

def credential_view(record: IntegrationCredentialRecord) -> CredentialView:
    return CredentialView(id=record.credential_id, name=record.name, status=record.status,
                          secret_hint=record.secret_hint, created_at=record.created_at, created_by=record.created_by,
                          rotated_at=record.rotated_at, revoked_at=record.revoked_at)


def _snapshot(record: IntegrationCredentialRecord) -> dict[str, Any]:
    return {"name": record.name, "status": record.status, "secret_hint": record.secret_hint}


def _seal(record: IntegrationCredentialRecord) -> str:
    secret = secrets.token_urlsafe(32)
    record.secret_sealed = data_cipher().encrypt(secret.encode(), _context(record.credential_id))
    record.secret_hint = secret[-4:]
    return secret


def _save(record: IntegrationCredentialRecord, actor: Actor, action: str, before: dict[str, Any] | None,
          reason: str | None = None) -> None:
    """The key and its audit event (the platform's chain: a key belongs to no customer) in one transaction."""
    try:
        audit.record_change(lambda tx: repository.add_credential(tx, record), action, "integration_credential",
                            record.credential_id, actor_id=actor.id, actor_kind=actor.kind,
                            actor_display=actor.display, actor_roles=actor.roles, request=actor.request,
                            before=before, after=_snapshot(record), reason=reason)
    except TransactWriteError as exc:
        raise Conflict("Someone changed this at the same time. Reload and try again.",
                       code="concurrent-change") from exc


def create_credential(name: str, actor: Actor) -> IssuedCredential:
    """A new key; its secret is in this answer only (kept sealed, never shown again)."""
    now = clock.now()
    credential_id = new_id("int")
    pk, sk = repository.credential_key(credential_id)
    record = IntegrationCredentialRecord(pk=pk, sk=sk, credential_id=credential_id, name=name, status="active",
                                         created_at=now, created_by=actor.id, updated_at=now)
    secret = _seal(record)
    _save(record, actor, "integration_credential.create", None)
    return IssuedCredential(credential=credential_view(record), secret=secret)


def _credential(credential_id: str) -> IntegrationCredentialRecord:
    record = repository.find_credential(credential_id)
    if record is None:
        raise NotFound("No such integration key.", code="not-found")
    return record


def rotate_credential(credential_id: str, actor: Actor) -> IssuedCredential:
    """A new secret under the same id; the old one stops working at once."""
    record = _credential(credential_id)
    if record.status != "active":
        raise Conflict("The integration key is revoked.", code="credential-revoked")
    before = _snapshot(record)
    secret = _seal(record)
    record.rotated_at = record.updated_at = clock.now()
    _save(record, actor, "integration_credential.rotate", before)
    return IssuedCredential(credential=credential_view(record), secret=secret)


def revoke_credential(credential_id: str, reason: str, actor: Actor) -> CredentialView:
    """Final: a revoked key signs nothing. Revoking it again changes nothing."""
    record = _credential(credential_id)
    if record.status == "revoked":
        return credential_view(record)
    before = _snapshot(record)
    record.status = "revoked"
    record.revoked_at = record.updated_at = clock.now()
    _save(record, actor, "integration_credential.revoke", before, reason)
    return credential_view(record)


def list_credentials() -> list[CredentialView]:
    return [credential_view(r) for r in repository.credentials()]


# --- payments from outside -------------------------------------------------------------------------

def _invoice_named(command: ExternalPayment) -> str:
    if command.invoice_id is not None:
        found = repository.find_invoice(command.invoice_id)
    else:
        found = repository.find_invoice_by_number(get_settings(BillingSettings).seller_id,
                                                  command.invoice_number or 0)
    if found is None:
        raise NotFound("No such invoice.", code="invoice-unknown")
    return found.invoice_id


def _apply(provider: str, payment_id: str, invoice_id: str, amount: Money, actor: Actor
           ) -> tuple[BillingPaymentView, bool]:
    """(the payment, whether it was recorded now). Checked before anything is written, so bad input
    changes nothing: a different amount is 422, an invoice that awaits no payment 409, the same payment id
    for another invoice or amount 409. A repeat of the same payment answers the first."""
    invoice = repository.find_invoice(invoice_id)
    if invoice is None:
        raise NotFound("No such invoice.", code="invoice-unknown")
    existing = repository.find_payment(provider, payment_id)
    if existing is not None:
        if (existing.invoice_id, int(existing.amount), existing.currency) != (
                invoice_id, amount.kopecks, amount.currency):
            raise Conflict("A payment with this id was already accepted for another invoice or amount.",
                           code="payment-id-reused")
    elif (amount.kopecks, amount.currency) != (int(invoice.total), invoice.currency):
        raise ValidationFailed("The payment's amount differs from the invoice's total.", code="amount-mismatch",
                               errors=[FieldError("body.amount_kopecks", "differs from the invoice", "mismatch")])
    elif invoice.status != "issued":
        raise Conflict("The invoice awaits no payment (paid, void or a draft).", code="invoice-not-payable")
    payment = service.apply_payment(provider=provider, provider_payment_id=payment_id, invoice_id=invoice_id,
                                    attempt=0, amount=amount, actor=actor)
    return payment, existing is None


def apply_external_payment(command: ExternalPayment, actor: Actor) -> tuple[BillingPaymentView, bool]:
    """1С / CRM says the invoice is paid: applied once per its payment id."""
    result = _apply(EXTERNAL_PROVIDER, command.payment_id, _invoice_named(command),
                    Money(command.amount_kopecks, command.currency), actor)
    count("external_payment", outcome="applied" if result[1] else "repeat")
    return result


def mark_paid(invoice_id: str, command: ManualPayment, actor: Actor) -> tuple[BillingPaymentView, bool]:
    """Billing staff mark an invoice paid (a bank transfer they see): once per their reference."""
    return _apply(MANUAL_PROVIDER, command.reference, invoice_id, Money(command.amount_kopecks, command.currency),
                  actor)


# --- the license export ----------------------------------------------------------------------------

EXPORT_COLUMNS = ("id", "org_id", "customer_name", "product", "plan", "status", "state", "version", "starts_on",
                  "ends_on", "grace_days", "domain", "modules", "payment_status", "created_at")


def export_licenses(cursor: str | None, limit: int | None) -> LicenseListPage:
    """Every license, newest first, one page at a time (the key is never in it: only its hint is kept)."""
    return licensing.list_licenses(LicenseFilters(), cursor, limit)


def licenses_csv(page: LicenseListPage) -> bytes:
    rows = []
    for item in page.items:
        row = item.model_dump(mode="json")
        row["modules"] = " ".join(item.modules)
        rows.append(["" if row.get(c) is None else str(row[c]) for c in EXPORT_COLUMNS])
    return to_csv(EXPORT_COLUMNS, rows)
