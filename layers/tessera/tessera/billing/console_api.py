"""/api/console/billing/*: the billing staff's lists and cards of plans, subscriptions, invoices and payments."""

from datetime import date
from typing import Annotated, Any, Literal

from tessera.audit import service as audit
from tessera.billing import checkout, documents_service, payments_io, refunds, service
from tessera.billing.checkout import (
    ActiveProviderChoice,
    ProviderSettingsView,
    TBankCredentialsInput,
    YooKassaCredentialsInput,
)
from tessera.billing.documents.model import Requisites
from tessera.billing.documents_service import ActPage, PdfFile, SellerRequisitesView
from tessera.billing.models import (
    BillingPaymentPage,
    BillingPlan,
    InvoicePage,
    InvoiceView,
    SubscriptionPage,
    SubscriptionView,
)
from tessera.billing.payments_io import PaymentImportReport, PaymentImportRequest
from tessera.billing.refunds import PaymentWithRefunds, RefundCommand, RefundView
from tessera.billing.states import InvoiceStatus, SubscriptionState
from tessera.core import clock
from tessera.core.http import Path, Query, Response, Router
from tessera.core.request import RequestInfo
from tessera.identity.principal import current, guard

router = Router()
ULID = r"[0-9A-HJKMNP-TV-Z]{26}"
ORG_FILTER = Annotated[str | None, Query(pattern=rf"^org_{ULID}$", description="one customer's")]
SEARCH = Annotated[str | None, Query(max_length=100, description="a customer's name (part of it) or ИНН")]
CURSOR = Annotated[str | None, Query(max_length=500)]
LIMIT = Annotated[int | None, Query(ge=1, le=100)]
SUBSCRIPTION_ID = Annotated[str, Path(pattern=rf"^sub_{ULID}$")]
INVOICE_ID = Annotated[str, Path(pattern=rf"^inv_{ULID}$")]
PROVIDER = r"^[a-z][a-z0-9_]{1,19}$"
# letters of any script: a bank document's id is «<ИНН>:<дата>:<номер>», the number may be «ПП-17»
PROVIDER_PAYMENT_ID = Annotated[str, Path(pattern=r"^[\w.:-]{1,64}$")]


@router.get("/api/console/billing/plans", summary="Plans on sale with prices and limits", tags=["billing"])
@guard(router, "console.billing.read")
def plans() -> list[BillingPlan]:
    return service.list_plans()


@router.get("/api/console/billing/subscriptions",
            summary="Subscriptions, newest first; by customer (or a search), state, plan", tags=["billing"])
@guard(router, "console.billing.read")
def subscriptions(org_id: ORG_FILTER = None, q: SEARCH = None,
                  state: Annotated[SubscriptionState | None, Query()] = None,
                  plan: Annotated[str | None, Query(pattern=r"^[a-z][a-z0-9_]{1,39}$")] = None,
                  cursor: CURSOR = None, limit: LIMIT = None) -> SubscriptionPage:
    return service.list_subscriptions(org_id=org_id, q=q, state=state, plan=plan, cursor=cursor, limit=limit)


@router.get("/api/console/billing/subscriptions/<subscription_id>", summary="A subscription", tags=["billing"])
@guard(router, "console.billing.read")
def subscription(subscription_id: SUBSCRIPTION_ID) -> SubscriptionView:
    return service.get_subscription(subscription_id)


@router.get("/api/console/billing/invoices",
            summary="Invoices, newest first; by customer (or a search), status, number", tags=["billing"])
@guard(router, "console.billing.read")
def invoices(org_id: ORG_FILTER = None, q: SEARCH = None, status: Annotated[InvoiceStatus | None, Query()] = None,
             number: Annotated[int | None, Query(ge=1, description="the seller's invoice number")] = None,
             cursor: CURSOR = None, limit: LIMIT = None) -> InvoicePage:
    return service.list_invoices(org_id=org_id, q=q, status=status, number=number, cursor=cursor, limit=limit)


@router.get("/api/console/billing/invoices/<invoice_id>", summary="An invoice with its lines", tags=["billing"])
@guard(router, "console.billing.read")
def invoice(invoice_id: INVOICE_ID) -> InvoiceView:
    return service.get_invoice(invoice_id)


@router.get("/api/console/billing/payments",
            summary="Payments, newest first; by customer (or a search), provider, status, invoice", tags=["billing"])
@guard(router, "console.billing.read")
def payments(org_id: ORG_FILTER = None, q: SEARCH = None,
             provider: Annotated[str | None, Query(pattern=PROVIDER)] = None,
             status: Annotated[str | None, Query(pattern=r"^(applied|refund_due|mismatch)$")] = None,
             invoice_id: Annotated[str | None, Query(pattern=rf"^inv_{ULID}$")] = None,
             cursor: CURSOR = None, limit: LIMIT = None) -> BillingPaymentPage:
    return service.list_payments(org_id=org_id, q=q, provider=provider, status=status, invoice_id=invoice_id,
                                 cursor=cursor, limit=limit)


@router.get("/api/console/billing/payments/<provider>/<provider_payment_id>",
            summary="A payment, by the provider's id of it", tags=["billing"])
@guard(router, "console.billing.read")
def payment(provider: Annotated[str, Path(pattern=PROVIDER)],
            provider_payment_id: PROVIDER_PAYMENT_ID) -> PaymentWithRefunds:
    return refunds.payment_with_refunds(provider, provider_payment_id)


# --- payment providers -----------------------------------------------------------------------------

def _actor() -> service.Actor:
    return service.Actor.of(current(), RequestInfo.from_event(router.current_event))


@router.get("/api/console/billing/providers", summary="Payment providers: which is active, credentials masked",
            tags=["billing"])
@guard(router, "console.billing.read")
def providers() -> ProviderSettingsView:
    return checkout.provider_settings_view()


@router.put("/api/console/billing/providers/yookassa",
            summary="ЮKassa's shopId and secret key (the key is never shown again)", tags=["billing"])
@guard(router, "console.billing.providers")
def yookassa_credentials(body: YooKassaCredentialsInput) -> ProviderSettingsView:
    return checkout.save_credentials("yookassa", body, _actor())


@router.put("/api/console/billing/providers/tbank",
            summary="Т-Банк's TerminalKey and password (the password is never shown again)", tags=["billing"])
@guard(router, "console.billing.providers")
def tbank_credentials(body: TBankCredentialsInput) -> ProviderSettingsView:
    return checkout.save_credentials("tbank", body, _actor())


@router.put("/api/console/billing/providers/active", summary="The provider new payments go to", tags=["billing"])
@guard(router, "console.billing.providers")
def active_provider(body: ActiveProviderChoice) -> ProviderSettingsView:
    return checkout.set_active_provider(body.provider, _actor())


# --- documents and the seller's requisites ---------------------------------------------------------

PDF: dict[int, Any] = {200: {"description": "the document as a PDF", "content": {"application/pdf": {}}}}
ACT_ID = Annotated[str, Path(pattern=rf"^act_{ULID}$")]


def _pdf(file: PdfFile) -> Response[bytes]:
    return Response(200, "application/pdf", file.body, headers={"Content-Disposition": file.content_disposition})


@router.get("/api/console/billing/invoices/<invoice_id>/pdf", summary="An invoice (счёт) as a PDF",
            tags=["billing"], responses=PDF)
@guard(router, "console.billing.read")
def invoice_pdf(invoice_id: INVOICE_ID):  # a file: no return annotation, so the bytes pass through
    return _pdf(documents_service.invoice_pdf(invoice_id))


@router.get("/api/console/billing/acts", summary="Acts (акт, УПД) of paid invoices, newest first; by customer",
            tags=["billing"])
@guard(router, "console.billing.read")
def acts(org_id: ORG_FILTER = None, cursor: CURSOR = None, limit: LIMIT = None) -> ActPage:
    return documents_service.list_acts(org_id, cursor, limit)


@router.get("/api/console/billing/acts/<act_id>/pdf", summary="An act (акт or УПД) as a PDF", tags=["billing"],
            responses=PDF)
@guard(router, "console.billing.read")
def act_pdf(act_id: ACT_ID):  # a file: the bytes pass through
    return _pdf(documents_service.act_pdf(act_id))


@router.get("/api/console/billing/seller", summary="The seller's requisites printed on invoices and acts",
            tags=["billing"])
@guard(router, "console.billing.read")
def seller() -> SellerRequisitesView:
    return documents_service.get_requisites()


@router.put("/api/console/billing/seller",
            summary="Set the seller's requisites (documents issued before keep those then in force; audited)",
            tags=["billing"])
@guard(router, "console.billing.seller")
def save_seller(body: Requisites) -> SellerRequisitesView:
    return documents_service.save_requisites(body, _actor())


# --- refunds and payment files ---------------------------------------------------------------------

@router.post("/api/console/billing/payments/<provider>/<provider_payment_id>/refund",
             summary="Refund a payment (all that is left, or an amount) through its provider; a repeat refunds "
                     "nothing twice", tags=["billing"])
@guard(router, "console.billing.refund")
def refund(provider: Annotated[str, Path(pattern=PROVIDER)], provider_payment_id: PROVIDER_PAYMENT_ID,
           body: RefundCommand) -> RefundView:
    return refunds.refund_payment(provider, provider_payment_id, body, _actor())


@router.post("/api/console/billing/payments/<provider>/<provider_payment_id>/refunds/<number>/check",
             summary="Ask the provider about a pending refund and record its answer", tags=["billing"])
@guard(router, "console.billing.refund")
def check_refund(provider: Annotated[str, Path(pattern=PROVIDER)], provider_payment_id: PROVIDER_PAYMENT_ID,
                 number: Annotated[int, Path(ge=1, le=10_000)]) -> RefundView:
    return refunds.check_refund(provider, provider_payment_id, number, _actor())


@router.get("/api/console/billing/payments/export",
            summary="Export the payments of a period (Moscow dates, both included) as CSV or XLSX",
            tags=["billing"], responses={200: {"description": "the file",
                                               "content": {"text/csv": {}, payments_io.XLSX_TYPE: {}}}})
@guard(router, "console.billing.export")
def export_payments(format: Literal["csv", "xlsx"] = "csv", org_id: ORG_FILTER = None,
                    from_: Annotated[date | None, Query(alias="from", description="the first day")] = None,
                    to: Annotated[date | None, Query(description="the last day")] = None
                    ):  # a file: no return annotation, so the bytes pass through
    body, exported = payments_io.export(format, org_id, from_, to)
    actor = _actor()
    audit.record("payment.export", "payment", "payments", actor_id=actor.id, actor_kind=actor.kind,
                 actor_display=actor.display, actor_roles=actor.roles, request=actor.request,
                 after={"format": format, "payments": exported, "org_id": org_id,
                        "from": from_.isoformat() if from_ else None, "to": to.isoformat() if to else None})
    name = f"tessera-payments-{clock.today().isoformat()}.{format}"
    media = "text/csv; charset=utf-8" if format == "csv" else payments_io.XLSX_TYPE
    return Response(200, media, body, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/api/console/billing/payments/import",
             summary="Import bank payments (1С statement: invoice number, amount, date, payer's ИНН, document "
                     "number) from CSV or XLSX: a dry run previews, then apply (idempotent by bank document)",
             tags=["billing"])
@guard(router, "console.billing.import")
def import_payments(body: PaymentImportRequest,
                    dry_run: Annotated[bool, Query(description="true: check and preview only")] = True
                    ) -> PaymentImportReport:
    actor = _actor()
    return payments_io.run(body, dry_run, actor, actor.request.language if actor.request else "ru")
