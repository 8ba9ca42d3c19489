"""Commands and views of the 1С / CRM integrations and of payments recorded by hand."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

PAYMENT_ID = r"^[\w.:/-]{1,64}$"  # letters of any script: a Russian bank document is «ПП-17»


class CredentialView(BaseModel):
    id: str
    name: str
    status: Literal["active", "revoked"]
    secret_hint: str = Field(description="the secret's last 4 characters")
    created_at: datetime
    created_by: str
    rotated_at: datetime | None
    revoked_at: datetime | None


class IssuedCredential(BaseModel):
    credential: CredentialView
    secret: str = Field(description="shown this once: keep it in the integration's settings")


class CredentialRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=2, max_length=100, description="e.g. «1С: Бухгалтерия»")


class RevokeCredential(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=3, max_length=300)


class ExternalPayment(BaseModel):
    """1С / CRM: the invoice (by our id or by its printed number) is paid."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    payment_id: str = Field(pattern=PAYMENT_ID, description="the sender's id of the payment: a repeat is ignored")
    invoice_id: str | None = Field(None, pattern=r"^inv_[0-9A-HJKMNP-TV-Z]{26}$")
    invoice_number: int | None = Field(None, ge=1, description="the number printed on the счёт")
    amount_kopecks: int = Field(gt=0, le=10**12)
    currency: Literal["RUB"] = "RUB"

    @model_validator(mode="after")
    def _one_invoice(self) -> ExternalPayment:
        if (self.invoice_id is None) == (self.invoice_number is None):
            raise ValueError("name the invoice by invoice_id or invoice_number, one of them")
        return self


class ManualPayment(BaseModel):
    """Billing staff: the money for this invoice arrived (a bank transfer)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reference: str = Field(pattern=PAYMENT_ID, description="the bank document's number: a repeat is ignored")
    amount_kopecks: int = Field(gt=0, le=10**12)
    currency: Literal["RUB"] = "RUB"


class ExternalPaymentAnswer(BaseModel):
    payment_id: str
    invoice_id: str
    status: Literal["applied", "refund_due", "mismatch"]
    repeated: bool = Field(description="true: this payment id was accepted before; nothing changed now")
