"""Commands and views of billing (amounts in kopecks with their currency, times in UTC)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from tessera.accounts.models import AmountView
from tessera.billing.states import InvoiceStatus, SubscriptionState

PLAN_CODE = r"^[a-z][a-z0-9_]{1,39}$"
PurposeKind = Literal["subscription_period", "plan_change", "license_renewal"]


class BillingPlan(BaseModel):
    code: str = Field(pattern=PLAN_CODE)
    product: str
    name_ru: str
    name_en: str
    price: AmountView = Field(description="per period, VAT included")
    period_months: int
    trial_days: int
    vat_rate: int | None = Field(description="percent; null: without VAT (УСН)")
    limits: dict[str, int | None] = Field(description="null: unlimited")


class PendingChange(BaseModel):
    kind: Literal["upgrade", "downgrade"]
    plan: str
    effective_at: datetime | None = Field(None, description="a downgrade: the end of the current period")
    invoice_id: str | None = Field(None, description="an upgrade: the invoice whose payment switches the plan")


class SavedMethodView(BaseModel):
    provider: str
    title: str = Field(description="e.g. a masked card number; the provider's token is never shown")


class SubscriptionView(BaseModel):
    id: str
    org_id: str
    product: str
    plan: str
    state: SubscriptionState
    period_start: datetime
    period_end: datetime
    cancel_at_period_end: bool
    pending_change: PendingChange | None
    saved_method: SavedMethodView | None
    created_at: datetime
    updated_at: datetime


class InvoiceLineView(BaseModel):
    description: str
    quantity: int
    unit_price: AmountView
    amount: AmountView
    vat_rate: int | None
    vat: AmountView


class InvoiceView(BaseModel):
    id: str
    org_id: str
    seller_id: str
    number: int | None = Field(description="per seller, gapless; given when the invoice is issued")
    status: InvoiceStatus
    purpose: dict[str, Any] = Field(description="{kind: subscription_period | plan_change | license_renewal, …}")
    lines: list[InvoiceLineView]
    total: AmountView
    vat_total: AmountView
    created_at: datetime
    issued_at: datetime | None
    due_at: datetime | None
    paid_at: datetime | None


class BillingPaymentView(BaseModel):
    id: str
    org_id: str
    provider: str
    provider_payment_id: str
    invoice_id: str
    attempt: int
    amount: AmountView
    status: Literal["applied", "refund_due", "mismatch"] = Field(
        description="applied: paid the invoice; refund_due: the invoice was already paid; "
                    "mismatch: amount or currency differ from the invoice")
    refunded: AmountView = Field(description="refunded, or held by a refund the provider has not settled yet")
    created_at: datetime


class SubscriptionPage(BaseModel):
    items: list[SubscriptionView]
    next_cursor: str | None


class InvoicePage(BaseModel):
    items: list[InvoiceView]
    next_cursor: str | None


class BillingPaymentPage(BaseModel):
    items: list[BillingPaymentView]
    next_cursor: str | None


class PlanChoice(BaseModel):
    model_config = ConfigDict(extra="forbid")

    plan: str = Field(pattern=PLAN_CODE)


class PlanChangePreview(BaseModel):
    plan: str
    kind: Literal["upgrade", "downgrade", "same", "trial"]
    amount_now: AmountView = Field(description="to pay now: the price difference for the days left")
    effective_at: datetime
    days_left: int
    period_days: int


class PlanChangeResult(BaseModel):
    subscription: SubscriptionView
    invoice: InvoiceView | None = Field(description="an upgrade: the invoice to pay now")
    preview: PlanChangePreview


DunningRunState = Literal["running", "restored", "suspended", "failed"]


class DunningRunStepView(BaseModel):
    at: datetime
    step: str = Field(description="check | charge | mail:<declined|new_card|grace|suspended|restored> | suspend "
                                  "| restore | done")
    outcome: str = Field(description="charge: paid | retry | grace | new_card | stop; mail: sent <n>; …")
    detail: str | None


class DunningRunView(BaseModel):
    id: str
    invoice_id: str
    invoice_number: int | None
    subscription_id: str | None
    org_id: str
    state: DunningRunState
    tries: int
    max_attempts: int
    started_at: datetime
    ended_at: datetime | None
    steps: list[DunningRunStepView]


class DunningRunPage(BaseModel):
    items: list[DunningRunView]
    next_cursor: str | None
