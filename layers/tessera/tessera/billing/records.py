"""Billing items (env BILLING_TABLE).

| item | pk | sk |
|---|---|---|
| plan | `PLANS` | `<plan code>` |
| subscription | `SUB#<subscription_id>` | `SUBSCRIPTION` |
| one subscription per organization and product | `ORG#<org_id>` | `PRODUCT#<product>` |
| invoice | `INV#<invoice_id>` | `INVOICE` |
| invoice counter of a seller (legal entity) | `SELLER#<seller_id>` | `COUNTER#INVOICE` |
| payment (one per provider payment) | `PAY#<provider>#<provider_payment_id>` | `PAYMENT` |
| raw provider event, as received | `EVT#<provider>#<object_id>` | `<event>` |
| integration credential (1С, CRM) | `CREDENTIALS` | `<credential_id>` |
| an attempt to pay an invoice through a provider | `INV#<invoice_id>` | `ATTEMPT#<n>` (zero-padded) |
| the providers' credentials (envelope-encrypted) and which one is active | `SETTINGS` | `PROVIDERS` |
| the seller's requisites as last saved | `SELLER#<seller_id>` | `REQUISITES` |
| the seller's requisites in force from a time (each save keeps one) | `SELLER#<seller_id>` | `REQUISITES#<iso time>` |
| an act (акт or УПД) of a paid invoice | `ACT#<act_id>` | `ACT` |
| one act per invoice | `INV#<invoice_id>` | `ACT` |
| act counter of a seller (one series for акты and УПД) | `SELLER#<seller_id>` | `COUNTER#ACT` |
| a refund of a payment (the n-th of it) | `PAY#<provider>#<provider_payment_id>` | `REFUND#<n>` (zero-padded) |
| a dunning run (one per unpaid invoice) and the steps its tasks took | `RUN#<run_id>` | `RUN` |

GSI `by_org` (org_key `ORG#<org_id>#<SUB|INV|PAY|ACT|RUN>`, created_key `<iso time>#<id>`): a customer's
subscriptions, invoices, payments, acts or dunning runs, newest first.
GSI `by_kind` (list_key `SUBSCRIPTIONS|INVOICES|PAYMENTS|ACTS|DUNNING_RUNS`, created_key): every one of a
kind, newest first, for the console (sparse: only those kinds carry list_key)."""

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from tessera.core.dynamo import BaseRecord, record_meta

META = record_meta("BILLING_TABLE")


class ByOrgIndex(GlobalSecondaryIndex["BaseRecord"]):
    class Meta:
        index_name = "by_org"
        projection = AllProjection()

    org_key = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class ByKindIndex(GlobalSecondaryIndex["BaseRecord"]):
    class Meta:
        index_name = "by_kind"
        projection = AllProjection()

    list_key = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class _Listed(BaseRecord):
    """An item both GSIs list: a customer's own, and everyone's for the console."""

    class Meta:
        abstract = True

    org_id = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    org_key = UnicodeAttribute()
    list_key = UnicodeAttribute()
    created_key = UnicodeAttribute()


class PlanRecord(BaseRecord):
    """A plan customers subscribe to; prices in kopecks, VAT as data (None: without VAT, УСН)."""

    Meta = META
    code = UnicodeAttribute()
    product = UnicodeAttribute()  # fastlead | storage
    name_ru = UnicodeAttribute()
    name_en = UnicodeAttribute()
    price = NumberAttribute()  # kopecks per period, VAT included
    currency = UnicodeAttribute(default="RUB")
    period_months = NumberAttribute(default=1)
    trial_days = NumberAttribute(default=0)
    vat_rate = NumberAttribute(null=True)  # percent: 22 from 2026; None: "Без НДС"
    limits = JSONAttribute(default=dict)
    active = BooleanAttribute(default=True)


class SubscriptionRecord(_Listed):
    Meta = META
    by_org = ByOrgIndex()  # index objects per class, so a query answers records of that class
    by_kind = ByKindIndex()
    subscription_id = UnicodeAttribute()
    product = UnicodeAttribute()
    plan = UnicodeAttribute()
    state = UnicodeAttribute()  # trial | active | past_due | suspended | canceled
    period_start = UTCDateTimeAttribute()
    period_end = UTCDateTimeAttribute()
    cancel_at_period_end = BooleanAttribute(default=False)
    pending_change = JSONAttribute(null=True)  # {kind: upgrade | downgrade, plan, invoice_id?, effective_at?}
    open_invoice_id = UnicodeAttribute(null=True)  # the renewal invoice awaiting payment
    saved_method = JSONAttribute(null=True)  # {provider, method_id, title, receipt_email}: charged (MIT)
    canceled_at = UTCDateTimeAttribute(null=True)
    updated_at = UTCDateTimeAttribute()
    row_version = VersionAttribute()


class ProductSlotRecord(BaseRecord):
    """Holds `ORG#<org>` / `PRODUCT#<product>`: an organization subscribes to a product once."""

    Meta = META
    subscription_id = UnicodeAttribute()


class InvoiceRecord(_Listed):
    Meta = META
    by_org = ByOrgIndex()  # index objects per class, so a query answers records of that class
    by_kind = ByKindIndex()
    invoice_id = UnicodeAttribute()
    seller_id = UnicodeAttribute()
    number = NumberAttribute(null=True)  # per seller, gapless; given when issued
    status = UnicodeAttribute()  # draft | issued | paid | void
    purpose = JSONAttribute()  # {kind: subscription_period | plan_change | license_renewal, …}
    lines = JSONAttribute()  # [{description, quantity, unit_price, amount, vat_rate, vat}] in kopecks
    total = NumberAttribute()  # kopecks, VAT included
    vat_total = NumberAttribute()
    currency = UnicodeAttribute(default="RUB")
    issued_at = UTCDateTimeAttribute(null=True)
    due_at = UTCDateTimeAttribute(null=True)
    paid_at = UTCDateTimeAttribute(null=True)
    voided_at = UTCDateTimeAttribute(null=True)
    payment_attempts = NumberAttribute(default=0)  # provider idempotency keys derive from (invoice, attempt)
    updated_at = UTCDateTimeAttribute()
    row_version = VersionAttribute()


class InvoiceCounterRecord(BaseRecord):
    """The last number a seller gave an invoice; raised in the same transaction that issues one."""

    Meta = META
    value = NumberAttribute()


class PaymentRecord(_Listed):
    Meta = META
    by_org = ByOrgIndex()  # index objects per class, so a query answers records of that class
    by_kind = ByKindIndex()
    payment_id = UnicodeAttribute()
    provider = UnicodeAttribute()  # yookassa | tbank | manual | external
    provider_payment_id = UnicodeAttribute()
    invoice_id = UnicodeAttribute()
    attempt = NumberAttribute()
    amount = NumberAttribute()  # kopecks
    currency = UnicodeAttribute(default="RUB")
    status = UnicodeAttribute()  # applied | refund_due | mismatch
    applied_at = UTCDateTimeAttribute(null=True)
    # refunds (billing/refunds.py): how many were opened, and the kopecks they hold back (succeeded, pending or
    # not answered yet); written under the condition that both are still what was read, so refunds never
    # add up to more than the payment
    refund_count = NumberAttribute(default=0)
    refunded = NumberAttribute(default=0)


class ProviderEventRecord(BaseRecord):
    """A provider's notification as it came (the webhook is a hint; the provider's API is the truth)."""

    Meta = META
    provider = UnicodeAttribute()
    object_id = UnicodeAttribute()
    event = UnicodeAttribute()
    body = UnicodeAttribute()
    source_ip = UnicodeAttribute(null=True)
    received_at = UTCDateTimeAttribute()


class IntegrationCredentialRecord(BaseRecord):
    """`CREDENTIALS` / `<credential_id>`: a 1С/CRM integration's HMAC key. The key is needed in clear to
    check a signature, so it is sealed with the data key (not hashed); only its last 4 characters show."""

    Meta = META
    credential_id = UnicodeAttribute()
    name = UnicodeAttribute()
    secret_sealed = UnicodeAttribute()
    secret_hint = UnicodeAttribute()
    status = UnicodeAttribute()  # active | revoked
    created_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute()
    rotated_at = UTCDateTimeAttribute(null=True)
    revoked_at = UTCDateTimeAttribute(null=True)
    updated_at = UTCDateTimeAttribute()
    row_version = VersionAttribute()


class PaymentAttemptRecord(BaseRecord):
    """One attempt to pay an invoice (`InvoiceRecord.payment_attempts` counts them): the provider's
    idempotency key derives from (invoice, n), so repeating the attempt never charges twice.
    `starting`: the provider was asked but did not answer (a retry asks again with the same key)."""

    Meta = META
    invoice_id = UnicodeAttribute()
    attempt = NumberAttribute()
    kind = UnicodeAttribute(default="checkout")  # checkout (the customer on the provider's page) | saved (MIT)
    provider = UnicodeAttribute()
    status = UnicodeAttribute()  # starting | pending | succeeded | canceled
    provider_payment_id = UnicodeAttribute(null=True)
    confirmation_url = UnicodeAttribute(null=True)
    decline_code = UnicodeAttribute(null=True)
    decline_action = UnicodeAttribute(null=True)  # retry | new_card | stop: what dunning does next
    receipt_email = UnicodeAttribute(null=True)  # where its 54-ФЗ receipt went (and a saved card's later ones)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    row_version = VersionAttribute()


class ProviderSettingsRecord(BaseRecord):
    """The payment providers' credentials: the public half in clear, the secret envelope-encrypted
    (tessera.core.crypto, the provider as encryption context) with a masked hint; `active` takes payments."""

    Meta = META
    active = UnicodeAttribute(null=True)  # yookassa | tbank
    yookassa_shop_id = UnicodeAttribute(null=True)
    yookassa_secret_sealed = UnicodeAttribute(null=True)
    yookassa_secret_hint = UnicodeAttribute(null=True)
    tbank_terminal_key = UnicodeAttribute(null=True)
    tbank_password_sealed = UnicodeAttribute(null=True)
    tbank_password_hint = UnicodeAttribute(null=True)
    updated_at = UTCDateTimeAttribute(null=True)
    row_version = VersionAttribute()


class SellerRequisitesRecord(BaseRecord):
    """The seller's requisites (`tessera.billing.documents.model.Requisites` as JSON). The current item
    (`REQUISITES`, version-checked) is what the console edits; every save also writes a dated copy
    (`REQUISITES#<iso time>`), so a document prints the requisites in force when it was issued."""

    Meta = META
    seller_id = UnicodeAttribute()
    requisites = JSONAttribute()
    saved_at = UTCDateTimeAttribute()
    saved_by = UnicodeAttribute()
    row_version = VersionAttribute()


class ActRecord(_Listed):
    """The closing document of a paid invoice: an акт, or a УПД when the invoice bears VAT. Numbered per
    seller without gaps (its own counter); rendered on demand from the invoice and the requisites."""

    Meta = META
    by_org = ByOrgIndex()  # index objects per class, so a query answers records of that class
    by_kind = ByKindIndex()
    act_id = UnicodeAttribute()
    seller_id = UnicodeAttribute()
    number = NumberAttribute()
    kind = UnicodeAttribute()  # act | upd
    invoice_id = UnicodeAttribute()
    invoice_number = NumberAttribute()
    issued_on = UnicodeAttribute()  # ISO date (Moscow) the invoice was paid
    total = NumberAttribute()  # kopecks, VAT included
    currency = UnicodeAttribute(default="RUB")


class InvoiceActRecord(BaseRecord):
    """`INV#<invoice_id>` / `ACT`: holds the invoice's act id, so an invoice gets one act however often
    its payment is reported."""

    Meta = META
    act_id = UnicodeAttribute()


class RefundRecord(BaseRecord):
    """The n-th refund of a payment, in the payment's partition. `n` keys the provider's idempotency
    (`port.refund_key`), so repeating it never refunds twice. `starting`: the provider was asked but did not
    answer (a retry asks again with the same key)."""

    Meta = META
    refund_id = UnicodeAttribute()
    provider = UnicodeAttribute()
    provider_payment_id = UnicodeAttribute()
    number = NumberAttribute()
    org_id = UnicodeAttribute()
    invoice_id = UnicodeAttribute()
    amount = NumberAttribute()  # kopecks
    currency = UnicodeAttribute(default="RUB")
    reason = UnicodeAttribute()
    status = UnicodeAttribute()  # starting | pending | succeeded | canceled
    provider_refund_id = UnicodeAttribute(null=True)
    error_code = UnicodeAttribute(null=True)  # why the provider refused it
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    row_version = VersionAttribute()


class RunStep(MapAttribute[str, object]):
    """One task of a dunning run: what it did (`step`) and how it came out."""

    at = UTCDateTimeAttribute()
    step = UnicodeAttribute()  # check | charge | mail:<declined|new_card|grace|suspended|restored> | suspend | restore
    outcome = UnicodeAttribute()
    detail = UnicodeAttribute(null=True)


class DunningRunRecord(_Listed):
    """A dunning run as its tasks saw it (the console reads this, never Step Functions): created by its
    first task, each later task appends its step with one UpdateItem (no read)."""

    Meta = META
    by_org = ByOrgIndex()
    by_kind = ByKindIndex()
    run_id = UnicodeAttribute()
    invoice_id = UnicodeAttribute()
    invoice_number = NumberAttribute(null=True)
    subscription_id = UnicodeAttribute(null=True)
    state = UnicodeAttribute()  # running | restored | suspended | failed
    tries = NumberAttribute(default=0)
    max_attempts = NumberAttribute()
    started_at = UTCDateTimeAttribute()
    ended_at = UTCDateTimeAttribute(null=True)
    steps = ListAttribute(of=RunStep, default=list)
