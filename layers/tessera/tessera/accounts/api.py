"""/api/console/customers: the customer list and card (General, Contacts, Contracts, Documents, Payments,
Activity), CSV/XLSX export and import."""

from typing import Annotated, Literal

from tessera.accounts import documents, service, transfer
from tessera.accounts.models import (
    ActivityPage,
    ContactCreate,
    ContactList,
    ContactUpdate,
    ContactView,
    ContractCreate,
    ContractList,
    ContractUpdate,
    ContractView,
    CustomerCard,
    CustomerCreate,
    CustomerPage,
    CustomerStatus,
    CustomerUpdate,
    DocumentCreated,
    DocumentLinkRequest,
    DocumentList,
    DocumentUploadRequest,
    DocumentView,
    DownloadLink,
    ImportReport,
    ImportRequest,
    LicensePaymentView,
    NoteCreate,
    NotePage,
    NoteView,
    PaymentCreate,
    PaymentRecorded,
    PaymentsTab,
    PaymentTerms,
    Segment,
    StatusChange,
)
from tessera.accounts.repository import fold
from tessera.audit import service as audit
from tessera.core import clock
from tessera.core.http import Path, Query, Response, Router
from tessera.core.request import RequestInfo
from tessera.identity.principal import UNMASKED_ROLES, current, guard, pii_masked

router = Router()
ORG_ID = Annotated[str, Path(pattern=r"^org_[0-9A-HJKMNP-TV-Z]{26}$")]
CONTACT_ID = Annotated[str, Path(pattern=r"^con_[0-9A-HJKMNP-TV-Z]{26}$")]
CONTRACT_ID = Annotated[str, Path(pattern=r"^ctr_[0-9A-HJKMNP-TV-Z]{26}$")]
DOCUMENT_ID = Annotated[str, Path(pattern=r"^doc_[0-9A-HJKMNP-TV-Z]{26}$")]
LICENSE_ID = Annotated[str, Path(pattern=r"^lic_[0-9A-HJKMNP-TV-Z]{26}$")]
CURSOR = Annotated[str | None, Query(max_length=500)]
LIMIT = Annotated[int | None, Query(ge=1, le=100)]
SEGMENT = Annotated[Segment | None, Query()]
STATUS = Annotated[CustomerStatus | None, Query()]
MANAGER = Annotated[str | None, Query(pattern=r"^usr_[0-9A-HJKMNP-TV-Z]{26}$")]
SEARCH = Annotated[str | None, Query(min_length=1, max_length=100, description="a part of the name, or the ИНН")]
XLSX = transfer.XLSX_TYPE


def _request() -> RequestInfo:
    return RequestInfo.from_event(router.current_event)


def _masked() -> bool:
    """Personal data is shown masked to developers (contacts, notes, an ИП's name and ИНН)."""
    principal = current()
    return pii_masked() or ("developer" in principal.roles and not principal.roles & UNMASKED_ROLES)


# --- the list, export and import (registered before /customers/<org_id>) ----------------------------

@router.get("/api/console/customers", summary="Customers: filters by segment, status and manager; search",
            tags=["customers"])
@guard(router, "console.customers.read")
def list_customers(segment: SEGMENT = None, status: STATUS = None, manager_id: MANAGER = None, q: SEARCH = None,
                   cursor: CURSOR = None, limit: LIMIT = None) -> CustomerPage:
    return service.list_customers(segment=segment, status=status, manager_id=manager_id, q=q, cursor=cursor,
                                  limit=limit, masked=_masked())


@router.get("/api/console/customers/export", summary="Export the customers (CSV or XLSX) with the list's filters",
            tags=["customers"], responses={200: {"description": "the file", "content": {"text/csv": {}, XLSX: {}}}})
@guard(router, "console.customers.export")
def export(format: Literal["csv", "xlsx"] = "csv", segment: SEGMENT = None, status: STATUS = None,
           manager_id: MANAGER = None, q: SEARCH = None):  # a file: no return annotation, so the bytes pass through
    filters = {"segment": segment, "status": status, "manager_id": manager_id,
               "search": fold(q) if q and q.strip() else None}
    body, count = transfer.export(filters, format)
    principal = current()
    audit.record("customer.export", "organization", "customers", actor_id=principal.user_id, actor_kind="staff",
                 actor_display=principal.display, request=_request(),
                 after={"format": format, "customers": count, **{k: v for k, v in filters.items() if v}})
    name = f"tessera-customers-{clock.today().isoformat()}.{format}"
    media = "text/csv; charset=utf-8" if format == "csv" else XLSX
    return Response(200, media, body, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/api/console/customers/import",
             summary="Import customers from CSV or XLSX: a dry run previews, then apply (idempotent by ИНН)",
             tags=["customers"])
@guard(router, "console.customers.import")
def import_customers(body: ImportRequest) -> ImportReport:
    return transfer.run(body, current(), _request())


@router.post("/api/console/customers", summary="Create a customer", tags=["customers"])
@guard(router, "console.customers.create")
def create(body: CustomerCreate) -> Response[CustomerCard]:
    return Response(201, "application/json", service.create_customer(body, current(), _request()))


# --- the card --------------------------------------------------------------------------------------

@router.get("/api/console/customers/<org_id>", summary="The customer card (General)", tags=["customers"])
@guard(router, "console.customers.read")
def card(org_id: ORG_ID) -> CustomerCard:
    return service.card(org_id, _masked())


@router.patch("/api/console/customers/<org_id>", summary="Change the card", tags=["customers"])
@guard(router, "console.customers.update")
def update(org_id: ORG_ID, body: CustomerUpdate) -> CustomerCard:
    return service.update_customer(org_id, body, current(), _request())


@router.post("/api/console/customers/<org_id>/status",
             summary="Change the status (active, suspended, blocked, archived) with a reason", tags=["customers"])
@guard(router, "console.customers.status")
def change_status(org_id: ORG_ID, body: StatusChange) -> CustomerCard:
    return service.change_status(org_id, body, current(), _request())


# --- contacts --------------------------------------------------------------------------------------

@router.get("/api/console/customers/<org_id>/contacts", summary="The customer's contacts", tags=["customers"])
@guard(router, "console.customers.read")
def list_contacts(org_id: ORG_ID) -> ContactList:
    return service.contacts(org_id, current(), _request(), _masked())


@router.post("/api/console/customers/<org_id>/contacts", summary="Add a contact", tags=["customers"])
@guard(router, "console.customers.contacts.write")
def add_contact(org_id: ORG_ID, body: ContactCreate) -> Response[ContactView]:
    return Response(201, "application/json", service.add_contact(org_id, body, current(), _request()))


@router.patch("/api/console/customers/<org_id>/contacts/<contact_id>", summary="Change a contact",
              tags=["customers"])
@guard(router, "console.customers.contacts.write")
def update_contact(org_id: ORG_ID, contact_id: CONTACT_ID, body: ContactUpdate) -> ContactView:
    return service.update_contact(org_id, contact_id, body, current(), _request())


@router.delete("/api/console/customers/<org_id>/contacts/<contact_id>", summary="Remove a contact",
               tags=["customers"])
@guard(router, "console.customers.contacts.write")
def delete_contact(org_id: ORG_ID, contact_id: CONTACT_ID) -> Response[None]:
    service.delete_contact(org_id, contact_id, current(), _request())
    return Response(204)


# --- contracts -------------------------------------------------------------------------------------

@router.get("/api/console/customers/<org_id>/contracts", summary="The customer's contracts", tags=["customers"])
@guard(router, "console.customers.read")
def list_contracts(org_id: ORG_ID) -> ContractList:
    return service.contracts(org_id)


@router.post("/api/console/customers/<org_id>/contracts", summary="Add a contract", tags=["customers"])
@guard(router, "console.customers.contracts.write")
def add_contract(org_id: ORG_ID, body: ContractCreate) -> Response[ContractView]:
    return Response(201, "application/json", service.add_contract(org_id, body, current(), _request()))


@router.patch("/api/console/customers/<org_id>/contracts/<contract_id>", summary="Change a contract",
              tags=["customers"])
@guard(router, "console.customers.contracts.write")
def update_contract(org_id: ORG_ID, contract_id: CONTRACT_ID, body: ContractUpdate) -> ContractView:
    return service.update_contract(org_id, contract_id, body, current(), _request())


# --- documents -------------------------------------------------------------------------------------

@router.get("/api/console/customers/<org_id>/documents", summary="The customer's documents", tags=["customers"])
@guard(router, "console.customers.read")
def list_documents(org_id: ORG_ID) -> DocumentList:
    return documents.documents(org_id)


@router.post("/api/console/customers/<org_id>/documents",
             summary="Start a document upload: answers a presigned PUT URL (then confirm)", tags=["customers"])
@guard(router, "console.customers.documents.write")
def start_upload(org_id: ORG_ID, body: DocumentUploadRequest) -> Response[DocumentCreated]:
    return Response(201, "application/json", documents.start_upload(org_id, body, current(), _request()))


@router.post("/api/console/customers/<org_id>/document-links",
             summary="Link a document in external storage (https)", tags=["customers"])
@guard(router, "console.customers.documents.write")
def add_link(org_id: ORG_ID, body: DocumentLinkRequest) -> Response[DocumentCreated]:
    return Response(201, "application/json", documents.add_link(org_id, body, current(), _request()))


@router.post("/api/console/customers/<org_id>/documents/<document_id>/confirm",
             summary="Confirm an upload: the file is checked in S3 and the document stored", tags=["customers"])
@guard(router, "console.customers.documents.write")
def confirm_upload(org_id: ORG_ID, document_id: DOCUMENT_ID) -> DocumentView:
    return documents.confirm(org_id, document_id, current(), _request())


@router.delete("/api/console/customers/<org_id>/documents/<document_id>", summary="Remove a document",
               tags=["customers"])
@guard(router, "console.customers.documents.write")
def remove_document(org_id: ORG_ID, document_id: DOCUMENT_ID) -> Response[None]:
    documents.remove(org_id, document_id, current(), _request())
    return Response(204)


@router.get("/api/console/customers/<org_id>/documents/<document_id>/download",
            summary="A short-lived download URL (or the external link)", tags=["customers"])
@guard(router, "console.customers.documents.download")
def download(org_id: ORG_ID, document_id: DOCUMENT_ID) -> DownloadLink:
    return documents.download(org_id, document_id, current(), _request())


# --- payments --------------------------------------------------------------------------------------

@router.get("/api/console/customers/<org_id>/payments",
            summary="Payments against the customer's licenses and each license's payment status", tags=["customers"])
@guard(router, "console.customers.read")
def list_payments(org_id: ORG_ID) -> PaymentsTab:
    return service.payments(org_id)


@router.post("/api/console/customers/<org_id>/payments", summary="Record a payment against a license",
             tags=["customers"])
@guard(router, "console.customers.payments.record")
def record_payment(org_id: ORG_ID, body: PaymentCreate) -> Response[PaymentRecorded]:
    return Response(201, "application/json", service.record_payment(org_id, body, current(), _request()))


@router.put("/api/console/customers/<org_id>/licenses/<license_id>/payment-terms",
            summary="What is due for a license and by when (overdue licenses cannot be activated)",
            tags=["customers"])
@guard(router, "console.customers.payments.terms")
def payment_terms(org_id: ORG_ID, license_id: LICENSE_ID, body: PaymentTerms) -> LicensePaymentView:
    return service.set_payment_terms(org_id, license_id, body, current(), _request())


# --- activity and notes ----------------------------------------------------------------------------

@router.get("/api/console/customers/<org_id>/activity", summary="The customer's audit events, newest first",
            tags=["customers"])
@guard(router, "console.customers.read")
def activity(org_id: ORG_ID, cursor: CURSOR = None, limit: LIMIT = None) -> ActivityPage:
    return service.activity(org_id, cursor, limit, _masked())


@router.get("/api/console/customers/<org_id>/notes", summary="Staff notes about the customer, newest first",
            tags=["customers"])
@guard(router, "console.customers.read")
def list_notes(org_id: ORG_ID, cursor: CURSOR = None, limit: LIMIT = None) -> NotePage:
    return service.notes(org_id, cursor, limit, _masked())


@router.post("/api/console/customers/<org_id>/notes", summary="Add a staff note", tags=["customers"])
@guard(router, "console.customers.notes.write")
def add_note(org_id: ORG_ID, body: NoteCreate) -> Response[NoteView]:
    return Response(201, "application/json", service.add_note(org_id, body, current(), _request()))
