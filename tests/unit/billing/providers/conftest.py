"""Requests every provider test starts from: a Fast Lead «Про» month, 9 990 ₽ with 22 % VAT included."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tessera.billing.providers.port import (
    ChargeRequest,
    PaymentRequest,
    Receipt,
    ReceiptItem,
    SavedMethod,
    TaxSystem,
    VatRate,
)
from tessera.billing.providers.transport import ProviderSettings
from tessera.core.money import Money

INVOICE = "01JH8Z3Q4W5E6R7T8Y9U0I1O2P"


def make_receipt(vat: VatRate = VatRate.VAT20, tax_system: TaxSystem = TaxSystem.OSN, quantity: int = 1) -> Receipt:
    return Receipt(email="Owner@Demo.Tessera.Local", tax_system=tax_system,
                   items=[ReceiptItem(description="Fast Lead «Про», 1 месяц", quantity=quantity,
                                      unit_price=Money(999_000), vat=vat)])


def make_request(attempt: int = 1, *, save_method: bool = True, vat: VatRate = VatRate.VAT20) -> PaymentRequest:
    return PaymentRequest(invoice_id=INVOICE, attempt=attempt, amount=Money(999_000),
                          description="Счёт 2026-000017: Fast Lead «Про»", customer_key="org-01JH8Z",
                          receipt=make_receipt(vat), return_url="https://app.tessera.example/app/billing/return",
                          save_method=save_method)


def make_charge(provider: str, token: str, attempt: int = 1) -> ChargeRequest:
    return ChargeRequest(**make_request(attempt, save_method=False).model_dump(),
                         saved_method=SavedMethod(provider=provider, token=token))  # type: ignore[arg-type]


class Recorder:
    """An httpx transport that answers from a script and keeps every request it saw."""

    def __init__(self, *answers: httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer(request) if callable(answer) else answer

    def body(self, index: int = -1) -> dict[str, Any]:
        return json.loads(self.requests[index].content)

    def client(self, base_url: str) -> httpx.Client:
        return httpx.Client(base_url=base_url, transport=httpx.MockTransport(self), timeout=1.0)


@pytest.fixture
def settings() -> ProviderSettings:
    return ProviderSettings(YOOKASSA_WEBHOOK_EXTRA_NETWORKS="", TBANK_NOTIFICATION_URL="https://api.tessera.example/api/webhooks/tbank")
