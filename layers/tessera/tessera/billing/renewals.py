"""License renewals paid through billing (seed 000 §3.4): staff «Продлить» with new terms and a price makes a
`license_renewal` invoice; once it is paid (a provider, 1С, or billing staff marking it paid) the license's
next version is signed through the licensing service, once.

Once: the invoice remembers the version it renews (`from_version`). A renewal is signed only while the
license is still at that version; two concurrent signers both try version + 1 and licensing's conditional
write lets one through (the other's Conflict finds the license moved on)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from tessera.billing.pricing import Line
from tessera.core.errors import Conflict
from tessera.core.i18n import register
from tessera.core.money import Money
from tessera.core.observability import count, logger
from tessera.core.request import RequestInfo
from tessera.identity.principal import Principal
from tessera.licensing import service as licensing
from tessera.licensing.models import LicenseTerms, LicenseView

if TYPE_CHECKING:
    from tessera.billing.models import InvoiceView
    from tessera.billing.service import Actor

register({
    "license-not-renewable": {"ru": "Отозванную лицензию нельзя продлить.",
                              "en": "A revoked license cannot be renewed."},
})


class RenewalRequest(BaseModel):
    """«Продлить»: the license's terms from the paid renewal on, and what the customer pays for them."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    terms: LicenseTerms
    price_kopecks: int = Field(gt=0, le=10**12, description="VAT included")
    vat_rate: int | None = Field(22, description="percent; null: without VAT (УСН)")


def invoice_parts(license: LicenseView, request: RenewalRequest) -> tuple[dict[str, Any], list[Line]]:
    """The invoice's purpose (what paying it signs) and its one line."""
    if license.status == "revoked":
        raise Conflict("A revoked license cannot be renewed.", code="license-not-renewable")
    terms = request.terms
    line = Line(f"Продление лицензии {license.product.upper()}, тариф «{terms.plan}», "
                f"с {_ru(terms.starts_on)} по {_ru(terms.ends_on)}", 1, Money(request.price_kopecks),
                request.vat_rate)
    purpose = {"license_id": license.id, "from_version": license.version,
               "terms": terms.model_dump(mode="json", exclude_none=True)}
    return purpose, [line]


def _ru(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def sign_paid_renewal(invoice: InvoiceView, actor: Actor) -> int | None:
    """The license's version the paid invoice bought: signed now, or already (a repeated payment event).
    None when the invoice renews nothing by itself (not a renewal, or one issued without terms to sign:
    staff renew that license by hand)."""
    purpose = invoice.purpose
    if purpose.get("kind") != "license_renewal" or invoice.status != "paid" or "terms" not in purpose:
        return None
    license_id, target = purpose["license_id"], int(purpose["from_version"]) + 1
    if licensing.get(license_id).version >= target:
        return target
    signer = Principal(user_id=actor.id, session_id="", audience="system", kind=actor.kind, roles=frozenset(),
                       display=actor.display or "billing")
    try:
        licensing.renew(license_id, LicenseTerms.model_validate(purpose["terms"]),
                        f"invoice № {invoice.number} paid", signer, actor.request or RequestInfo())
    except Conflict:
        if licensing.get(license_id).version < target:  # not another signer of this renewal: a real conflict
            raise
        return target
    count("license_renewal_signed")
    logger.info("license renewal signed", extra={"license_id": license_id, "invoice_id": invoice.id,
                                                  "version": target})
    return target
