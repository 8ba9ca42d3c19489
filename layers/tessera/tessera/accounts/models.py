"""Commands and views of accounts: the customer card, contacts, contracts, documents, payments, notes,
and the import report."""

import re
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from tessera.core.i18n import register_fields
from tessera.core.money import Money
from tessera.core.ru_ids import INN, KPP
from tessera.core.validation import Email

register_fields({
    "phone_invalid": {"ru": "Телефон в международном формате, например +74951234567.",
                      "en": "A phone number in international format, e.g. +74951234567."},
    "https_link_invalid": {"ru": "Ссылка на внешнее хранилище должна начинаться с https://.",
                           "en": "A link to external storage must be an https:// URL."},
    "kpp_not_for_entrepreneur": {"ru": "У индивидуального предпринимателя (ИНН из 12 цифр) нет КПП.",
                                 "en": "An individual entrepreneur (12-digit ИНН) has no КПП."},
    "kpp_required": {"ru": "Организации (ИНН из 10 цифр) нужен КПП.",
                     "en": "An organization (10-digit ИНН) needs a КПП."},
    "contact_unreachable": {"ru": "Укажите e-mail или телефон контакта.",
                            "en": "A contact needs an e-mail or a phone."},
    "delivery_contact_email": {"ru": "Контакту, которому отправляются лицензии, нужен e-mail.",
                               "en": "The license-delivery contact needs an e-mail."},
    "contract_dates_invalid": {"ru": "Дата окончания договора не может быть раньше даты начала.",
                               "en": "The contract cannot end before it starts."},
    "payment_amount_invalid": {"ru": "Сумма платежа должна быть больше нуля.",
                               "en": "A payment amount must be positive."},
})

Segment = Literal["smb", "mid_market", "enterprise", "public_sector"]
Deployment = Literal["on_prem", "saas"]
CustomerStatus = Literal["active", "suspended", "blocked", "archived"]
Purpose = Literal["billing", "technical", "license_delivery", "legal", "general"]
Sla = Literal["basic", "standard", "premium"]
ContractStatus = Literal["draft", "active", "expired", "terminated"]
DocumentKind = Literal["contract", "act", "specification", "other"]
PaymentMethod = Literal["bank_transfer", "card", "sbp", "other"]
PaymentStatus = Literal["paid", "awaiting", "overdue"]

ORG_ID_PATTERN = r"^org_[0-9A-HJKMNP-TV-Z]{26}$"
USER_ID_PATTERN = r"^usr_[0-9A-HJKMNP-TV-Z]{26}$"
CONTRACT_ID_PATTERN = r"^ctr_[0-9A-HJKMNP-TV-Z]{26}$"
LICENSE_ID_PATTERN = r"^lic_[0-9A-HJKMNP-TV-Z]{26}$"
_PHONE = re.compile(r"^\+[1-9]\d{7,14}$")


def _phone(value: str) -> str:
    """E.164; Russian numbers written as 8 (XXX) XXX-XX-XX or 7XXXXXXXXXX are accepted and normalized."""
    digits = re.sub(r"[\s()\-.]", "", value.strip())
    if re.fullmatch(r"8\d{10}", digits):
        digits = "+7" + digits[1:]
    elif re.fullmatch(r"7\d{10}", digits):
        digits = "+" + digits
    if not _PHONE.match(digits):
        raise PydanticCustomError("phone_invalid", "A phone number in international format, e.g. +74951234567.")
    return digits


def _https(value: str) -> str:
    value = value.strip()
    match = re.fullmatch(r"https://([A-Za-z0-9.-]+\.[A-Za-z]{2,}|[A-Za-z0-9.-]+\.xn--[a-z0-9-]+)(:\d{1,5})?(/\S*)?",
                         value)
    if not match or len(value) > 2000 or "@" in value.split("/")[2]:
        raise PydanticCustomError("https_link_invalid", "A link to external storage must be an https:// URL.")
    return value


Phone = Annotated[str, AfterValidator(_phone)]
HttpsUrl = Annotated[str, AfterValidator(_https)]


class Amount(BaseModel):
    """Money at the API boundary: integer kopecks and the currency (RUB)."""

    model_config = ConfigDict(extra="forbid")

    kopecks: int = Field(ge=0, le=10**15)
    currency: Literal["RUB"] = "RUB"

    def money(self) -> Money:
        return Money(self.kopecks, self.currency)


class AmountView(Amount):
    formatted: str  # "1 500 000,00 ₽"

    @classmethod
    def of(cls, kopecks: int, currency: str = "RUB") -> "AmountView":
        return cls(kopecks=kopecks, currency="RUB", formatted=Money(kopecks, currency).format_ru())


def _kpp_only_for_organizations(inn: str | None, kpp: str | None) -> None:
    if kpp and inn and len(inn) == 12:
        raise PydanticCustomError("kpp_not_for_entrepreneur", "An individual entrepreneur (12-digit ИНН) has no КПП.")


class _Card(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CustomerCreate(_Card):
    name: str = Field(min_length=2, max_length=200, description="the short name people use, e.g. ООО «Ромашка»")
    legal_name: str | None = Field(None, min_length=2, max_length=500,
                                   description="the full legal name; omitted: the name")
    inn: INN
    kpp: KPP | None = Field(None, description="required for organizations (10-digit ИНН), none for ИП")
    segment: Segment
    deployment: Deployment
    manager_id: str | None = Field(None, pattern=USER_ID_PATTERN, description="the account manager (staff user)")
    notes: str | None = Field(None, max_length=5000)

    @model_validator(mode="after")
    def _kpp(self) -> "CustomerCreate":
        _kpp_only_for_organizations(self.inn, self.kpp)
        if len(self.inn) == 10 and not self.kpp:
            raise PydanticCustomError("kpp_required", "An organization (10-digit ИНН) needs a КПП.")
        return self


class CustomerUpdate(_Card):
    """Only the fields given change; null clears an optional field."""

    name: str | None = Field(None, min_length=2, max_length=200)
    legal_name: str | None = Field(None, min_length=2, max_length=500)
    inn: INN | None = None
    kpp: KPP | None = None
    segment: Segment | None = None
    deployment: Deployment | None = None
    manager_id: str | None = Field(None, pattern=USER_ID_PATTERN)
    notes: str | None = Field(None, max_length=5000)

    @model_validator(mode="after")
    def _kpp(self) -> "CustomerUpdate":
        _kpp_only_for_organizations(self.inn, self.kpp)
        return self


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    status: CustomerStatus
    reason: str = Field(min_length=3, max_length=500)


class ManagerView(BaseModel):
    id: str
    name: str | None = None
    email: str | None = None


class CustomerSummary(BaseModel):
    id: str
    name: str
    legal_name: str | None
    inn: str | None
    kpp: str | None
    segment: Segment | None
    deployment: Deployment | None
    status: CustomerStatus
    manager_id: str | None
    created_at: datetime


class CustomerCard(CustomerSummary):
    source: str
    manager: ManagerView | None
    notes: str | None
    status_reason: str | None
    status_changed_at: datetime | None
    updated_at: datetime | None
    complete: bool = Field(description="the card has ИНН, segment and deployment (a signed-up customer may not yet)")


class CustomerPage(BaseModel):
    items: list[CustomerSummary]
    next_cursor: str | None


# --- contacts --------------------------------------------------------------------------------------

class ContactCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=2, max_length=200)
    position: str | None = Field(None, max_length=200)
    email: Email | None = None
    phone: Phone | None = None
    purposes: list[Purpose] = Field(default_factory=list, max_length=5)

    @model_validator(mode="after")
    def _reachable(self) -> "ContactCreate":
        if not self.email and not self.phone:
            raise PydanticCustomError("contact_unreachable", "A contact needs an e-mail or a phone.")
        if "license_delivery" in self.purposes and not self.email:
            raise PydanticCustomError("delivery_contact_email", "The license-delivery contact needs an e-mail.")
        return self


class ContactUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(None, min_length=2, max_length=200)
    position: str | None = Field(None, max_length=200)
    email: Email | None = None
    phone: Phone | None = None
    purposes: list[Purpose] | None = Field(None, max_length=5)


class ContactView(BaseModel):
    id: str
    name: str
    position: str | None
    email: str | None
    phone: str | None
    purposes: list[Purpose]
    created_at: datetime
    updated_at: datetime


class ContactList(BaseModel):
    items: list[ContactView]


class LicenseRecipient(BaseModel):
    """Whom another context e-mails a customer's license files to."""

    name: str
    email: str


# --- contracts -------------------------------------------------------------------------------------

class ContractCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    number: str = Field(min_length=1, max_length=60, pattern=r"^[\wА-Яа-яЁё][\w\-/.№ А-Яа-яЁё]*$")
    signed_on: date
    amount: Amount
    sla: Sla = "standard"
    valid_from: date
    valid_to: date | None = None
    status: ContractStatus = "active"

    @model_validator(mode="after")
    def _dates(self) -> "ContractCreate":
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise PydanticCustomError("contract_dates_invalid", "The contract cannot end before it starts.")
        return self


class ContractUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    number: str | None = Field(None, min_length=1, max_length=60, pattern=r"^[\wА-Яа-яЁё][\w\-/.№ А-Яа-яЁё]*$")
    signed_on: date | None = None
    amount: Amount | None = None
    sla: Sla | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    status: ContractStatus | None = None


class ContractView(BaseModel):
    id: str
    number: str
    signed_on: date
    amount: AmountView
    sla: Sla
    valid_from: date
    valid_to: date | None
    status: ContractStatus
    created_at: datetime
    updated_at: datetime


class ContractList(BaseModel):
    items: list[ContractView]


# --- documents -------------------------------------------------------------------------------------

class DocumentUploadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: DocumentKind
    title: str = Field(min_length=1, max_length=300)
    contract_id: str | None = Field(None, pattern=CONTRACT_ID_PATTERN)
    file_name: str = Field(min_length=1, max_length=200, pattern=r"^[^/\\\x00-\x1f]+$")
    content_type: str = Field(max_length=120)
    size: int = Field(ge=1, description="bytes; the upload URL accepts exactly this size")


class DocumentLinkRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: DocumentKind
    title: str = Field(min_length=1, max_length=300)
    contract_id: str | None = Field(None, pattern=CONTRACT_ID_PATTERN)
    url: HttpsUrl


class DocumentView(BaseModel):
    id: str
    kind: DocumentKind
    title: str
    contract_id: str | None
    source: Literal["upload", "link"]
    state: Literal["pending", "stored", "linked"]
    url: str | None = Field(None, description="the external link (source = link)")
    file_name: str | None
    content_type: str | None
    size: int | None
    created_at: datetime
    created_by: str
    stored_at: datetime | None


class UploadTicket(BaseModel):
    url: str
    method: Literal["PUT"] = "PUT"
    headers: dict[str, str] = Field(description="send exactly these headers with the PUT")
    expires_at: datetime
    max_size: int


class DocumentCreated(BaseModel):
    document: DocumentView
    upload: UploadTicket | None = Field(None, description="for uploads: where to PUT the file, then confirm")


class DownloadLink(BaseModel):
    url: str
    expires_at: datetime | None = Field(None, description="null for external links")


class DocumentList(BaseModel):
    items: list[DocumentView]


# --- payments --------------------------------------------------------------------------------------

class PaymentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    license_id: str = Field(pattern=LICENSE_ID_PATTERN)
    amount: Amount
    paid_on: date
    reference: str = Field(min_length=1, max_length=100, description="payment order or invoice number")
    method: PaymentMethod = "bank_transfer"

    @model_validator(mode="after")
    def _positive(self) -> "PaymentCreate":
        if self.amount.kopecks <= 0:
            raise PydanticCustomError("payment_amount_invalid", "A payment amount must be positive.")
        return self


class PaymentTerms(BaseModel):
    """What is due for a license and by when; past that date an unpaid license is overdue and cannot
    be activated."""

    model_config = ConfigDict(extra="forbid")

    amount_due: Amount
    due_on: date


class PaymentView(BaseModel):
    id: str
    license_id: str
    amount: AmountView
    paid_on: date
    reference: str
    method: PaymentMethod
    created_at: datetime
    created_by: str


class LicensePaymentView(BaseModel):
    license_id: str
    amount_due: AmountView | None
    due_on: date | None
    paid: AmountView
    status: PaymentStatus


class PaymentsTab(BaseModel):
    payments: list[PaymentView]
    licenses: list[LicensePaymentView]


class PaymentRecorded(BaseModel):
    payment: PaymentView
    license: LicensePaymentView


# --- notes and activity ----------------------------------------------------------------------------

class NoteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: str = Field(min_length=1, max_length=5000)


class NoteView(BaseModel):
    id: str
    text: str
    author_id: str
    author: str | None
    created_at: datetime


class NotePage(BaseModel):
    items: list[NoteView]
    next_cursor: str | None


class ActivityItem(BaseModel):
    id: str
    at: datetime
    actor: str
    actor_kind: str
    action: str
    entity_type: str
    entity_id: str
    reason: str | None
    diff: dict[str, list[object]] | None


class ActivityPage(BaseModel):
    items: list[ActivityItem]
    next_cursor: str | None


# --- import ----------------------------------------------------------------------------------------

class ImportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal["csv", "xlsx"]
    content_base64: str = Field(min_length=4, max_length=3_000_000, description="the file, base64 (≤ 2 MB)")
    dry_run: bool = Field(True, description="true: validate and preview; false: apply (only if every row is valid)")
    file_name: str | None = Field(None, max_length=200)


class ImportError_(BaseModel):
    line: int = Field(description="the line (CSV) or row (XLSX) number in the file, the header being 1")
    field: str | None
    code: str
    message: str


class ImportRow(BaseModel):
    line: int
    inn: str
    name: str
    action: Literal["create", "update", "unchanged"]
    org_id: str | None
    changes: dict[str, list[str | None]] = Field(default_factory=dict)


class ImportReport(BaseModel):
    dry_run: bool
    applied: bool
    rows: int
    created: int
    updated: int
    unchanged: int
    errors: list[ImportError_]
    preview: list[ImportRow]
