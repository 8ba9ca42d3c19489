"""Billing's environment (template.yaml declares it)."""

from pydantic import Field

from tessera.core.settings import CoreSettings


class BillingSettings(CoreSettings):
    seller_id: str = Field("main", alias="BILLING_SELLER_ID", pattern=r"^[a-z0-9_-]{1,40}$",
                           description="the legal entity that issues invoices; each has its own numbering")
    invoice_due_days: int = Field(5, alias="BILLING_INVOICE_DUE_DAYS", ge=0, le=90)
