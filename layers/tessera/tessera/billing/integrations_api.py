"""Integrations: the admins' integration keys, billing staff marking an invoice paid and starting a paid
license renewal (console), and the routes 1С / a CRM call with a key (/api/external/*).

An external request carries three headers: `X-Tessera-Key` (the key's id), `X-Tessera-Timestamp` (Unix
seconds) and `X-Tessera-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` — for a GET, the
"body" signed is its raw query string. The signature is checked before the body is even parsed."""

from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from pydantic import ValidationError

from tessera.billing import integrations, renewals, service
from tessera.billing.integration_models import (
    CredentialRequest,
    CredentialView,
    ExternalPayment,
    ExternalPaymentAnswer,
    IssuedCredential,
    ManualPayment,
    RevokeCredential,
)
from tessera.billing.models import BillingPaymentView, InvoiceView
from tessera.billing.service import Actor
from tessera.core.http import Path, Query, Response, Router, public
from tessera.core.request import RequestInfo
from tessera.identity.principal import current, guard
from tessera.licensing import service as licensing
from tessera.licensing.models import LicenseListPage

router = Router()
ULID = r"[0-9A-HJKMNP-TV-Z]{26}"
CREDENTIAL_ID = Annotated[str, Path(pattern=rf"^int_{ULID}$")]
INVOICE_ID = Annotated[str, Path(pattern=rf"^inv_{ULID}$")]
LICENSE_ID = Annotated[str, Path(pattern=rf"^lic_{ULID}$")]
CREDENTIALS = "/api/console/integrations/credentials"


def _actor() -> Actor:
    return Actor.of(current(), RequestInfo.from_event(router.current_event))


# --- console: integration keys ---------------------------------------------------------------------

@router.get(CREDENTIALS, summary="Integration keys (1С, CRM); secrets are never shown again", tags=["integrations"])
@guard(router, "console.integrations.read")
def credentials() -> list[CredentialView]:
    return integrations.list_credentials()


@router.post(CREDENTIALS, summary="A new integration key: its secret is in this answer only (audited)",
             tags=["integrations"])
@guard(router, "console.integrations.manage")
def create_credential(body: CredentialRequest) -> Response[IssuedCredential]:
    return Response(201, "application/json", integrations.create_credential(body.name, _actor()),
                    headers={"Cache-Control": "no-store"})


@router.post(f"{CREDENTIALS}/<credential_id>/rotate",
             summary="A new secret for the key (shown once); the old one stops working at once (audited)",
             tags=["integrations"])
@guard(router, "console.integrations.manage")
def rotate_credential(credential_id: CREDENTIAL_ID) -> Response[IssuedCredential]:
    return Response(200, "application/json", integrations.rotate_credential(credential_id, _actor()),
                    headers={"Cache-Control": "no-store"})


@router.post(f"{CREDENTIALS}/<credential_id>/revoke", summary="Revoke the key for good (audited with the reason)",
             tags=["integrations"])
@guard(router, "console.integrations.manage")
def revoke_credential(credential_id: CREDENTIAL_ID, body: RevokeCredential) -> CredentialView:
    return integrations.revoke_credential(credential_id, body.reason, _actor())


# --- console: payments by hand, paid license renewals ----------------------------------------------

@router.post("/api/console/billing/invoices/<invoice_id>/mark-paid",
             summary="Mark an invoice paid (a bank transfer); once per reference, audited", tags=["billing"])
@guard(router, "console.billing.mark_paid")
def mark_paid(invoice_id: INVOICE_ID, body: ManualPayment) -> BillingPaymentView:
    return integrations.mark_paid(invoice_id, body, _actor())[0]


@router.post("/api/console/billing/licenses/<license_id>/renewal-invoice",
             summary="«Продлить»: an invoice for the new terms; paying it signs the license's next version",
             tags=["billing"])
@guard(router, "console.licenses.renew")
def renewal_invoice(license_id: LICENSE_ID, body: renewals.RenewalRequest) -> Response[InvoiceView]:
    license = licensing.get(license_id)
    purpose, lines = renewals.invoice_parts(license, body)
    invoice = service.issue_invoice(license.org_id, "license_renewal", purpose, lines, _actor())
    return Response(201, "application/json", invoice)


# --- external: 1С / CRM ----------------------------------------------------------------------------

def _signed_by(signed: bytes) -> Actor:
    headers = router.current_event.headers or {}
    actor = integrations.authenticate(headers.get("x-tessera-key"), headers.get("x-tessera-timestamp"), signed,
                                      headers.get("x-tessera-signature"))
    request = RequestInfo.from_event(router.current_event)
    return Actor(actor.id, actor.kind, actor.display, request=request)


@router.post("/api/external/payments", summary="1С / CRM: an invoice is paid (signed; once per payment_id)",
             tags=["integrations"])
@public
def external_payment() -> Response[ExternalPaymentAnswer]:
    raw = router.current_event.decoded_body or ""
    actor = _signed_by(raw.encode())
    try:
        command = ExternalPayment.model_validate_json(raw or "{}")
    except ValidationError as exc:
        raise RequestValidationError([_in_body(e) for e in exc.errors()], body=raw) from exc
    payment, created = integrations.apply_external_payment(command, actor)
    answer = ExternalPaymentAnswer(payment_id=command.payment_id, invoice_id=payment.invoice_id,
                                   status=payment.status, repeated=not created)
    return Response(201 if created else 200, "application/json", answer)


def _in_body(error: Any) -> Any:
    error = dict(error)
    error["loc"] = ("body", *error.get("loc", ()))
    return error


@router.get("/api/external/licenses/export",
            summary="Every license for analytics, newest first, a page at a time (signed; CSV or JSON)",
            responses={200: {"description": "a page of licenses",
                             "content": {"application/json": {}, "text/csv": {}}}}, tags=["integrations"])
@public
def export_licenses(format: Annotated[Literal["json", "csv"], Query()] = "json",
                    cursor: Annotated[str | None, Query(max_length=500)] = None,
                    limit: Annotated[int | None, Query(ge=1, le=100)] = None):  # CSV: no return annotation
    _signed_by((router.current_event.raw_query_string or "").encode())
    page: LicenseListPage = integrations.export_licenses(cursor, limit)
    if format == "json":
        return Response(200, "application/json", page.model_dump(mode="json"))
    headers = {"Content-Disposition": 'attachment; filename="licenses.csv"'}
    if page.next_cursor:
        headers["X-Next-Cursor"] = page.next_cursor
    return Response(200, "text/csv; charset=utf-8", integrations.licenses_csv(page), headers=headers)
