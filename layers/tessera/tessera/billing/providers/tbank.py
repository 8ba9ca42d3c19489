"""Т-Банк Internet Acquiring API v2 over httpx: every call is a JSON POST signed with the Token.

Т-Банк has no idempotency header. An attempt's `OrderId` is `<invoice_id>-<attempt>`, and before sending a
new Init for it we ask `CheckOrder` what already happened to that OrderId: a payment that succeeded or is
in progress is answered as it is, a merchant-initiated payment created but not charged is charged (a
PaymentId is charged at most once), and a checkout link issued earlier but unpaid is cancelled before a
new one is made, so a customer can never pay one attempt twice.

Money is taken only at CONFIRMED; REJECTED, AUTH_FAIL, DEADLINE_EXPIRED and CANCELED are terminal failures.
Notifications are authenticated by recomputing their Token and are answered `OK`."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, SecretStr

from tessera.billing.providers.port import (
    ChargeRequest,
    Decline,
    DeclineAction,
    PaymentRequest,
    PaymentStatus,
    ProviderName,
    ProviderPayment,
    ProviderRefund,
    ProviderRejected,
    Receipt,
    RefundRequest,
    ResultUnknown,
    SavedMethod,
    VatRate,
    WebhookAck,
    WebhookHint,
    WebhookRejected,
    refund_key,
)
from tessera.billing.providers.transport import ProviderSettings, client_from, json_object, send
from tessera.core.money import Money
from tessera.core.settings import get_settings, web_url

SUCCEEDED = {"CONFIRMED", "REFUNDING", "ASYNC_REFUNDING", "PARTIAL_REFUNDED", "REFUNDED"}
FAILED = {"REJECTED", "AUTH_FAIL", "DEADLINE_EXPIRED", "CANCELED", "REVERSING", "REVERSED"}
UNPAID_LINK = {"NEW", "FORM_SHOWED"}  # a checkout page nobody has paid on yet
REFUND_DONE = {"REFUNDED", "PARTIAL_REFUNDED", "REVERSED", "PARTIAL_REVERSED", "CANCELED"}
REFUND_PENDING = {"REFUNDING", "ASYNC_REFUNDING", "REVERSING"}

# ErrorCodes that say "try again later" (internal errors, unknown payment status): no answer about money.
TRY_LATER = {"3", "21", "55", "99", "401", "402", "903", "999", "1018", "1096", "3040", "7999", "9001", "9999"}
ORDER_NOT_FOUND = "335"  # CheckOrder: "OrderId … не найден для TerminalKey …"

# Reasons a payment was declined (the bank's ErrorCode table) → what dunning does next. Unlisted codes,
# e.g. 1051/116/103 insufficient funds, issuer declines and limits, are retried.
DECLINE_ACTIONS: dict[str, DeclineAction] = {
    # the issuer suspects fraud, the card is blacklisted, or the holder forbade such charges
    **dict.fromkeys(("1004", "1007", "1043", "1059", "1063", "1093", "1094", "3003", "506", "600",
                     "1057", "1058"), "stop"),
    # this card (or its saved credential) cannot work any more
    **dict.fromkeys(("1014", "1015", "1033", "1054", "252", "1039", "1053", "1041", "1078", "1080", "1082",
                     "262", "231", "105"), "new_card"),
    # statuses that end a payment without a code
    "CANCELED": "stop",
}

# The reference's Tax values (OpenAPI snapshot of Sep 2025). It has no 22 % codes: a 2026 receipt at 22 %
# cannot be sent to Т-Банк until the bank documents them (docs/design/payments.md).
TAX_CODES = {VatRate.NONE: "none", VatRate.VAT0: "vat0", VatRate.VAT5: "vat5", VatRate.VAT7: "vat7",
             VatRate.VAT10: "vat10", VatRate.VAT20: "vat20", VatRate.VAT5_105: "vat105",
             VatRate.VAT7_107: "vat107", VatRate.VAT10_110: "vat110", VatRate.VAT20_120: "vat120"}

ORDER_ID = re.compile(r"^(?P<invoice>.+)-(?P<attempt>\d{1,9})$")


class TBankCredentials(BaseModel):
    model_config = ConfigDict(frozen=True)

    terminal_key: str
    password: SecretStr


def _scalar(value: Any) -> str:
    if isinstance(value, bool):  # before int: bool is an int, and str(True) is "True"
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def token(params: dict[str, Any], password: str) -> str:
    """The request/notification signature: root-level scalars without Token, plus Password, sorted by
    key, values concatenated, SHA-256 as lowercase hex. Nested objects (Receipt, DATA) are not signed."""
    values = {key: value for key, value in params.items()
              if key != "Token" and value is not None and not isinstance(value, dict | list)}
    values["Password"] = password
    return hashlib.sha256("".join(_scalar(values[key]) for key in sorted(values)).encode()).hexdigest()


def order_id(invoice_id: str, attempt: int) -> str:
    order = f"{invoice_id}-{attempt}"
    if len(order) > 36:  # Init's limit
        raise ProviderRejected("tbank", "the invoice id is too long for an OrderId", code="order-id-too-long")
    return order


def decline_for(status: str, error_code: str | None) -> Decline:
    code = error_code if error_code and error_code != "0" else status
    return Decline(code=code, action=DECLINE_ACTIONS.get(code, "retry"))


def receipt_body(receipt: Receipt) -> dict[str, Any]:
    """FFD 1.05 (the bank's default when FfdVersion is not sent)."""
    unsupported = sorted({item.vat.value for item in receipt.items if item.vat not in TAX_CODES})
    if unsupported:
        raise ProviderRejected("tbank", f"Т-Банк documents no Tax code for VAT {', '.join(unsupported)}",
                               code="vat-rate-unsupported")
    body: dict[str, Any] = {"Taxation": receipt.tax_system.value}
    if receipt.email:
        body["Email"] = receipt.email
    if receipt.phone:
        body["Phone"] = receipt.phone
    body["Items"] = [{"Name": item.description, "Price": item.unit_price.kopecks, "Quantity": item.quantity,
                      "Amount": item.total.kopecks, "Tax": TAX_CODES[item.vat],
                      "PaymentMethod": item.payment_mode, "PaymentObject": item.payment_subject}
                     for item in receipt.items]
    return body


class TBank:
    name: ProviderName = "tbank"

    def __init__(self, credentials: TBankCredentials, *, settings: ProviderSettings | None = None,
                 client: httpx.Client | None = None) -> None:
        self.settings = settings or get_settings(ProviderSettings)
        self.credentials = credentials
        self.client = client or client_from(self.settings, self.settings.tbank_api_url)

    # --- payments ----------------------------------------------------------------------------------

    def start(self, request: PaymentRequest) -> ProviderPayment:
        order = order_id(request.invoice_id, request.attempt)
        for existing in self._order_payments(order, request.amount):
            if existing.status != "canceled" and existing.raw_status not in UNPAID_LINK:
                return existing.payment
            if existing.raw_status in UNPAID_LINK:  # its link may still be open: close it first
                self._call("Cancel", {"PaymentId": existing.payment.provider_payment_id})
        params = self._init_params(request, order) | {
            "SuccessURL": request.return_url, "FailURL": request.return_url,
            # 1 = customer-initiated, credential captured (saving); 0 = nothing saved
            "DATA": {"OperationInitiatorType": "1" if request.save_method else "0"},
        }
        if request.save_method:
            params["Recurrent"] = "Y"
        answer = self._call("Init", params)
        return self._payment(answer, order, confirmation_url=answer.get("PaymentURL"))

    def charge_saved(self, request: ChargeRequest) -> ProviderPayment:
        if request.saved_method.provider != self.name:
            raise ProviderRejected(self.name, "the saved method belongs to another provider", code="wrong-provider")
        order = order_id(request.invoice_id, request.attempt)
        uncharged: str | None = None
        last_failure: ProviderPayment | None = None
        for existing in self._order_payments(order, request.amount):
            if existing.raw_status == "NEW":
                uncharged = existing.payment.provider_payment_id
            elif existing.status == "canceled":
                last_failure = existing.payment
            else:
                return existing.payment  # charged already (or being charged): never again
        if uncharged is None and last_failure is not None:
            return last_failure  # this attempt is over; the next one has a new OrderId
        if uncharged is None:
            # R = merchant-initiated, credential on file, recurring without a schedule
            init = self._call("Init", self._init_params(request, order) | {"DATA": {"OperationInitiatorType": "R"}})
            uncharged = str(init["PaymentId"])
        answer = self._call("Charge", {"PaymentId": uncharged, "RebillId": request.saved_method.token})
        return self._payment(answer, order)

    def fetch(self, provider_payment_id: str) -> ProviderPayment:
        answer = self._call("GetState", {"PaymentId": _payment_id(provider_payment_id)})
        return self._payment(answer, str(answer.get("OrderId", "")))

    def refund(self, request: RefundRequest) -> ProviderRefund:
        # ExternalRequestId makes Cancel idempotent: a repeat answers the state of the first one.
        answer = self._call("Cancel", {"PaymentId": _payment_id(request.provider_payment_id),
                                       "Amount": request.amount.kopecks, "Receipt": receipt_body(request.receipt),
                                       "ExternalRequestId": refund_key(request.refund_id)})
        status = str(answer.get("Status"))
        if status not in REFUND_DONE | REFUND_PENDING:
            raise ResultUnknown("tbank", f"unexpected refund status {status[:40]!r}")
        refunded = int(answer.get("OriginalAmount", 0)) - int(answer.get("NewAmount", 0))
        return ProviderRefund(provider="tbank", provider_refund_id=refund_key(request.refund_id),
                              provider_payment_id=str(answer["PaymentId"]),
                              status="succeeded" if status in REFUND_DONE else "pending",
                              amount=Money(refunded) if refunded > 0 else request.amount)

    def fetch_refund(self, provider_payment_id: str, provider_refund_id: str) -> ProviderRefund:
        """A Т-Банк refund is a state of its payment (Cancel has no object of its own): GetState answers it.
        Back at CONFIRMED, the bank refunded nothing."""
        answer = self._call("GetState", {"PaymentId": _payment_id(provider_payment_id)})
        status = str(answer.get("Status"))
        if status not in REFUND_DONE | REFUND_PENDING | {"CONFIRMED"}:
            raise ResultUnknown("tbank", f"unexpected refund status {status[:40]!r}")
        return ProviderRefund(provider="tbank", provider_refund_id=provider_refund_id,
                              provider_payment_id=provider_payment_id,
                              status="succeeded" if status in REFUND_DONE else
                              "pending" if status in REFUND_PENDING else "canceled", amount=None)

    def _init_params(self, request: PaymentRequest, order: str) -> dict[str, Any]:
        return {
            "Amount": request.receipt.total.kopecks,  # must equal the sum of the receipt's items
            "OrderId": order,
            "Description": request.description,
            "CustomerKey": request.customer_key,
            "PayType": "O",  # one stage: money taken at CONFIRMED, no Confirm call
            "NotificationURL": self.settings.tbank_notification_url or web_url("/api/webhooks/tbank"),
            "Receipt": receipt_body(request.receipt),
        }

    def _order_payments(self, order: str, amount: Money) -> list[_OrderPayment]:
        """What already happened to an OrderId (CheckOrder), oldest first."""
        try:
            answer = self._call("CheckOrder", {"OrderId": order})
        except ProviderRejected as exc:
            if exc.code == ORDER_NOT_FOUND:
                return []
            raise
        found = []
        for item in answer.get("Payments") or []:
            raw = str(item.get("Status"))
            payment = self._payment({**item, "ErrorCode": str(item.get("ErrorCode", "0"))}, order, expected=amount)
            found.append(_OrderPayment(raw_status=raw, status=payment.status, payment=payment))
        return found

    def _call(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        body = {"TerminalKey": self.credentials.terminal_key, **params}
        body["Token"] = token(body, self.credentials.password.get_secret_value())
        response = send(self.client, "tbank", "POST", method, json_body=body)
        if response.status_code == 429 or response.status_code >= 500:
            raise ResultUnknown("tbank", f"HTTP {response.status_code} to {method}")
        answer = json_object(response, "tbank")
        if str(answer.get("Success")).lower() == "true":  # a boolean, or "true" in CheckOrder's items
            return answer
        code = str(answer.get("ErrorCode", ""))
        if str(answer.get("Status")) in FAILED and answer.get("PaymentId") is not None:
            return answer  # a decline is an answer about the money
        message = " ".join(str(answer.get(key, "")) for key in ("Message", "Details")).strip()
        if code in TRY_LATER or response.status_code != 200:
            raise ResultUnknown("tbank", f"{method}: {message or 'no result'}", code=code or None)
        raise ProviderRejected("tbank", f"{method}: {message or 'refused'}", code=code or None)

    def _payment(self, answer: dict[str, Any], order: str, *, confirmation_url: str | None = None,
                 expected: Money | None = None) -> ProviderPayment:
        raw = str(answer.get("Status"))
        status: PaymentStatus = "succeeded" if raw in SUCCEEDED else "canceled" if raw in FAILED else "pending"
        match = ORDER_ID.match(order)
        return ProviderPayment(
            provider="tbank", provider_payment_id=str(answer["PaymentId"]), status=status,
            # CheckOrder's items may omit Amount; then it is the attempt's own amount
            amount=Money(int(answer["Amount"])) if answer.get("Amount") is not None else expected or Money(0),
            invoice_id=match["invoice"] if match else None, attempt=int(match["attempt"]) if match else None,
            confirmation_url=confirmation_url if status == "pending" else None,
            decline=decline_for(raw, str(answer.get("ErrorCode", "0"))) if status == "canceled" else None)

    # --- notifications -----------------------------------------------------------------------------

    def authenticate_webhook(self, source_ip: str, headers: dict[str, str], body: bytes) -> WebhookHint:
        try:
            notification = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise WebhookRejected("the body is not JSON") from None
        if not isinstance(notification, dict) or not isinstance(notification.get("Token"), str):
            raise WebhookRejected("the body is not a signed Т-Банк notification")
        if notification.get("TerminalKey") != self.credentials.terminal_key:
            raise WebhookRejected("the notification is for another terminal")
        expected = token(notification, self.credentials.password.get_secret_value())
        if not hmac.compare_digest(expected, notification["Token"].lower()):
            raise WebhookRejected("the Token does not match")
        status, payment_id = notification.get("Status"), notification.get("PaymentId")
        if payment_id is None or not isinstance(status, str):
            # e.g. a fiscalization notification: authentic, acknowledged, nothing to apply
            return WebhookHint(provider="tbank", object_type="other", object_id=str(payment_id or ""),
                               event=str(notification.get("Type") or "unknown"))
        saved = None
        if notification.get("RebillId") and status in ("AUTHORIZED", "CONFIRMED"):
            pan = str(notification.get("Pan") or "")
            saved = SavedMethod(provider="tbank", token=str(notification["RebillId"]),
                                title=f"*{pan[-4:]}" if len(pan) >= 4 else None)
        if status in REFUND_DONE - FAILED:  # a refund (Cancel of a paid payment) settled
            return WebhookHint(provider="tbank", object_type="refund", object_id=str(payment_id), event=status,
                               payment_id=str(payment_id))
        return WebhookHint(provider="tbank", object_type="payment", object_id=str(payment_id), event=status,
                           saved_method=saved)

    def webhook_ack(self) -> WebhookAck:
        return WebhookAck(status_code=200, body="OK", content_type="text/plain")


class _OrderPayment(BaseModel):
    raw_status: str
    status: PaymentStatus
    payment: ProviderPayment


def _payment_id(value: str) -> str:
    if not value.isdigit():
        raise ProviderRejected("tbank", "not a Т-Банк PaymentId", code="invalid-id")
    return value
