"""The payment-provider port: what billing asks of ЮKassa, Т-Банк or the fake, in one vocabulary.

Idempotency is by construction: an attempt to pay an invoice is `(invoice_id, attempt)`. Every adapter
derives its provider-side key from that pair (ЮKassa `Idempotence-Key`, Т-Банк `OrderId`), so repeating
an attempt after `ResultUnknown` can never charge twice, and a new attempt is a new operation.

A decline is not an exception: it is a `canceled` ProviderPayment with a `Decline` saying what to do
next. Exceptions are for the two cases where there is no answer about the money: `ResultUnknown` (repeat
the same attempt later, or fetch) and `ProviderRejected` (our request is wrong: change it)."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Annotated, Literal, Protocol, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from tessera.core.errors import Unauthorized
from tessera.core.money import Money
from tessera.core.validation import Email

ProviderName = Literal["yookassa", "tbank", "fake"]
PaymentStatus = Literal["pending", "succeeded", "canceled"]
DeclineAction = Literal["retry", "stop", "new_card"]

# uuid5 namespace of our payment attempts; changing it would re-key every attempt, so it is fixed.
_ATTEMPT_NAMESPACE = uuid.UUID("8f1b1a52-5d3c-5b7e-9a53-0c6f3e2b7d41")

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def attempt_key(invoice_id: str, attempt: int) -> str:
    """The provider-side idempotency key of one attempt to pay an invoice (a UUID, 36 characters)."""
    return str(uuid.uuid5(_ATTEMPT_NAMESPACE, f"{invoice_id}:{attempt}"))


def refund_key(refund_id: str) -> str:
    return str(uuid.uuid5(_ATTEMPT_NAMESPACE, f"refund:{refund_id}"))


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --- 54-ФЗ receipt -----------------------------------------------------------------------------------

class TaxSystem(StrEnum):
    """Система налогообложения of the seller (ЕНВД is gone since 2021)."""

    OSN = "osn"
    USN_INCOME = "usn_income"
    USN_INCOME_OUTCOME = "usn_income_outcome"
    ESN = "esn"
    PATENT = "patent"


class VatRate(StrEnum):
    """A receipt line's VAT rate. "x/y" are the calculated rates used for prepayment receipts; 22 % is the
    standard rate from 2026 (each adapter says whether its provider documents it)."""

    NONE = "none"
    VAT0 = "0"
    VAT5 = "5"
    VAT7 = "7"
    VAT10 = "10"
    VAT20 = "20"
    VAT22 = "22"
    VAT5_105 = "5/105"
    VAT7_107 = "7/107"
    VAT10_110 = "10/110"
    VAT20_120 = "20/120"
    VAT22_122 = "22/122"


PaymentMode = Literal["full_prepayment", "prepayment", "advance", "full_payment"]


class ReceiptItem(_Model):
    description: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
    quantity: int = Field(gt=0)
    unit_price: Money
    vat: VatRate
    payment_subject: Literal["service"] = "service"
    payment_mode: PaymentMode = "full_payment"

    @model_validator(mode="after")
    def _positive_rubles(self) -> Self:
        if self.unit_price.currency != "RUB" or self.unit_price.kopecks <= 0:
            raise ValueError("a receipt line is priced in positive rubles")
        return self

    @property
    def total(self) -> Money:
        return self.unit_price * self.quantity


class Receipt(_Model):
    """Чек 54-ФЗ sent with a payment: the buyer's e-mail or phone (one is required), the seller's tax
    system and the lines (at most 100, Т-Банк's limit)."""

    email: Email | None = None
    phone: Annotated[str, StringConstraints(pattern=r"^\+?\d{7,15}$")] | None = None
    tax_system: TaxSystem
    items: list[ReceiptItem] = Field(min_length=1, max_length=100)

    @model_validator(mode="after")
    def _contact(self) -> Self:
        if not (self.email or self.phone):
            raise ValueError("a receipt needs the buyer's e-mail or phone")
        return self

    @property
    def total(self) -> Money:
        total = Money.zero()
        for item in self.items:
            total += item.total
        return total


# --- requests ----------------------------------------------------------------------------------------

class SavedMethod(_Model):
    """A payment method the provider saved for merchant-initiated charges: ЮKassa `payment_method_id`,
    Т-Банк `RebillId`. `title` is what the customer recognises (a masked card number), never the PAN."""

    provider: ProviderName
    token: NonEmpty
    title: str | None = None


class PaymentRequest(_Model):
    """Checkout with a redirect to the provider's page (customer-initiated), optionally saving the method."""

    invoice_id: NonEmpty
    attempt: int = Field(ge=1)
    amount: Money
    description: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
    customer_key: NonEmpty  # the organisation id
    receipt: Receipt
    return_url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]
    save_method: bool = False

    @model_validator(mode="after")
    def _amount_is_receipt_total(self) -> Self:
        # Both providers refuse a payment whose receipt lines do not add up to it (Т-Банк error 334).
        if self.amount != self.receipt.total:
            raise ValueError("the amount must equal the receipt's total")
        return self

    @property
    def idempotence_key(self) -> str:
        return attempt_key(self.invoice_id, self.attempt)


class ChargeRequest(PaymentRequest):
    """A merchant-initiated charge of a saved method (renewals, dunning): no redirect."""

    saved_method: SavedMethod


class RefundRequest(_Model):
    """`refund_id` is ours and keys the provider-side idempotency: repeating it never refunds twice."""

    refund_id: NonEmpty
    provider_payment_id: NonEmpty
    amount: Money
    receipt: Receipt
    description: Annotated[str, StringConstraints(max_length=250)] | None = None

    @model_validator(mode="after")
    def _amount_is_receipt_total(self) -> Self:
        if self.amount != self.receipt.total:
            raise ValueError("the amount must equal the receipt's total")
        return self


# --- answers -----------------------------------------------------------------------------------------

class Decline(_Model):
    """Why the provider did not take the money, and what to do: `retry` the same method later (e.g.
    insufficient funds), `new_card` (this method cannot work: expired, invalid), `stop` (consent withdrawn
    or fraud suspected: never charge this method again)."""

    code: str
    action: DeclineAction


class ProviderPayment(_Model):
    provider: ProviderName
    provider_payment_id: str
    status: PaymentStatus
    amount: Money
    invoice_id: str | None  # None when the payment is not one of ours (metadata / OrderId missing)
    attempt: int | None
    confirmation_url: str | None = None
    saved_method: SavedMethod | None = None
    decline: Decline | None = None


class ProviderRefund(_Model):
    provider: ProviderName
    provider_refund_id: str
    provider_payment_id: str
    status: PaymentStatus
    amount: Money | None  # None when the provider does not say (Т-Банк's GetState of a refunded payment)


class WebhookHint(_Model):
    """What an authenticated notification is about. Only a hint: the caller re-fetches the object and
    trusts the API's answer. Т-Банк sends the RebillId only in notifications, so it travels here."""

    provider: ProviderName
    object_type: Literal["payment", "refund", "other"]
    object_id: str
    event: str
    saved_method: SavedMethod | None = None
    payment_id: str | None = None  # a refund's payment, to find our refunds of it (each then re-fetched)


class WebhookAck(_Model):
    """The answer the provider expects, or it redelivers (ЮKassa: any 200; Т-Банк: 200 with `OK`)."""

    status_code: int = 200
    body: str = ""
    content_type: str = "text/plain"


# --- errors ------------------------------------------------------------------------------------------

class ProviderError(Exception):
    """Messages carry the provider's code and description, never credentials or card data."""

    def __init__(self, provider: ProviderName, detail: str, *, code: str | None = None) -> None:
        super().__init__(f"{provider}: {detail}" + (f" ({code})" if code else ""))
        self.provider = provider
        self.code = code
        self.detail = detail[:500]


class ResultUnknown(ProviderError):
    """No answer about the money (timeout, connection error, 5xx, ЮKassa 202, Т-Банк "try later"):
    repeat the same attempt later (same key, so it is deduplicated), or fetch."""


class ProviderRejected(ProviderError):
    """The provider refused our request (a 4xx; bad data or credentials): repeating it will not help."""


class WebhookRejected(Unauthorized):
    """A notification we cannot attribute to the provider (unknown IP, wrong Token, not its shape).
    Answered 401 as a problem; the provider's redelivery will fail the same way, and that is intended."""

    def __init__(self, reason: str) -> None:
        super().__init__("The notification was not accepted.", code="webhook-rejected")
        self.reason = reason


# --- the port ----------------------------------------------------------------------------------------

class PaymentProvider(Protocol):
    name: ProviderName

    def start(self, request: PaymentRequest) -> ProviderPayment:
        """Create the payment and answer where to send the customer (`confirmation_url`)."""
        ...

    def charge_saved(self, request: ChargeRequest) -> ProviderPayment:
        """Charge the saved method without the customer; a decline is a canceled payment."""
        ...

    def fetch(self, provider_payment_id: str) -> ProviderPayment:
        """The provider's current truth about a payment (after a webhook, or after ResultUnknown)."""
        ...

    def refund(self, request: RefundRequest) -> ProviderRefund: ...

    def fetch_refund(self, provider_payment_id: str, provider_refund_id: str) -> ProviderRefund:
        """The provider's current truth about a refund it answered `pending` (after a webhook, or on demand)."""
        ...

    def authenticate_webhook(self, source_ip: str, headers: dict[str, str], body: bytes) -> WebhookHint:
        """Attribute the notification to the provider and say what it is about; raise WebhookRejected."""
        ...

    def webhook_ack(self) -> WebhookAck: ...
