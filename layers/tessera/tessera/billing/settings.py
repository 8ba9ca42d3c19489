"""Billing's environment (template.yaml declares it)."""

from pydantic import Field

from tessera.core.settings import CoreSettings


class BillingSettings(CoreSettings):
    seller_id: str = Field("main", alias="BILLING_SELLER_ID", pattern=r"^[a-z0-9_-]{1,40}$",
                           description="the legal entity that issues invoices; each has its own numbering")
    invoice_due_days: int = Field(5, alias="BILLING_INVOICE_DUE_DAYS", ge=0, le=90)


class DunningSettings(CoreSettings):
    """Dunning and the trial lifecycle: the state machines the daily job starts and their timings
    (production values by default; tests and the local cloud pass seconds)."""

    dunning_machine_arn: str = Field("", alias="DUNNING_STATE_MACHINE_ARN")
    trial_machine_arn: str = Field("", alias="TRIAL_LIFECYCLE_STATE_MACHINE_ARN")
    max_attempts: int = Field(3, alias="DUNNING_MAX_ATTEMPTS", ge=1, le=10)
    retry_interval_seconds: int = Field(3 * 86_400, alias="DUNNING_RETRY_INTERVAL_SECONDS", ge=1)
    grace_period_seconds: int = Field(7 * 86_400, alias="DUNNING_GRACE_PERIOD_SECONDS", ge=1)
    read_only_seconds: int = Field(7 * 86_400, alias="TRIAL_READ_ONLY_SECONDS", ge=1)
