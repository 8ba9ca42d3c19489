"""Accounts items (env ACCOUNTS_TABLE): customer organizations and everything on their card.

Identity creates the organization when a customer signs up; staff fill in the card (ИНН/КПП, segment,
manager, contacts, contracts, documents, payments against licenses, notes) on the same record.

| item | pk | sk |
|---|---|---|
| organization (the card) | `ORG#<org_id>` | `PROFILE` |
| ИНН → organization (uniqueness, lookup, import idempotency) | `INN#<inn>` | `INN` |
| contact | `ORG#<org_id>` | `CONTACT#<con_id>` |
| contract | `ORG#<org_id>` | `CONTRACT#<ctr_id>` |
| contract number (unique per customer) | `ORG#<org_id>` | `CNUM#<normalized number>` |
| document | `ORG#<org_id>` | `DOC#<doc_id>` |
| payment against a license | `ORG#<org_id>` | `PAY#<pay_id>` |
| payment reference (unique per customer) | `ORG#<org_id>` | `PAYREF#<normalized reference>` |
| a license's payment terms and total paid | `ORG#<org_id>` | `LICPAY#<license_id>` |
| staff note | `ORG#<org_id>` | `NOTE#<note_id>` |

GSIs: `by_name` (list_key = "ORG", name_key = `<folded name>#<org_id>`): every customer by name, the
console's list (filters by segment and status narrow it); `by_manager` (manager_key = `MGR#<user_id>`,
name_key): one manager's customers."""

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from tessera.core.dynamo import BaseRecord, record_meta

META = record_meta("ACCOUNTS_TABLE")


class ByNameIndex(GlobalSecondaryIndex["OrganizationRecord"]):
    class Meta:
        index_name = "by_name"
        projection = AllProjection()

    list_key = UnicodeAttribute(hash_key=True)
    name_key = UnicodeAttribute(range_key=True)


class ByManagerIndex(GlobalSecondaryIndex["OrganizationRecord"]):
    class Meta:
        index_name = "by_manager"
        projection = AllProjection()

    manager_key = UnicodeAttribute(hash_key=True)
    name_key = UnicodeAttribute(range_key=True)


class OrganizationRecord(BaseRecord):
    """pk `ORG#<org_id>`, sk `PROFILE`."""

    Meta = META
    org_id = UnicodeAttribute()
    name = UnicodeAttribute()
    status = UnicodeAttribute(default="active")  # active | suspended | blocked | archived
    source = UnicodeAttribute(default="signup")  # signup | staff | import
    created_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute(null=True)
    # the customer card (empty for an organization that signed up until staff complete it)
    legal_name = UnicodeAttribute(null=True)
    inn = UnicodeAttribute(null=True)
    kpp = UnicodeAttribute(null=True)
    segment = UnicodeAttribute(null=True)  # smb | mid_market | enterprise | public_sector
    deployment = UnicodeAttribute(null=True)  # on_prem | saas
    manager_id = UnicodeAttribute(null=True)
    notes = UnicodeAttribute(null=True)
    status_reason = UnicodeAttribute(null=True)
    status_changed_at = UTCDateTimeAttribute(null=True)
    updated_at = UTCDateTimeAttribute(null=True)
    updated_by = UnicodeAttribute(null=True)
    # index keys and the folded text the list searches
    list_key = UnicodeAttribute(null=True)
    name_key = UnicodeAttribute(null=True)
    manager_key = UnicodeAttribute(null=True)
    search_text = UnicodeAttribute(null=True)
    row_version = VersionAttribute()
    by_name = ByNameIndex()
    by_manager = ByManagerIndex()


class InnRecord(BaseRecord):
    """pk `INN#<inn>`, sk `INN`: one customer per ИНН."""

    Meta = META
    inn = UnicodeAttribute()
    org_id = UnicodeAttribute()


class ContactRecord(BaseRecord):
    Meta = META
    contact_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    name = UnicodeAttribute()
    position = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    purposes = UnicodeSetAttribute(default=set)  # billing | technical | license_delivery | legal | general
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    row_version = VersionAttribute()


class ContractRecord(BaseRecord):
    Meta = META
    contract_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    number = UnicodeAttribute()
    signed_on = UnicodeAttribute()  # YYYY-MM-DD
    amount_kopecks = NumberAttribute()
    currency = UnicodeAttribute(default="RUB")
    sla = UnicodeAttribute()  # basic | standard | premium
    valid_from = UnicodeAttribute()
    valid_to = UnicodeAttribute(null=True)
    status = UnicodeAttribute()  # draft | active | expired | terminated
    created_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute()
    updated_at = UTCDateTimeAttribute()
    row_version = VersionAttribute()


class ContractNumberRecord(BaseRecord):
    """pk `ORG#<org_id>`, sk `CNUM#<number>`: a contract number is unique within its customer."""

    Meta = META
    contract_id = UnicodeAttribute()


class DocumentRecord(BaseRecord):
    Meta = META
    document_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # contract | act | specification | other
    title = UnicodeAttribute()
    contract_id = UnicodeAttribute(null=True)
    source = UnicodeAttribute()  # upload | link
    state = UnicodeAttribute()  # pending | stored (uploads) | linked
    url = UnicodeAttribute(null=True)  # external storage (https)
    s3_key = UnicodeAttribute(null=True)
    file_name = UnicodeAttribute(null=True)
    content_type = UnicodeAttribute(null=True)
    size = NumberAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute()
    stored_at = UTCDateTimeAttribute(null=True)
    s3_version_id = UnicodeAttribute(null=True)
    row_version = VersionAttribute()


class PaymentRecord(BaseRecord):
    Meta = META
    payment_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    license_id = UnicodeAttribute()
    amount_kopecks = NumberAttribute()
    currency = UnicodeAttribute(default="RUB")
    paid_on = UnicodeAttribute()  # YYYY-MM-DD
    reference = UnicodeAttribute()  # payment order number, invoice number, bank reference
    method = UnicodeAttribute()  # bank_transfer | card | sbp | other
    created_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute()


class PaymentReferenceRecord(BaseRecord):
    """pk `ORG#<org_id>`, sk `PAYREF#<reference>`: the same payment is not recorded twice."""

    Meta = META
    payment_id = UnicodeAttribute()


class LicensePaymentRecord(BaseRecord):
    """pk `ORG#<org_id>`, sk `LICPAY#<license_id>`: what is due for a license and what was paid."""

    Meta = META
    license_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    amount_due_kopecks = NumberAttribute(null=True)
    due_on = UnicodeAttribute(null=True)  # YYYY-MM-DD
    paid_kopecks = NumberAttribute(default=0)
    currency = UnicodeAttribute(default="RUB")
    status = UnicodeAttribute()  # paid | awaiting (overdue is awaiting past due_on)
    updated_at = UTCDateTimeAttribute()
    row_version = VersionAttribute()


class NoteRecord(BaseRecord):
    Meta = META
    note_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    text = UnicodeAttribute()
    author_id = UnicodeAttribute()
    author_display = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    pinned = BooleanAttribute(default=False)
