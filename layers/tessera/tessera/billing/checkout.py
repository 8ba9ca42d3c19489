"""Paying invoices through a provider: the providers' credentials (envelope-encrypted, never shown again),
«Оплатить» (one attempt per invoice at a time, repeated with the same idempotency key until it is over) and
the providers' notifications (a hint: the payment is re-fetched, then applied exactly once)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, StringConstraints
from pynamodb.exceptions import TransactWriteError

from tessera.billing import repository, service
from tessera.billing.providers.port import (
    ChargeRequest,
    DeclineAction,
    PaymentProvider,
    PaymentRequest,
    ProviderPayment,
    ProviderRejected,
    Receipt,
    ReceiptItem,
    ResultUnknown,
    SavedMethod,
    TaxSystem,
    VatRate,
)
from tessera.billing.providers.tbank import TBank, TBankCredentials
from tessera.billing.providers.yookassa import YooKassa, YooKassaCredentials
from tessera.billing.records import InvoiceRecord, PaymentAttemptRecord, ProviderSettingsRecord
from tessera.billing.service import Actor
from tessera.core import clock
from tessera.core.crypto import data_cipher, mask_secret
from tessera.core.errors import Conflict, ServiceUnavailable, ValidationFailed
from tessera.core.i18n import register
from tessera.core.money import Money
from tessera.core.observability import count, logger
from tessera.core.settings import CoreSettings, get_settings, web_url
from tessera.core.snapstart import fetched_ahead
from tessera.core.validation import Email

Provider = Literal["yookassa", "tbank"]
RETRY_AFTER_SECONDS = 5
# How long a process keeps the providers' settings without reading them again: another process's change
# of credentials or of the active provider reaches this one within it; this process's own at once.
SETTINGS_MAX_AGE_SECONDS = 60

register({
    "provider-not-configured": {"ru": "Оплата картой пока не настроена. Попробуйте позже.",
                                "en": "Card payments are not set up yet. Try again later."},
    "invoice-not-payable": {"ru": "Этот счёт уже оплачен или аннулирован.",
                            "en": "This invoice is paid or void already."},
    "provider-unavailable": {"ru": "Платёжная система не ответила. Повторите через несколько секунд: "
                                   "второго списания не будет.",
                             "en": "The payment provider did not answer. Try again in a few seconds: "
                                   "you will not be charged twice."},
    "no-saved-method": {"ru": "Нет сохранённой карты для списания.", "en": "No saved card to charge."},
    "no-receipt-contact": {"ru": "Некому отправить чек: укажите e-mail владельца.",
                           "en": "Nobody to send the receipt to."},
    "provider-refused": {"ru": "Платёжная система отклонила запрос.",
                         "en": "The payment provider refused the request."},
})


class CheckoutSettings(CoreSettings):
    tax_system: TaxSystem = Field(TaxSystem.OSN, alias="BILLING_TAX_SYSTEM",
                                  description="the seller's tax system for 54-ФЗ receipts")


# --- credentials -----------------------------------------------------------------------------------

class YooKassaCredentialsInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    shop_id: Annotated[str, StringConstraints(pattern=r"^\d{1,12}$")]
    secret_key: Annotated[SecretStr, Field(min_length=8, max_length=200)]


class TBankCredentialsInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    terminal_key: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,20}$")]
    password: Annotated[SecretStr, Field(min_length=4, max_length=200)]


class ProviderCredentialsView(BaseModel):
    configured: bool
    public_id: str | None = Field(description="ЮKassa shopId / Т-Банк TerminalKey")
    secret_hint: str | None = Field(description="masked: the secret is never shown after saving")


class ProviderSettingsView(BaseModel):
    active: Provider | None
    yookassa: ProviderCredentialsView
    tbank: ProviderCredentialsView


class ActiveProviderChoice(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provider: Provider


def _context(provider: Provider) -> dict[str, str]:
    return {"purpose": "billing-provider", "provider": provider}


def provider_settings_view(record: ProviderSettingsRecord | None = None) -> ProviderSettingsView:
    record = record or repository.provider_settings()
    return ProviderSettingsView(
        active=record.active,
        yookassa=ProviderCredentialsView(configured=bool(record.yookassa_secret_sealed),
                                         public_id=record.yookassa_shop_id, secret_hint=record.yookassa_secret_hint),
        tbank=ProviderCredentialsView(configured=bool(record.tbank_password_sealed),
                                      public_id=record.tbank_terminal_key, secret_hint=record.tbank_password_hint))


class _SettingsCache:
    """The providers' settings as last read or saved by this process, for SETTINGS_MAX_AGE_SECONDS (a
    webhook then costs no read of them). Saving here replaces it at once; a SnapStart restore reads them
    again (`fetched_ahead`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._record: ProviderSettingsRecord | None = None
        self._read_at = 0.0

    def get(self) -> ProviderSettingsRecord:
        with self._lock:
            if self._record is not None and time.monotonic() - self._read_at < SETTINGS_MAX_AGE_SECONDS:
                return self._record
        record = repository.provider_settings()
        self.put(record)
        return record

    def put(self, record: ProviderSettingsRecord | None) -> None:
        with self._lock:
            self._record, self._read_at = record, time.monotonic()


_settings = _SettingsCache()


def forget_provider_settings() -> None:
    """Read the settings again on next use (tests that start from an empty table; after a restore)."""
    _settings.put(None)


def _read_ahead() -> None:
    """Settings and adapters (their secrets decrypted) ready before the first request after a restore."""
    forget_provider_settings()
    record = _settings.get()
    for name in ("yookassa", "tbank"):
        with contextlib.suppress(Conflict):
            provider(name, record)


def _save_settings(record: ProviderSettingsRecord, actor: Actor, action: str, before: dict[str, Any]) -> None:
    record.updated_at = clock.now()
    try:
        service._commit(lambda tx: repository.add_provider_settings(tx, record), actor, action,
                        "billing_providers", "providers", "", before, provider_settings_view(record).model_dump())
    except TransactWriteError as exc:
        forget_provider_settings()  # someone else changed them: the next use reads theirs
        raise service._concurrent() from exc
    _settings.put(record)


def save_credentials(provider: Provider, credentials: YooKassaCredentialsInput | TBankCredentialsInput,
                     actor: Actor) -> ProviderSettingsView:
    """Replace a provider's credentials: the secret sealed under the data key, only its mask kept in clear.
    The audit event carries the masked view, never the secret."""
    record = repository.provider_settings()
    before = provider_settings_view(record).model_dump()
    if isinstance(credentials, YooKassaCredentialsInput):
        secret = credentials.secret_key.get_secret_value()
        record.yookassa_shop_id = credentials.shop_id
        record.yookassa_secret_sealed = data_cipher().encrypt(secret.encode(), _context("yookassa"))
        record.yookassa_secret_hint = mask_secret(secret)
    else:
        secret = credentials.password.get_secret_value()
        record.tbank_terminal_key = credentials.terminal_key
        record.tbank_password_sealed = data_cipher().encrypt(secret.encode(), _context("tbank"))
        record.tbank_password_hint = mask_secret(secret)
    _save_settings(record, actor, "billing.provider_credentials", before)
    return provider_settings_view(record)


def set_active_provider(provider: Provider, actor: Actor) -> ProviderSettingsView:
    """New payments go to `provider`; an attempt already started stays with the provider it started on."""
    record = repository.provider_settings()
    before = provider_settings_view(record)
    if not getattr(before, provider).configured:
        raise Conflict("Card payments are not set up yet. Try again later.", code="provider-not-configured")
    record.active = provider
    _save_settings(record, actor, "billing.provider_activate", before.model_dump())
    return provider_settings_view(record)


@cache
def _adapter(provider: Provider, public_id: str, sealed: str) -> PaymentProvider:
    """One adapter per set of credentials and process: the secret is decrypted (a KMS call) once, and new
    credentials (a new sealed value) make a new adapter."""
    secret = SecretStr(data_cipher().decrypt(sealed, _context(provider)).decode())
    if provider == "yookassa":
        return YooKassa(YooKassaCredentials(shop_id=public_id, secret_key=secret))
    return TBank(TBankCredentials(terminal_key=public_id, password=secret))


def provider(name: str, record: ProviderSettingsRecord | None = None) -> PaymentProvider:
    """The adapter of `name` with the stored credentials; 409 `provider-not-configured` without them."""
    record = record or _settings.get()
    public_id, sealed = {"yookassa": (record.yookassa_shop_id, record.yookassa_secret_sealed),
                         "tbank": (record.tbank_terminal_key, record.tbank_password_sealed)}.get(name, (None, None))
    if not (public_id and sealed):
        raise Conflict("Card payments are not set up yet. Try again later.", code="provider-not-configured")
    return _adapter(name, public_id, sealed)


fetched_ahead(_read_ahead)


# --- paying an invoice -----------------------------------------------------------------------------

class PayInvoice(BaseModel):
    model_config = ConfigDict(extra="forbid")

    receipt_email: Email | None = Field(None, description="where the 54-ФЗ receipt goes; default: the payer's own")
    save_method: bool = Field(False, description="save the card for automatic renewals (the customer's consent)")


AttemptKind = Literal["checkout", "saved"]


class CheckoutView(BaseModel):
    invoice_id: str
    attempt: int
    provider: str
    status: Literal["starting", "pending", "succeeded", "canceled"]
    confirmation_url: str | None = Field(description="where to send the customer to pay")
    decline_code: str | None = None
    decline_action: DeclineAction | None = Field(None, description="after a decline: retry, new_card or stop")


def attempt_view(record: PaymentAttemptRecord) -> CheckoutView:
    return CheckoutView(invoice_id=record.invoice_id, attempt=int(record.attempt), provider=record.provider,
                        status=record.status, confirmation_url=record.confirmation_url,
                        decline_code=record.decline_code, decline_action=record.decline_action)


VAT_RATES = {None: VatRate.NONE, 0: VatRate.VAT0, 5: VatRate.VAT5, 7: VatRate.VAT7, 10: VatRate.VAT10,
             20: VatRate.VAT20, 22: VatRate.VAT22}


def receipt_of(invoice: InvoiceRecord, email: str) -> Receipt:
    """The invoice's lines as a 54-ФЗ receipt (full payment of a service; VAT per line as invoiced)."""
    currency = invoice.currency
    return Receipt(email=email, tax_system=get_settings(CheckoutSettings).tax_system, items=[
        ReceiptItem(description=line["description"][:128], quantity=int(line["quantity"]),
                    unit_price=Money(int(line["unit_price"]), currency), vat=VAT_RATES[line["vat_rate"]])
        for line in invoice.lines])


def _payable(invoice_id: str, org_id: str | None = None) -> InvoiceRecord:
    invoice = service._invoice(invoice_id, org_id)
    if invoice.status != "issued":
        raise Conflict("This invoice is paid or void already.", code="invoice-not-payable")
    return invoice


def _open_attempt(invoice: InvoiceRecord, actor: Actor, kind: AttemptKind, provider_name: str | None,
                  receipt_email: str) -> PaymentAttemptRecord:
    """The invoice's attempt of this kind that is not over yet, or a new one (the counter raised with it,
    audited). An open attempt of the other kind is left to run out: if both are paid, the second payment is
    recorded `refund_due` by apply_payment, never lost."""
    for _ in range(3):
        current = int(invoice.payment_attempts or 0)
        if current:
            attempt = repository.find_attempt(invoice.invoice_id, current)
            if attempt is not None and attempt.status in ("starting", "pending") and attempt.kind == kind:
                return attempt
        if provider_name is None:
            raise Conflict("Card payments are not set up yet. Try again later.", code="provider-not-configured")
        now = clock.now()
        pk, sk = repository.attempt_key(invoice.invoice_id, current + 1)
        attempt = PaymentAttemptRecord(pk=pk, sk=sk, invoice_id=invoice.invoice_id, attempt=current + 1, kind=kind,
                                       provider=provider_name, status="starting", receipt_email=receipt_email,
                                       created_at=now, updated_at=now)
        invoice.payment_attempts, invoice.updated_at = current + 1, now

        def writes(tx: Any, invoice: InvoiceRecord = invoice, attempt: PaymentAttemptRecord = attempt) -> None:
            repository.add_new_attempt(tx, invoice, attempt)

        try:
            service._commit(writes, actor, "invoice.payment_attempt", "invoice", invoice.invoice_id, invoice.org_id,
                            {"payment_attempts": current},
                            {"payment_attempts": current + 1, "provider": provider_name, "kind": kind})
        except TransactWriteError as exc:
            if exc.cause_response_code != "TransactionCanceledException":
                raise
            invoice = service._invoice(invoice.invoice_id)  # a parallel click opened it: answer that one
            continue
        return attempt
    raise service._concurrent()


def record_answer(attempt: PaymentAttemptRecord, payment: ProviderPayment) -> PaymentAttemptRecord:
    """The provider's answer on the attempt; a parallel click that recorded first recorded the same payment
    (same key), and its record is answered."""
    attempt.provider_payment_id = payment.provider_payment_id
    attempt.status = payment.status
    attempt.confirmation_url = payment.confirmation_url or attempt.confirmation_url
    attempt.decline_code = payment.decline.code if payment.decline else None
    attempt.decline_action = payment.decline.action if payment.decline else None
    attempt.updated_at = clock.now()
    return repository.save_attempt(attempt)


def _run(invoice: InvoiceRecord, attempt: PaymentAttemptRecord, adapter: PaymentProvider,
         operation: Callable[[], ProviderPayment]) -> CheckoutView:
    """The attempt's one operation with the provider: asked again with the same key until it answers (after
    that the payment is fetched, never started again), the answer recorded, a success applied at once.
    ResultUnknown leaves the attempt `starting` and is raised; a refusal closes the attempt and is raised."""
    if attempt.provider_payment_id:
        payment = adapter.fetch(attempt.provider_payment_id)
    else:
        try:
            payment = operation()
        except ResultUnknown as exc:
            logger.warning("payment provider gave no answer", extra={
                "provider": exc.provider, "invoice_id": invoice.invoice_id, "attempt": int(attempt.attempt)})
            count("payment_result_unknown")
            raise
        except ProviderRejected as exc:
            logger.error("payment provider refused the request",
                         extra={"provider": exc.provider, "code": exc.code, "invoice_id": invoice.invoice_id})
            attempt.status, attempt.decline_code, attempt.updated_at = "canceled", exc.code, clock.now()
            repository.save_attempt(attempt)  # repeating it cannot help: the next try is a new attempt
            raise
    attempt = record_answer(attempt, payment)
    if payment.status == "succeeded":
        service.apply_payment(provider=payment.provider, provider_payment_id=payment.provider_payment_id,
                              invoice_id=invoice.invoice_id, attempt=int(attempt.attempt), amount=payment.amount)
    return attempt_view(attempt)


def _request(invoice: InvoiceRecord, attempt: PaymentAttemptRecord) -> dict[str, Any]:
    return {"invoice_id": invoice.invoice_id, "attempt": int(attempt.attempt),
            "amount": Money(int(invoice.total), invoice.currency),
            "description": f"Оплата счёта № {int(invoice.number or 0)}", "customer_key": invoice.org_id,
            "receipt": receipt_of(invoice, str(attempt.receipt_email)),
            "return_url": web_url(f"/app/billing/invoices/{invoice.invoice_id}")}


def pay_invoice(org_id: str, invoice_id: str, payer_email: str, command: PayInvoice, actor: Actor) -> CheckoutView:
    """«Оплатить»: the invoice's open checkout attempt (or a new one) started with the active provider,
    answering where to pay. A double click finds the same attempt and answers its URL; a provider that did
    not answer is 503 and the retry repeats the same attempt (same key: never a second payment)."""
    invoice = _payable(invoice_id, org_id)
    settings = _settings.get()
    attempt = _open_attempt(invoice, actor, "checkout", settings.active, command.receipt_email or payer_email)
    adapter = provider(attempt.provider, settings)
    started = attempt.provider_payment_id is not None
    try:
        request = PaymentRequest(**_request(invoice, attempt), save_method=command.save_method)
        view = _run(invoice, attempt, adapter, lambda: adapter.start(request))
    except ResultUnknown:
        raise ServiceUnavailable("The payment provider did not answer. Try again in a few seconds: you will not "
                                 "be charged twice.", code="provider-unavailable",
                                 retry_after=RETRY_AFTER_SECONDS) from None
    except ProviderRejected:
        raise ValidationFailed("The payment provider refused the request.", code="provider-refused") from None
    if started and view.status == "canceled":  # the customer left, or the card declined: a new attempt
        return pay_invoice(org_id, invoice_id, payer_email, command, actor)
    return view


def charge_saved(invoice_id: str, actor: Actor = service.SYSTEM, receipt_email: str | None = None) -> CheckoutView:
    """Charge the card saved on the invoice's subscription, without the customer (renewals, dunning). Call
    again after `ResultUnknown` (raised as is, for a state machine's Retry): the same attempt is repeated
    with the same key, so nobody is charged twice. A decline is a `canceled` answer with `decline_action`
    (retry, new_card, stop); the next call after it is a new attempt. The receipt goes to the e-mail saved
    with the card, else to `receipt_email`. 409 `no-saved-method` without a card, `no-receipt-contact`
    without an e-mail for the receipt."""
    invoice = _payable(invoice_id)
    method = service.saved_method_of(invoice)
    if method is None:
        raise Conflict("No saved card to charge.", code="no-saved-method")
    email = method.get("receipt_email") or receipt_email
    if not email:
        raise Conflict("Nobody to send the receipt to.", code="no-receipt-contact")
    attempt = _open_attempt(invoice, actor, "saved", method["provider"], email)
    adapter = provider(attempt.provider)
    saved = SavedMethod(provider=method["provider"], token=method["method_id"], title=method.get("title"))
    request = ChargeRequest(**_request(invoice, attempt), saved_method=saved)
    return _run(invoice, attempt, adapter, lambda: adapter.charge_saved(request))
