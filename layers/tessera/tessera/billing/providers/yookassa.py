"""ЮKassa API v3 over httpx: Basic auth shopId:secret key, `Idempotence-Key` per attempt.

Response handling follows ЮKassa's recommendations: 200 is an answer (pending, succeeded or canceled);
202, 5xx and 429 mean "no result yet": repeat with the SAME key (the API answers the original result for
24 hours) or GET the payment; any other 4xx means our request is wrong. Notifications carry no signature:
they are accepted only from ЮKassa's networks, and the object is re-fetched before anyone trusts it."""

from __future__ import annotations

import ipaddress
import json
import re
from decimal import Decimal
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
    TaxSystem,
    VatRate,
    WebhookAck,
    WebhookHint,
    WebhookRejected,
    refund_key,
)
from tessera.billing.providers.transport import ProviderSettings, client_from, json_object, send
from tessera.core.money import Money
from tessera.core.settings import get_settings

# ЮKassa's notification networks as its SDK lists them (SecurityHelper.YOOKASSA_NETWORKS, v2.2.2+).
YOOKASSA_NETWORKS = tuple(ipaddress.ip_network(network) for network in (
    "185.71.76.0/27", "185.71.77.0/27", "77.75.153.0/25", "77.75.156.11/32", "77.75.156.35/32",
    "77.75.154.128/25", "2a02:5180:0:1509::/64", "2a02:5180:0:2655::/64", "2a02:5180:0:1533::/64",
    "2a02:5180:0:2669::/64",
))

TAX_SYSTEM_CODES = {TaxSystem.OSN: 1, TaxSystem.USN_INCOME: 2, TaxSystem.USN_INCOME_OUTCOME: 3,
                    TaxSystem.ESN: 5, TaxSystem.PATENT: 6}

# vat_code 1–10 as the reference (§1.6) gives them; 11 (22 %) and 12 (22/122) are new from 2026-01-01 and
# come from ЮKassa's own table (yookassa.ru/developers/54fz/parameters-values), not from the reference.
VAT_CODES = {VatRate.NONE: 1, VatRate.VAT0: 2, VatRate.VAT10: 3, VatRate.VAT20: 4, VatRate.VAT10_110: 5,
             VatRate.VAT20_120: 6, VatRate.VAT5: 7, VatRate.VAT7: 8, VatRate.VAT5_105: 9, VatRate.VAT7_107: 10,
             VatRate.VAT22: 11, VatRate.VAT22_122: 12}

# cancellation_details.reason → what dunning does next (docs/design/payments.md has the table and why).
# Anything not listed is retried: the number of attempts is capped by the caller anyway.
DECLINE_ACTIONS: dict[str, DeclineAction] = {
    "permission_revoked": "stop", "fraud_suspected": "stop", "canceled_by_merchant": "stop",
    "card_expired": "new_card", "invalid_card_number": "new_card", "invalid_csc": "new_card",
    "payment_method_restricted": "new_card", "country_forbidden": "new_card",
    "identification_required": "new_card",
}

STATUSES: dict[str, PaymentStatus] = {"pending": "pending", "waiting_for_capture": "pending",
                                      "succeeded": "succeeded", "canceled": "canceled"}
EVENTS = {"payment.waiting_for_capture", "payment.succeeded", "payment.canceled", "refund.succeeded",
          "payment_method.active", "deal.closed", "payout.canceled", "payout.succeeded"}
OBJECT_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class YooKassaCredentials(BaseModel):
    model_config = ConfigDict(frozen=True)

    shop_id: str
    secret_key: SecretStr


def decline_action(reason: str) -> DeclineAction:
    return DECLINE_ACTIONS.get(reason, "retry")


def _amount(money: Money) -> dict[str, str]:
    return {"value": f"{money.rubles:.2f}", "currency": money.currency}


def _money(amount: dict[str, Any]) -> Money:
    return Money.from_rubles(Decimal(str(amount["value"])), str(amount["currency"]))


def receipt_body(receipt: Receipt) -> dict[str, Any]:
    customer = {key: value for key, value in (("email", receipt.email), ("phone", receipt.phone)) if value}
    return {
        "customer": customer,
        "tax_system_code": TAX_SYSTEM_CODES[receipt.tax_system],
        "items": [{"description": item.description, "quantity": item.quantity,
                   "amount": _amount(item.unit_price), "vat_code": VAT_CODES[item.vat],
                   "payment_mode": item.payment_mode, "payment_subject": item.payment_subject}
                  for item in receipt.items],
    }


class YooKassa:
    name: ProviderName = "yookassa"

    def __init__(self, credentials: YooKassaCredentials, *, settings: ProviderSettings | None = None,
                 client: httpx.Client | None = None) -> None:
        self.settings = settings or get_settings(ProviderSettings)
        self.credentials = credentials
        self.client = client or client_from(self.settings, self.settings.yookassa_api_url)
        self.networks = YOOKASSA_NETWORKS + ProviderSettings.networks(self.settings.yookassa_extra_webhook_networks)

    # --- payments ----------------------------------------------------------------------------------

    def start(self, request: PaymentRequest) -> ProviderPayment:
        body = self._payment_body(request) | {
            "confirmation": {"type": "redirect", "return_url": request.return_url},
            "save_payment_method": request.save_method,
        }
        return self._create_payment(body, request.idempotence_key)

    def charge_saved(self, request: ChargeRequest) -> ProviderPayment:
        if request.saved_method.provider != self.name:
            raise ProviderRejected(self.name, "the saved method belongs to another provider", code="wrong-provider")
        # A merchant-initiated charge: the saved method's id and no confirmation (reference §1.4).
        body = self._payment_body(request) | {"payment_method_id": request.saved_method.token}
        return self._create_payment(body, request.idempotence_key)

    def fetch(self, provider_payment_id: str) -> ProviderPayment:
        return self.parse_payment(self._call("GET", f"payments/{_object_id(provider_payment_id)}"))

    def refund(self, request: RefundRequest) -> ProviderRefund:
        body: dict[str, Any] = {"payment_id": _object_id(request.provider_payment_id),
                                "amount": _amount(request.amount), "receipt": receipt_body(request.receipt)}
        if request.description:
            body["description"] = request.description
        return self._refund(self._call("POST", "refunds", body, idempotence_key=refund_key(request.refund_id)))

    def fetch_refund(self, provider_payment_id: str, provider_refund_id: str) -> ProviderRefund:
        return self._refund(self._call("GET", f"refunds/{_object_id(provider_refund_id)}"))

    @staticmethod
    def _refund(answer: dict[str, Any]) -> ProviderRefund:
        return ProviderRefund(provider="yookassa", provider_refund_id=str(answer["id"]),
                              provider_payment_id=str(answer["payment_id"]), status=_status(answer),
                              amount=_money(answer["amount"]))

    def _payment_body(self, request: PaymentRequest) -> dict[str, Any]:
        return {
            "amount": _amount(request.amount),
            "capture": True,  # one stage: the money is taken when the customer pays
            "description": request.description,
            "metadata": {"invoice_id": request.invoice_id, "attempt": str(request.attempt)},
            "merchant_customer_id": request.customer_key,
            "receipt": receipt_body(request.receipt),
        }

    def _create_payment(self, body: dict[str, Any], idempotence_key: str) -> ProviderPayment:
        return self.parse_payment(self._call("POST", "payments", body, idempotence_key=idempotence_key))

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None, *,
              idempotence_key: str | None = None) -> dict[str, Any]:
        headers = {"Idempotence-Key": idempotence_key} if idempotence_key else None
        response = send(self.client, "yookassa", method, path, json_body=body, headers=headers,
                        auth=(self.credentials.shop_id, self.credentials.secret_key))
        if response.status_code == 200:
            return json_object(response, "yookassa")
        if response.status_code == 202 or response.status_code == 429 or response.status_code >= 500:
            raise ResultUnknown("yookassa", f"HTTP {response.status_code} to {method} {path}")
        try:
            error = response.json()
        except ValueError:
            error = {}
        error = error if isinstance(error, dict) else {}
        parameter = f" [{error['parameter']}]" if error.get("parameter") else ""
        raise ProviderRejected("yookassa", f"HTTP {response.status_code}: {error.get('description', '')}{parameter}",
                               code=str(error.get("code") or response.status_code))

    def parse_payment(self, payment: dict[str, Any]) -> ProviderPayment:
        status = _status(payment)
        metadata = payment.get("metadata") or {}
        attempt = str(metadata.get("attempt", ""))
        method = payment.get("payment_method") or {}
        saved = None
        if method.get("saved") and method.get("id"):
            card = method.get("card") or {}
            title = method.get("title") or (
                f"{card.get('card_type', 'Card')} *{card['last4']}" if card.get("last4") else None)
            saved = SavedMethod(provider="yookassa", token=str(method["id"]), title=title)
        decline = None
        if status == "canceled":
            reason = str((payment.get("cancellation_details") or {}).get("reason") or "unknown")
            decline = Decline(code=reason, action=decline_action(reason))
        return ProviderPayment(
            provider="yookassa", provider_payment_id=str(payment["id"]), status=status,
            amount=_money(payment["amount"]), invoice_id=metadata.get("invoice_id"),
            attempt=int(attempt) if attempt.isdigit() else None,
            confirmation_url=(payment.get("confirmation") or {}).get("confirmation_url")
            if status == "pending" else None,
            saved_method=saved, decline=decline)

    # --- notifications -----------------------------------------------------------------------------

    def authenticate_webhook(self, source_ip: str, headers: dict[str, str], body: bytes) -> WebhookHint:
        try:
            address = ipaddress.ip_address(source_ip)
        except ValueError:
            raise WebhookRejected("the source address is not an IP address") from None
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if not any(address in network for network in self.networks):
            raise WebhookRejected("the source address is not one of ЮKassa's networks")
        try:
            notification = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise WebhookRejected("the body is not JSON") from None
        if not isinstance(notification, dict) or notification.get("type") != "notification":
            raise WebhookRejected("the body is not a ЮKassa notification")
        event, subject = notification.get("event"), notification.get("object")
        if event not in EVENTS or not isinstance(subject, dict) or not OBJECT_ID.match(str(subject.get("id", ""))):
            raise WebhookRejected("the notification names no known event and object")
        kind = event.split(".", 1)[0]
        payment_id = str(subject.get("payment_id", "")) if kind == "refund" else ""
        return WebhookHint(provider="yookassa", object_type=kind if kind in ("payment", "refund") else "other",
                           object_id=str(subject["id"]), event=event,
                           payment_id=payment_id if OBJECT_ID.match(payment_id) else None)

    def webhook_ack(self) -> WebhookAck:
        return WebhookAck(status_code=200, body="")


def _status(answer: dict[str, Any]) -> PaymentStatus:
    status = STATUSES.get(str(answer.get("status")))
    if status is None:
        raise ResultUnknown("yookassa", f"unexpected status {str(answer.get('status'))[:40]!r}")
    return status


def _object_id(value: str) -> str:
    if not OBJECT_ID.match(value):
        raise ProviderRejected("yookassa", "not a ЮKassa object id", code="invalid-id")
    return value
