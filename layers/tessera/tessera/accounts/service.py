"""The way into accounts: customer organizations and their card (ИНН/КПП, segment, deployment, manager,
status), contacts, contracts, documents, payments against licenses, notes and activity.

A customer is an organization: identity creates one at sign-up (`new_organization`), staff complete
its card here. Every change is written together with its audit event in one DynamoDB transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from pynamodb.exceptions import TransactWriteError
from pynamodb.models import Model

from tessera.accounts import repository
from tessera.accounts.models import (
    ActivityItem,
    ActivityPage,
    AmountView,
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
    CustomerSummary,
    CustomerUpdate,
    LicensePaymentView,
    LicenseRecipient,
    ManagerView,
    NoteCreate,
    NotePage,
    NoteView,
    PaymentCreate,
    PaymentRecorded,
    PaymentsTab,
    PaymentTerms,
    PaymentView,
    StatusChange,
)
from tessera.accounts.records import (
    ContactRecord,
    ContractRecord,
    LicensePaymentRecord,
    NoteRecord,
    OrganizationRecord,
    PaymentRecord,
)
from tessera.audit import service as audit
from tessera.core import clock
from tessera.core.dynamo import refused
from tessera.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from tessera.core.i18n import register
from tessera.core.ids import new_id
from tessera.core.masking import mask_email, mask_name, mask_phone
from tessera.core.observability import count
from tessera.core.request import RequestInfo
from tessera.identity import directory
from tessera.identity.models import StaffView
from tessera.licensing import payments as license_payments
from tessera.licensing.payments import payment_state

if TYPE_CHECKING:
    from tessera.identity.principal import Principal

register({
    "customer-unknown": {"ru": "Такого клиента нет.", "en": "No such customer."},
    "inn-taken": {"ru": "Клиент с ИНН {inn} уже есть.", "en": "A customer with ИНН {inn} already exists."},
    "manager-unknown": {"ru": "Менеджер должен быть активным сотрудником.",
                        "en": "The manager must be an active staff user."},
    "card-field-required": {"ru": "Это поле нельзя очистить.", "en": "This field cannot be cleared."},
    "kpp-required": {"ru": "Для организации (ИНН из 10 цифр) нужен КПП.",
                     "en": "An organization (10-digit ИНН) needs a КПП."},
    "kpp-mismatch": {"ru": "КПП указывается только для организаций (ИНН из 10 цифр).",
                     "en": "Only organizations (10-digit ИНН) have a КПП."},
    "contact-unknown": {"ru": "Такого контакта нет.", "en": "No such contact."},
    "contact-invalid": {"ru": "Проверьте контакт.", "en": "Check the contact."},
    "contract-unknown": {"ru": "Такого договора нет.", "en": "No such contract."},
    "contract-number-taken": {"ru": "У этого клиента уже есть договор № {number}.",
                              "en": "This customer already has contract No. {number}."},
    "contract-invalid": {"ru": "Проверьте даты договора.", "en": "Check the contract's dates."},
    "license-unknown": {"ru": "У этого клиента нет такой лицензии.", "en": "No such license of this customer."},
    "payment-duplicate": {"ru": "Платёж с номером «{reference}» уже записан.",
                          "en": "A payment with reference “{reference}” is already recorded."},
    "concurrent-change": {"ru": "Кто-то изменил эти данные одновременно с вами. Обновите страницу и повторите.",
                          "en": "Someone changed this at the same time. Reload and try again."},
})

UNSET: Any = object()


class Organization(BaseModel):
    id: str
    name: str
    status: str


def _view(record: OrganizationRecord) -> Organization:
    return Organization(id=record.org_id, name=record.name, status=record.status)


def _index(record: OrganizationRecord) -> None:
    """The list's index keys and search text, from the card."""
    record.list_key = "ORG"
    record.name_key = f"{repository.sort_name(record.name)}#{record.org_id}"
    record.manager_key = f"MGR#{record.manager_id}" if record.manager_id else None
    record.search_text = " ".join(filter(None, [repository.fold(record.name),
                                                repository.fold(record.legal_name or ""), record.inn or ""]))


def new_organization(name: str, created_by: str | None, source: str = "signup") -> OrganizationRecord:
    """An unsaved record, so the caller can write it in the same transaction as its own change."""
    org_id = new_id("org")
    record = OrganizationRecord(pk=f"ORG#{org_id}", sk="PROFILE", org_id=org_id, name=name.strip(), source=source,
                                created_at=clock.now(), created_by=created_by)
    _index(record)
    return record


def find_organization(org_id: str) -> Organization | None:
    record = repository.find_organization(org_id)
    return _view(record) if record is not None else None


def organization_names(org_ids: Iterable[str]) -> dict[str, str]:
    """Customer names by id, for lists that show them (one BatchGetItem per 100); unknown ids are left out."""
    return {org_id: record.name for org_id, record in repository.organizations(org_ids).items()}


def matching_organization_ids(q: str, most: int = 1000) -> tuple[list[str], bool]:
    """The customers whose name (any part of it) or ИНН matches `q`, by name, at most `most` of them
    (queries of the by_name index, as the customer list's search), and whether more matched."""
    found: list[str] = []
    cursor: str | None = None
    for _ in range(10):  # each page reads a bounded part of the index
        page = list_customers(q=q, cursor=cursor, limit=min(100, most - len(found)))
        found.extend(item.id for item in page.items)
        cursor = page.next_cursor
        if cursor is None or len(found) >= most:
            break
    return found, cursor is not None


def license_recipients(org_id: str) -> list[LicenseRecipient]:
    """The contacts who receive a customer's license files by e-mail (purpose `license_delivery`);
    empty when none is set."""
    return [LicenseRecipient(name=c.name, email=c.email) for c in sorted(repository.contacts(org_id),
                                                                         key=lambda c: c.created_at)
            if "license_delivery" in (c.purposes or set()) and c.email]


# --- writing with the audit ------------------------------------------------------------------------

def _commit(actor: Principal, request: RequestInfo, action: str, entity_type: str, entity_id: str, org_id: str, *,
            before: dict[str, Any] | None = None, after: dict[str, Any] | None = None, reason: str | None = None,
            saves: Sequence[Model] = (), new: Sequence[tuple[Model, Exception]] = (), deletes: Sequence[Model] = (),
            extra: Callable[[Any], None] | None = None) -> None:
    """The change and its audit event in one transaction. `new` items must not exist yet; if one does,
    its exception is raised (a taken ИНН, contract number, payment reference) and nothing is written."""
    new_items = [item for item, _ in new]

    def write(tx: Any) -> None:
        repository.add_saves(tx, saves, new=new_items, deletes=deletes)
        if extra is not None:
            extra(tx)

    try:
        audit.record_change(write, action, entity_type, entity_id, actor_id=actor.user_id, actor_kind="staff",
                            actor_display=actor.display or None, actor_roles=sorted(actor.roles), request=request,
                            org_id=org_id, before=before, after=after, reason=reason)
    except TransactWriteError as exc:
        for item, problem in new:
            if refused(exc, item):
                raise problem from exc
        raise Conflict("Someone changed this at the same time. Reload and try again.",
                       code="concurrent-change") from exc


def _organization(org_id: str) -> OrganizationRecord:
    record = repository.find_organization(org_id)
    if record is None:
        raise NotFound("No such customer.", code="customer-unknown")
    return record


def _validate_manager(manager_id: str, field: str = "body.manager_id") -> StaffView:
    user = directory.find_staff(manager_id)
    if user is None or user.status != "active":
        raise ValidationFailed("The manager must be an active staff user.", code="manager-unknown",
                               errors=[FieldError(field, "not an active staff user", "manager-unknown")])
    return user


def _inn_taken(inn: str, org_id: str | None = None) -> Conflict:
    return Conflict(f"A customer with ИНН {inn} already exists.", code="inn-taken", inn=inn,
                    org_id=org_id, errors=[FieldError("body.inn", "taken", "inn-taken")])


def _card_snapshot(record: OrganizationRecord) -> dict[str, Any]:
    return {"name": record.name, "legal_name": record.legal_name, "inn": record.inn, "kpp": record.kpp,
            "segment": record.segment, "deployment": record.deployment, "manager_id": record.manager_id,
            "status": record.status, "notes": record.notes}


# --- the card --------------------------------------------------------------------------------------

def summary(record: OrganizationRecord, masked: bool = False) -> CustomerSummary:
    return CustomerSummary(**_summary_fields(record, masked))


def _summary_fields(record: OrganizationRecord, masked: bool) -> dict[str, Any]:
    person = masked and record.inn is not None and len(record.inn) == 12  # an ИП: the name is a person's
    return {"id": record.org_id, "name": mask_name(record.name) if person else record.name,
            "legal_name": mask_name(record.legal_name) if person and record.legal_name else record.legal_name,
            "inn": f"{record.inn[:4]}********" if person and record.inn else record.inn, "kpp": record.kpp,
            "segment": record.segment, "deployment": record.deployment, "status": record.status,
            "manager_id": record.manager_id, "created_at": record.created_at}


def card_view(record: OrganizationRecord, masked: bool = False, manager: StaffView | None = None) -> CustomerCard:
    if manager is None and record.manager_id:
        manager = directory.find_staff(record.manager_id)
    return CustomerCard(
        **_summary_fields(record, masked), source=record.source,
        manager=ManagerView(id=record.manager_id, name=manager.name if manager else None,
                            email=manager.email if manager else None) if record.manager_id else None,
        notes="***" if masked and record.notes else record.notes, status_reason=record.status_reason,
        status_changed_at=record.status_changed_at, updated_at=record.updated_at,
        complete=bool(record.inn and record.segment and record.deployment))


def card(org_id: str, masked: bool = False) -> CustomerCard:
    return card_view(_organization(org_id), masked)


def list_customers(*, segment: str | None = None, status: str | None = None, manager_id: str | None = None,
                   q: str | None = None, cursor: str | None = None, limit: int | None = None,
                   masked: bool = False) -> CustomerPage:
    """Filter by segment, status and manager; `q` finds a name (any part of it) or an ИНН; by name."""
    search = repository.fold(q) if q and q.strip() else None
    if search and search.isdigit() and len(search) in (10, 12) and cursor is None:
        found = repository.find_inn(search)  # an exact ИНН: one GetItem
        record = repository.find_organization(found.org_id) if found else None
        matches = record is not None and all(
            want is None or have == want for want, have in ((segment, record.segment), (status, record.status),
                                                            (manager_id, record.manager_id)))
        return CustomerPage(items=[summary(record, masked)] if record is not None and matches else [],
                            next_cursor=None)
    items, next_cursor = repository.list_organizations(manager_id=manager_id, segment=segment, status=status,
                                                       search=search, cursor=cursor, limit=limit)
    return CustomerPage(items=[summary(r, masked) for r in items], next_cursor=next_cursor)


def create_customer(command: CustomerCreate, actor: Principal, request: RequestInfo,
                    source: str = "staff", reason: str | None = None) -> CustomerCard:
    if command.manager_id is None and source == "staff" and "sales" in actor.roles:
        # A sales manager's new customer is theirs unless another manager is named (the console's form has
        # no manager field, and "only my customers" would never list it).
        command = command.model_copy(update={"manager_id": actor.user_id})
    manager = _validate_manager(command.manager_id) if command.manager_id else None
    existing = repository.find_inn(command.inn)
    if existing is not None:
        raise _inn_taken(command.inn, existing.org_id)
    record = new_organization(command.name, created_by=actor.user_id, source=source)
    record.legal_name = command.legal_name or command.name
    record.inn, record.kpp = command.inn, command.kpp
    record.segment, record.deployment = command.segment, command.deployment
    record.manager_id, record.notes = command.manager_id, command.notes
    _index(record)
    _commit(actor, request, "customer.create", "organization", record.org_id, record.org_id,
            after=_card_snapshot(record), reason=reason,
            new=[(record, Conflict("Try again.", code="concurrent-change")),
                 (repository.new_inn(command.inn, record.org_id), _inn_taken(command.inn))])
    count("customer_created", source=source)
    return card_view(record, manager=manager)


def _apply_update(record: OrganizationRecord, changes: dict[str, Any], actor: Principal
                  ) -> tuple[list[tuple[Model, Exception]], list[Model]]:
    """Apply validated changes to the record: the ИНН items to create and delete."""
    for required in ("name", "inn", "segment", "deployment"):
        if required in changes and changes[required] is None:
            raise ValidationFailed("This field cannot be cleared.", code="card-field-required",
                                   errors=[FieldError(f"body.{required}", "cannot be cleared", "required")])
    new: list[tuple[Model, Exception]] = []
    deletes: list[Model] = []
    inn = changes.get("inn", record.inn)
    kpp = changes.get("kpp", record.kpp)
    if kpp and inn and len(inn) == 12:
        raise ValidationFailed("Only organizations have a КПП.", code="kpp-mismatch",
                               errors=[FieldError("body.kpp", "an ИП has no КПП", "kpp-mismatch")])
    if inn and len(inn) == 10 and not kpp and ("inn" in changes or "kpp" in changes):
        raise ValidationFailed("An organization needs a КПП.", code="kpp-required",
                               errors=[FieldError("body.kpp", "required for a 10-digit ИНН", "kpp-required")])
    if "inn" in changes and changes["inn"] != record.inn:
        taken = repository.find_inn(changes["inn"])
        if taken is not None and taken.org_id != record.org_id:
            raise _inn_taken(changes["inn"], taken.org_id)
        new.append((repository.new_inn(changes["inn"], record.org_id), _inn_taken(changes["inn"])))
        if record.inn:
            deletes.append(repository.new_inn(record.inn, record.org_id))
    if changes.get("manager_id"):
        _validate_manager(changes["manager_id"])
    for name, value in changes.items():
        setattr(record, name, value)
    record.updated_at, record.updated_by = clock.now(), actor.user_id
    _index(record)
    return new, deletes


def update_customer(org_id: str, command: CustomerUpdate, actor: Principal, request: RequestInfo,
                    reason: str | None = None) -> CustomerCard:
    record = _organization(org_id)
    before = _card_snapshot(record)
    changes = {name: getattr(command, name) for name in command.model_fields_set}
    new, deletes = _apply_update(record, changes, actor)
    if _card_snapshot(record) == before:
        return card_view(record)
    _commit(actor, request, "customer.update", "organization", org_id, org_id, before=before,
            after=_card_snapshot(record), reason=reason, saves=[record], new=new, deletes=deletes)
    return card_view(record)


def change_status(org_id: str, command: StatusChange, actor: Principal, request: RequestInfo) -> CustomerCard:
    """active / suspended / blocked / archived, always with a reason in the audit."""
    record = _organization(org_id)
    if record.status == command.status:
        return card_view(record)
    before = {"status": record.status}
    record.status, record.status_reason = command.status, command.reason
    record.status_changed_at = record.updated_at = clock.now()
    record.updated_by = actor.user_id
    _commit(actor, request, "customer.status", "organization", org_id, org_id, before=before,
            after={"status": record.status}, reason=command.reason, saves=[record])
    return card_view(record)


# --- contacts --------------------------------------------------------------------------------------

def contact_view(record: ContactRecord, masked: bool = False) -> ContactView:
    return ContactView(
        id=record.contact_id, name=mask_name(record.name) if masked else record.name, position=record.position,
        email=mask_email(record.email) if masked and record.email else record.email,
        phone=mask_phone(record.phone) if masked and record.phone else record.phone,
        purposes=sorted(record.purposes or ()), created_at=record.created_at, updated_at=record.updated_at)


def _contact_snapshot(record: ContactRecord) -> dict[str, Any]:
    # e-mail and phone are masked by the audit itself (personal data)
    return {"name": record.name, "position": record.position, "email": record.email, "phone": record.phone,
            "purposes": sorted(record.purposes or ())}


def contacts(org_id: str, actor: Principal, request: RequestInfo, masked: bool = False) -> ContactList:
    """Personal data of the customer's people: every staff read is in the audit log (152-ФЗ), with the role it
    relied on; the customer sees it on its staff-access page."""
    _organization(org_id)
    items = sorted(repository.contacts(org_id), key=lambda c: c.created_at)
    audit.record("customer.contacts_read", "organization", org_id, actor_id=actor.user_id, actor_kind="staff",
                 actor_display=actor.display or None, request=request, org_id=org_id,
                 reason=f"role: {', '.join(sorted(actor.roles))}", after={"contacts": len(items)})
    return ContactList(items=[contact_view(c, masked) for c in items])


def add_contact(org_id: str, command: ContactCreate, actor: Principal, request: RequestInfo) -> ContactView:
    _organization(org_id)
    now = clock.now()
    contact_id = new_id("con")
    record = ContactRecord(pk=f"ORG#{org_id}", sk=f"CONTACT#{contact_id}", contact_id=contact_id, org_id=org_id,
                           name=command.name, position=command.position, email=command.email, phone=command.phone,
                           purposes=set(command.purposes) or None, created_at=now, updated_at=now)
    _commit(actor, request, "customer.contact_add", "contact", contact_id, org_id,
            after=_contact_snapshot(record), saves=[record])
    return contact_view(record)


def _contact(org_id: str, contact_id: str) -> ContactRecord:
    record = repository.find_contact(org_id, contact_id)
    if record is None:
        raise NotFound("No such contact.", code="contact-unknown")
    return record


def update_contact(org_id: str, contact_id: str, command: ContactUpdate, actor: Principal,
                   request: RequestInfo) -> ContactView:
    record = _contact(org_id, contact_id)
    before = _contact_snapshot(record)
    for name in command.model_fields_set:
        value = getattr(command, name)
        if name == "name" and value is None:
            raise ValidationFailed("This field cannot be cleared.", code="card-field-required",
                                   errors=[FieldError("body.name", "cannot be cleared", "required")])
        setattr(record, name, (set(value) or None) if name == "purposes" and value is not None else value)
    purposes = record.purposes or set()
    if (not record.email and not record.phone) or ("license_delivery" in purposes and not record.email):
        raise ValidationFailed("Check the contact.", code="contact-invalid",
                               errors=[FieldError("body.email", "an e-mail (or a phone) is needed", "required")])
    if _contact_snapshot(record) == before:
        return contact_view(record)
    record.updated_at = clock.now()
    _commit(actor, request, "customer.contact_update", "contact", contact_id, org_id, before=before,
            after=_contact_snapshot(record), saves=[record])
    return contact_view(record)


def delete_contact(org_id: str, contact_id: str, actor: Principal, request: RequestInfo) -> None:
    record = _contact(org_id, contact_id)
    _commit(actor, request, "customer.contact_delete", "contact", contact_id, org_id,
            before=_contact_snapshot(record), deletes=[record])


# --- contracts -------------------------------------------------------------------------------------

def contract_view(record: ContractRecord) -> ContractView:
    return ContractView(id=record.contract_id, number=record.number, signed_on=record.signed_on,
                        amount=AmountView.of(int(record.amount_kopecks), record.currency), sla=record.sla,
                        valid_from=record.valid_from, valid_to=record.valid_to, status=record.status,
                        created_at=record.created_at, updated_at=record.updated_at)


def _contract_snapshot(record: ContractRecord) -> dict[str, Any]:
    return {"number": record.number, "signed_on": record.signed_on, "amount_kopecks": int(record.amount_kopecks),
            "sla": record.sla, "valid_from": record.valid_from, "valid_to": record.valid_to, "status": record.status}


def _number_taken(number: str) -> Conflict:
    return Conflict(f"This customer already has contract No. {number}.", code="contract-number-taken",
                    number=number, errors=[FieldError("body.number", "taken", "contract-number-taken")])


def contracts(org_id: str) -> ContractList:
    _organization(org_id)
    items = sorted(repository.contracts(org_id), key=lambda c: (c.signed_on, c.contract_id), reverse=True)
    return ContractList(items=[contract_view(c) for c in items])


def add_contract(org_id: str, command: ContractCreate, actor: Principal, request: RequestInfo) -> ContractView:
    _organization(org_id)
    now = clock.now()
    contract_id = new_id("ctr")
    record = ContractRecord(pk=f"ORG#{org_id}", sk=f"CONTRACT#{contract_id}", contract_id=contract_id,
                            org_id=org_id, number=command.number, signed_on=command.signed_on.isoformat(),
                            amount_kopecks=command.amount.kopecks, currency=command.amount.currency, sla=command.sla,
                            valid_from=command.valid_from.isoformat(),
                            valid_to=command.valid_to.isoformat() if command.valid_to else None,
                            status=command.status, created_at=now, created_by=actor.user_id, updated_at=now)
    _commit(actor, request, "customer.contract_add", "contract", contract_id, org_id,
            after=_contract_snapshot(record), saves=[record],
            new=[(repository.contract_number(org_id, command.number, contract_id), _number_taken(command.number))])
    return contract_view(record)


def _contract(org_id: str, contract_id: str) -> ContractRecord:
    record = repository.find_contract(org_id, contract_id)
    if record is None:
        raise NotFound("No such contract.", code="contract-unknown")
    return record


def update_contract(org_id: str, contract_id: str, command: ContractUpdate, actor: Principal,
                    request: RequestInfo) -> ContractView:
    record = _contract(org_id, contract_id)
    before = _contract_snapshot(record)
    new: list[tuple[Model, Exception]] = []
    deletes: list[Model] = []
    for name in command.model_fields_set:
        value = getattr(command, name)
        if value is None and name != "valid_to":
            raise ValidationFailed("This field cannot be cleared.", code="card-field-required",
                                   errors=[FieldError(f"body.{name}", "cannot be cleared", "required")])
        if name == "amount":
            record.amount_kopecks, record.currency = value.kopecks, value.currency
        elif name == "number" and repository.fold(value) != repository.fold(record.number):
            new.append((repository.contract_number(org_id, value, contract_id), _number_taken(value)))
            deletes.append(repository.contract_number(org_id, record.number, contract_id))
            record.number = value
        elif isinstance(value, date):
            setattr(record, name, value.isoformat())
        else:
            setattr(record, name, value)
    if record.valid_to is not None and record.valid_to < record.valid_from:
        raise ValidationFailed("Check the contract's dates.", code="contract-invalid",
                               errors=[FieldError("body.valid_to", "before valid_from", "range")])
    if _contract_snapshot(record) == before:
        return contract_view(record)
    record.updated_at = clock.now()
    _commit(actor, request, "customer.contract_update", "contract", contract_id, org_id, before=before,
            after=_contract_snapshot(record), saves=[record], new=new, deletes=deletes)
    return contract_view(record)


def contract_exists(org_id: str, contract_id: str) -> bool:
    return repository.find_contract(org_id, contract_id) is not None


# --- payments against licenses ---------------------------------------------------------------------

def _payment_view(record: PaymentRecord) -> PaymentView:
    return PaymentView(id=record.payment_id, license_id=record.license_id,
                       amount=AmountView.of(int(record.amount_kopecks), record.currency), paid_on=record.paid_on,
                       reference=record.reference, method=record.method, created_at=record.created_at,
                       created_by=record.created_by)


def _license_payment_view(record: LicensePaymentRecord) -> LicensePaymentView:
    due = record.amount_due_kopecks
    return LicensePaymentView(
        license_id=record.license_id, amount_due=AmountView.of(int(due)) if due is not None else None,
        due_on=record.due_on, paid=AmountView.of(int(record.paid_kopecks or 0)),
        status=payment_state(record.status, record.due_on) or "awaiting")


def _settle(record: LicensePaymentRecord) -> None:
    """paid once what is due is covered (or, without terms, once anything is paid); else awaiting."""
    due = record.amount_due_kopecks
    paid = int(record.paid_kopecks or 0)
    record.status = "paid" if (int(due) <= paid if due is not None else paid > 0) else "awaiting"


def _license_payment(org_id: str, license_id: str) -> LicensePaymentRecord:
    return repository.find_license_payment(org_id, license_id) or LicensePaymentRecord(
        pk=f"ORG#{org_id}", sk=f"LICPAY#{license_id}", license_id=license_id, org_id=org_id, paid_kopecks=0,
        status="awaiting", updated_at=clock.now())


def _payment_snapshot(record: LicensePaymentRecord) -> dict[str, Any]:
    return {"amount_due_kopecks": record.amount_due_kopecks, "due_on": record.due_on,
            "paid_kopecks": int(record.paid_kopecks or 0), "payment_status": record.status}


def payments(org_id: str) -> PaymentsTab:
    _organization(org_id)
    items = sorted(repository.payments(org_id), key=lambda p: (p.paid_on, p.payment_id), reverse=True)
    return PaymentsTab(payments=[_payment_view(p) for p in items],
                       licenses=[_license_payment_view(r) for r in repository.license_payments(org_id)])


def record_payment(org_id: str, command: PaymentCreate, actor: Principal, request: RequestInfo) -> PaymentRecorded:
    """A payment against a license: the license's total paid and payment status change with it, on
    the license too (activation reads it there)."""
    _organization(org_id)
    terms = _license_payment(org_id, command.license_id)
    before = _payment_snapshot(terms)
    terms.paid_kopecks = int(terms.paid_kopecks or 0) + command.amount.kopecks
    terms.updated_at = clock.now()
    _settle(terms)
    write_license, license_summary = license_payments.status_changes(
        command.license_id, org_id, terms.status, date.fromisoformat(terms.due_on) if terms.due_on else None)
    payment_id = new_id("pay")
    payment = PaymentRecord(pk=f"ORG#{org_id}", sk=f"PAY#{payment_id}", payment_id=payment_id, org_id=org_id,
                            license_id=command.license_id, amount_kopecks=command.amount.kopecks,
                            currency=command.amount.currency, paid_on=command.paid_on.isoformat(),
                            reference=command.reference, method=command.method, created_at=clock.now(),
                            created_by=actor.user_id)
    duplicate = Conflict(f"A payment with reference {command.reference} is already recorded.",
                         code="payment-duplicate", reference=command.reference,
                         errors=[FieldError("body.reference", "already recorded", "payment-duplicate")])
    _commit(actor, request, "payment.record", "payment", payment_id, org_id, before=before,
            after={**_payment_snapshot(terms), "license_id": command.license_id, "amount_kopecks":
                   command.amount.kopecks, "paid_on": payment.paid_on, "payment_reference": command.reference,
                   "method": command.method, "license": license_summary},
            saves=[terms, payment],
            new=[(repository.payment_reference(org_id, command.reference, payment_id), duplicate)],
            extra=write_license)
    return PaymentRecorded(payment=_payment_view(payment), license=_license_payment_view(terms))


def set_payment_terms(org_id: str, license_id: str, command: PaymentTerms, actor: Principal,
                      request: RequestInfo) -> LicensePaymentView:
    """What is due for a license and by when. Unpaid past that date, the license is overdue and its
    activation is refused."""
    _organization(org_id)
    terms = _license_payment(org_id, license_id)
    before = _payment_snapshot(terms)
    terms.amount_due_kopecks, terms.due_on = command.amount_due.kopecks, command.due_on.isoformat()
    terms.updated_at = clock.now()
    _settle(terms)
    write_license, _ = license_payments.status_changes(license_id, org_id, terms.status, command.due_on)
    _commit(actor, request, "license.payment_terms", "license", license_id, org_id, before=before,
            after=_payment_snapshot(terms), saves=[terms], extra=write_license)
    return _license_payment_view(terms)


# --- notes and activity ----------------------------------------------------------------------------

def _note_view(record: NoteRecord, masked: bool) -> NoteView:
    return NoteView(id=record.note_id, text="***" if masked else record.text, author_id=record.author_id,
                    author=record.author_display, created_at=record.created_at)


def notes(org_id: str, cursor: str | None, limit: int | None, masked: bool = False) -> NotePage:
    _organization(org_id)
    items, next_cursor = repository.notes(org_id, cursor, limit)
    return NotePage(items=[_note_view(n, masked) for n in items], next_cursor=next_cursor)


def add_note(org_id: str, command: NoteCreate, actor: Principal, request: RequestInfo) -> NoteView:
    _organization(org_id)
    note_id = new_id("note")
    record = NoteRecord(pk=f"ORG#{org_id}", sk=f"NOTE#{note_id}", note_id=note_id, org_id=org_id, text=command.text,
                        author_id=actor.user_id, author_display=actor.display or None, created_at=clock.now())
    _commit(actor, request, "customer.note_add", "note", note_id, org_id, after={"length": len(command.text)},
            saves=[record])
    return _note_view(record, False)


def activity(org_id: str, cursor: str | None, limit: int | None, masked: bool = False) -> ActivityPage:
    """The customer's audit events, newest first (changes to its card, licenses, payments; staff access)."""
    _organization(org_id)
    events, next_cursor = audit.search(org=org_id, cursor=cursor, limit=limit)
    return ActivityPage(items=[ActivityItem(id=e.id, at=e.at, actor=e.actor.display or e.actor.id,
                                            actor_kind=e.actor.kind, action=e.action, entity_type=e.entity_type,
                                            entity_id=e.entity_id, reason=e.reason,
                                            diff=None if masked else e.diff) for e in events],
                        next_cursor=next_cursor)
