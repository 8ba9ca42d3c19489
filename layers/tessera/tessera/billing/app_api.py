"""/api/app/orgs/{org_id}/billing/*: the customer's own plan, subscription, invoices and payments. The
organization comes from the token; another organization's, or its subscription or invoice, answers 404."""

from typing import Annotated, Any

from tessera.billing import checkout, documents_service, service
from tessera.billing.checkout import CheckoutView, PayInvoice
from tessera.billing.documents_service import ActPage, PaymentMethodList, PdfFile
from tessera.billing.models import (
    BillingPaymentPage,
    BillingPlan,
    InvoicePage,
    InvoiceView,
    PlanChangePreview,
    PlanChangeResult,
    PlanChoice,
    SubscriptionPage,
    SubscriptionView,
)
from tessera.billing.service import Actor
from tessera.core.http import Path, Query, Response, Router
from tessera.core.request import RequestInfo
from tessera.identity import service as identity
from tessera.identity.principal import current, guard

router = Router()
ULID = r"[0-9A-HJKMNP-TV-Z]{26}"
ORG_ID = Annotated[str, Path(pattern=rf"^org_{ULID}$")]
SUBSCRIPTION_ID = Annotated[str, Path(pattern=rf"^sub_{ULID}$")]
INVOICE_ID = Annotated[str, Path(pattern=rf"^inv_{ULID}$")]
CURSOR = Annotated[str | None, Query(max_length=500)]
LIMIT = Annotated[int | None, Query(ge=1, le=100)]
BASE = "/api/app/orgs/<org_id>/billing"


def _actor() -> Actor:
    return Actor.of(current(), RequestInfo.from_event(router.current_event))


@router.get(f"{BASE}/plans", summary="Plans to choose from", tags=["billing"])
@guard(router, "app.billing.read")
def plans(org_id: ORG_ID) -> list[BillingPlan]:
    return service.list_plans()


@router.get(f"{BASE}/subscriptions", summary="The organization's subscriptions", tags=["billing"])
@guard(router, "app.billing.read")
def subscriptions(org_id: ORG_ID, cursor: CURSOR = None, limit: LIMIT = None) -> SubscriptionPage:
    return service.list_subscriptions(org_id=org_id, cursor=cursor, limit=limit)


@router.post(f"{BASE}/subscriptions", summary="Start a plan's trial", tags=["billing"])
@guard(router, "app.billing.change")
def start_trial(org_id: ORG_ID, body: PlanChoice) -> Response[SubscriptionView]:
    return Response(201, "application/json", service.start_trial(org_id, body.plan, _actor()))


@router.get(f"{BASE}/subscriptions/<subscription_id>", summary="A subscription of the organization",
            tags=["billing"])
@guard(router, "app.billing.read")
def subscription(org_id: ORG_ID, subscription_id: SUBSCRIPTION_ID) -> SubscriptionView:
    return service.get_subscription(subscription_id, org_id)


@router.get(f"{BASE}/subscriptions/<subscription_id>/plan-change",
            summary="What a change to another plan costs now and when it takes effect (changes nothing)",
            tags=["billing"])
@guard(router, "app.billing.read")
def preview_plan_change(org_id: ORG_ID, subscription_id: SUBSCRIPTION_ID,
                        plan: Annotated[str, Query(pattern=r"^[a-z][a-z0-9_]{1,39}$")]) -> PlanChangePreview:
    return service.preview_plan_change(subscription_id, plan, org_id)


@router.post(f"{BASE}/subscriptions/<subscription_id>/plan-change",
             summary="Change the plan: an upgrade now with an invoice for the difference, a downgrade at the "
                     "period's end", tags=["billing"])
@guard(router, "app.billing.change")
def change_plan(org_id: ORG_ID, subscription_id: SUBSCRIPTION_ID, body: PlanChoice) -> PlanChangeResult:
    return service.change_plan(subscription_id, body.plan, _actor(), org_id)


@router.post(f"{BASE}/subscriptions/<subscription_id>/cancel",
             summary="Cancel at the end of the current period (or trial)", tags=["billing"])
@guard(router, "app.billing.change")
def cancel(org_id: ORG_ID, subscription_id: SUBSCRIPTION_ID) -> SubscriptionView:
    return service.cancel_at_period_end(subscription_id, _actor(), org_id)


@router.post(f"{BASE}/subscriptions/<subscription_id>/invoice",
             summary="The invoice for the next period (the open one, or a new one): what «Оплатить» pays",
             tags=["billing"])
@guard(router, "app.billing.change")
def period_invoice(org_id: ORG_ID, subscription_id: SUBSCRIPTION_ID) -> InvoiceView:
    return service.period_invoice(subscription_id, _actor(), org_id)


@router.get(f"{BASE}/invoices", summary="The organization's invoices, newest first", tags=["billing"])
@guard(router, "app.billing.read")
def invoices(org_id: ORG_ID, cursor: CURSOR = None, limit: LIMIT = None) -> InvoicePage:
    return service.list_invoices(org_id=org_id, cursor=cursor, limit=limit)


@router.get(f"{BASE}/invoices/<invoice_id>", summary="An invoice of the organization", tags=["billing"])
@guard(router, "app.billing.read")
def invoice(org_id: ORG_ID, invoice_id: INVOICE_ID) -> InvoiceView:
    return service.get_invoice(invoice_id, org_id)


@router.post(f"{BASE}/invoices/<invoice_id>/pay",
             summary="«Оплатить»: start (or repeat) the invoice's payment attempt; answers where to pay",
             tags=["billing"])
@guard(router, "app.billing.change")
def pay(org_id: ORG_ID, invoice_id: INVOICE_ID, body: PayInvoice) -> CheckoutView:
    payer = identity.active_user(current().user_id).email
    return checkout.pay_invoice(org_id, invoice_id, payer, body, _actor())


@router.get(f"{BASE}/payments", summary="The organization's payment history, newest first", tags=["billing"])
@guard(router, "app.billing.read")
def payments(org_id: ORG_ID, cursor: CURSOR = None, limit: LIMIT = None) -> BillingPaymentPage:
    return service.list_payments(org_id=org_id, cursor=cursor, limit=limit)


# --- documents and saved payment methods -----------------------------------------------------------

PDF: dict[int, Any] = {200: {"description": "the document as a PDF", "content": {"application/pdf": {}}}}
ACT_ID = Annotated[str, Path(pattern=rf"^act_{ULID}$")]
METHOD_ID = Annotated[str, Path(pattern=rf"^pm_{ULID}$")]


def _pdf(file: PdfFile) -> Response[bytes]:
    return Response(200, "application/pdf", file.body, headers={"Content-Disposition": file.content_disposition})


@router.get(f"{BASE}/invoices/<invoice_id>/pdf", summary="An invoice (счёт) of the organization as a PDF",
            tags=["billing"], responses=PDF)
@guard(router, "app.billing.read")
def invoice_pdf(org_id: ORG_ID, invoice_id: INVOICE_ID):  # a file: no return annotation, so the bytes pass through
    return _pdf(documents_service.invoice_pdf(invoice_id, org_id))


@router.get(f"{BASE}/acts", summary="The organization's acts (акт, УПД) of paid invoices, newest first",
            tags=["billing"])
@guard(router, "app.billing.read")
def acts(org_id: ORG_ID, cursor: CURSOR = None, limit: LIMIT = None) -> ActPage:
    return documents_service.list_acts(org_id, cursor, limit)


@router.get(f"{BASE}/acts/<act_id>/pdf", summary="An act (акт or УПД) of the organization as a PDF",
            tags=["billing"], responses=PDF)
@guard(router, "app.billing.read")
def act_pdf(org_id: ORG_ID, act_id: ACT_ID):  # a file: the bytes pass through
    return _pdf(documents_service.act_pdf(act_id, org_id))


@router.get(f"{BASE}/payment-methods", summary="Saved payment methods (masked) charged for renewals",
            tags=["billing"])
@guard(router, "app.billing.read")
def payment_methods(org_id: ORG_ID) -> PaymentMethodList:
    return documents_service.payment_methods(org_id)


@router.delete(f"{BASE}/payment-methods/<method_id>",
               summary="Withdraw consent to automatic payments: the method is forgotten, renewals need a payment",
               tags=["billing"])
@guard(router, "app.billing.change")
def withdraw_payment_method(org_id: ORG_ID, method_id: METHOD_ID) -> Response[None]:
    documents_service.withdraw_method(org_id, method_id, _actor())
    return Response(204)
