"""The only code that touches the billing table."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Literal, cast

from pynamodb.exceptions import DoesNotExist, PutError, UpdateError
from pynamodb.expressions.update import Action

from tessera.billing.records import (
    ActRecord,
    DunningRunRecord,
    IntegrationCredentialRecord,
    InvoiceActRecord,
    InvoiceCounterRecord,
    InvoiceRecord,
    PaymentAttemptRecord,
    PaymentRecord,
    PlanRecord,
    ProductSlotRecord,
    ProviderEventRecord,
    ProviderSettingsRecord,
    RefundRecord,
    RunStep,
    SellerRequisitesRecord,
    SubscriptionRecord,
)
from tessera.core.dynamo import reading, transaction
from tessera.core.pagination import clamp_limit, decode_cursor, encode_cursor

PLANS = "PLANS"
Kind = Literal["SUB", "INV", "PAY", "RUN"]
LIST_KEYS: dict[Kind, str] = {"SUB": "SUBSCRIPTIONS", "INV": "INVOICES", "PAY": "PAYMENTS", "RUN": "DUNNING_RUNS"}
MODELS: dict[Kind, Any] = {"SUB": SubscriptionRecord, "INV": InvoiceRecord, "PAY": PaymentRecord,
                           "RUN": DunningRunRecord}


def list_keys(record: SubscriptionRecord | InvoiceRecord | PaymentRecord | DunningRunRecord, kind: Kind,
              item_id: str) -> None:
    """The GSI keys of a listed item: the customer's list and everyone's, newest first."""
    record.org_key = f"ORG#{record.org_id}#{kind}"
    record.list_key = LIST_KEYS[kind]
    record.created_key = f"{record.created_at.isoformat()}#{item_id}"


# --- plans -----------------------------------------------------------------------------------------

def save_plans(records: Sequence[PlanRecord]) -> None:
    with transaction() as tx:
        for record in records:
            record.pk, record.sk = PLANS, record.code
            tx.save(record)


def plans() -> list[PlanRecord]:
    return list(PlanRecord.query(PLANS))


def find_plan(code: str) -> PlanRecord | None:
    try:
        return PlanRecord.get(PLANS, code)
    except DoesNotExist:
        return None


# --- subscriptions ---------------------------------------------------------------------------------

def subscription_key(subscription_id: str) -> tuple[str, str]:
    return f"SUB#{subscription_id}", "SUBSCRIPTION"


def find_subscription(subscription_id: str) -> SubscriptionRecord | None:
    try:
        return SubscriptionRecord.get(*subscription_key(subscription_id), consistent_read=True)
    except DoesNotExist:
        return None


def product_slot(org_id: str, product: str) -> ProductSlotRecord:
    return ProductSlotRecord(pk=f"ORG#{org_id}", sk=f"PRODUCT#{product}")


def find_product_slot(org_id: str, product: str) -> ProductSlotRecord | None:
    slot = product_slot(org_id, product)
    try:
        return ProductSlotRecord.get(slot.pk, slot.sk, consistent_read=True)
    except DoesNotExist:
        return None


def add_new_subscription(tx: Any, record: SubscriptionRecord, slot: ProductSlotRecord) -> None:
    """A new subscription and its organization's slot for the product; a taken slot fails the transaction
    (`refused(error, slot)`)."""
    list_keys(record, "SUB", record.subscription_id)
    tx.save(slot, condition=ProductSlotRecord.pk.does_not_exist(), return_values="ALL_OLD")
    tx.save(record, condition=SubscriptionRecord.pk.does_not_exist())


def add_subscription(tx: Any, record: SubscriptionRecord) -> None:
    """A changed subscription; the version attribute makes a concurrent change fail the transaction."""
    tx.save(record)


def release_product_slot(tx: Any, slot: ProductSlotRecord) -> None:
    tx.delete(slot)


# --- invoices and their numbers --------------------------------------------------------------------

def invoice_key(invoice_id: str) -> tuple[str, str]:
    return f"INV#{invoice_id}", "INVOICE"


def find_invoice(invoice_id: str) -> InvoiceRecord | None:
    try:
        return InvoiceRecord.get(*invoice_key(invoice_id), consistent_read=True)
    except DoesNotExist:
        return None


def counter_key(seller_id: str) -> tuple[str, str]:
    return f"SELLER#{seller_id}", "COUNTER#INVOICE"


def last_invoice_number(seller_id: str) -> int:
    try:
        return int(InvoiceCounterRecord.get(*counter_key(seller_id), consistent_read=True).value)
    except DoesNotExist:
        return 0


def invoice_counter(seller_id: str, last: int) -> InvoiceCounterRecord:
    pk, sk = counter_key(seller_id)
    return InvoiceCounterRecord(pk=pk, sk=sk, value=last + 1)


def add_invoice_number(tx: Any, counter: InvoiceCounterRecord, last: int) -> None:
    """The seller's counter from `last` to `last + 1`, only if it still is `last`: of two issuers that read
    the same value one fails (`refused(error, counter)`), reads again and takes the next number, so numbers
    have no gaps and no repeats."""
    condition = InvoiceCounterRecord.pk.does_not_exist() if last == 0 else InvoiceCounterRecord.value == last
    tx.save(counter, condition=condition, return_values="ALL_OLD")


def add_new_invoice(tx: Any, record: InvoiceRecord) -> None:
    list_keys(record, "INV", record.invoice_id)
    tx.save(record, condition=InvoiceRecord.pk.does_not_exist())


def invoices_of(org_id: str) -> Iterator[InvoiceRecord]:
    """Every invoice of the organization, newest first."""
    for record in InvoiceRecord.by_org.query(f"ORG#{org_id}#INV", scan_index_forward=False):
        yield cast(InvoiceRecord, record)


def add_invoice(tx: Any, record: InvoiceRecord) -> None:
    tx.save(record)


# --- payments and provider events ------------------------------------------------------------------

def payment_key(provider: str, provider_payment_id: str) -> tuple[str, str]:
    return f"PAY#{provider}#{provider_payment_id}", "PAYMENT"


def find_payment(provider: str, provider_payment_id: str) -> PaymentRecord | None:
    try:
        return PaymentRecord.get(*payment_key(provider, provider_payment_id), consistent_read=True)
    except DoesNotExist:
        return None


def add_new_payment(tx: Any, record: PaymentRecord) -> None:
    """A provider payment, recorded once: a second record of it fails the transaction (`refused`)."""
    list_keys(record, "PAY", record.payment_id)
    tx.save(record, condition=PaymentRecord.pk.does_not_exist(), return_values="ALL_OLD")


def add_new_provider_event(tx: Any, record: ProviderEventRecord) -> None:
    """The raw event in the transaction that applies its payment; already stored fails it (`refused`)."""
    tx.save(record, condition=ProviderEventRecord.pk.does_not_exist(), return_values="ALL_OLD")


def save_provider_event(record: ProviderEventRecord) -> bool:
    """Store a provider's notification as received; False when (provider, object, event) is already stored."""
    try:
        record.save(condition=ProviderEventRecord.pk.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


# --- integration credentials ---------------------------------------------------------------------

CREDENTIALS = "CREDENTIALS"


def credential_key(credential_id: str) -> tuple[str, str]:
    return CREDENTIALS, credential_id


def find_credential(credential_id: str) -> IntegrationCredentialRecord | None:
    try:
        return IntegrationCredentialRecord.get(*credential_key(credential_id), consistent_read=True)
    except DoesNotExist:
        return None


# --- payment attempts and provider settings ---------------------------------------------------------

def attempt_key(invoice_id: str, attempt: int) -> tuple[str, str]:
    return f"INV#{invoice_id}", f"ATTEMPT#{attempt:06d}"


def find_attempt(invoice_id: str, attempt: int) -> PaymentAttemptRecord | None:
    try:
        return PaymentAttemptRecord.get(*attempt_key(invoice_id, attempt), consistent_read=True)
    except DoesNotExist:
        return None


def find_invoice_and_attempt(invoice_id: str, attempt: int
                             ) -> tuple[InvoiceRecord | None, PaymentAttemptRecord | None]:
    """The invoice and one of its attempts in one consistent read (a webhook's budget is 3 calls)."""
    with reading() as tx:
        invoice = tx.get(InvoiceRecord, *invoice_key(invoice_id))
        found = tx.get(PaymentAttemptRecord, *attempt_key(invoice_id, attempt))
    return _or_none(invoice), _or_none(found)


def _or_none(future: Any) -> Any:
    try:
        return future.get()
    except DoesNotExist:
        return None


def credentials() -> list[IntegrationCredentialRecord]:
    return list(IntegrationCredentialRecord.query(CREDENTIALS))


def add_credential(tx: Any, record: IntegrationCredentialRecord) -> None:
    """A new credential, or a change of one (its row version checked: a concurrent change fails)."""
    tx.save(record)


def find_invoice_by_number(seller_id: str, number: int) -> InvoiceRecord | None:
    """The seller's invoice of that number (1С knows the printed number): every invoice filtered, newest
    first, as the console's number search does."""
    condition = (InvoiceRecord.number == number) & (InvoiceRecord.seller_id == seller_id)
    found = InvoiceRecord.by_kind.query(LIST_KEYS["INV"], filter_condition=condition, scan_index_forward=False)
    return next((r for r in found if isinstance(r, InvoiceRecord)), None)


def add_new_attempt(tx: Any, invoice: InvoiceRecord, attempt: PaymentAttemptRecord) -> None:
    """The invoice's attempt counter raised (version-checked) with its new attempt: of two concurrent
    clicks one fails the transaction and then finds the other's attempt."""
    tx.save(invoice)
    tx.save(attempt, condition=PaymentAttemptRecord.pk.does_not_exist())


def save_attempt(attempt: PaymentAttemptRecord) -> PaymentAttemptRecord:
    """The attempt as changed, or, when a concurrent writer changed it first (version), as that one left it."""
    try:
        attempt.save()
    except PutError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
        return find_attempt(attempt.invoice_id, int(attempt.attempt)) or attempt
    return attempt


SETTINGS_KEY = ("SETTINGS", "PROVIDERS")


def provider_settings() -> ProviderSettingsRecord:
    try:
        return ProviderSettingsRecord.get(*SETTINGS_KEY, consistent_read=True)
    except DoesNotExist:
        return ProviderSettingsRecord(pk=SETTINGS_KEY[0], sk=SETTINGS_KEY[1])


def add_provider_settings(tx: Any, record: ProviderSettingsRecord) -> None:
    tx.save(record)


# --- lists -----------------------------------------------------------------------------------------

def page(kind: Kind, *, org_id: str | None, condition: Any = None, cursor: str | None = None,
         limit: int | None = None) -> tuple[Sequence[Any], str | None]:
    """One page of subscriptions, invoices or payments, newest first: a customer's (by_org) or everyone's
    (by_kind); `condition` filters the page (it can be short, with a cursor to go on)."""
    model = MODELS[kind]
    index, hash_key = (model.by_org, f"ORG#{org_id}#{kind}") if org_id else (model.by_kind, LIST_KEYS[kind])
    scope = f"billing:{hash_key}"
    result = index.query(hash_key, filter_condition=condition, scan_index_forward=False, limit=clamp_limit(limit),
                         last_evaluated_key=decode_cursor(cursor, scope))
    items = list(result)
    return items, encode_cursor(result.last_evaluated_key, scope)


# --- dunning ---------------------------------------------------------------------------------------

def run_key(run_id: str) -> tuple[str, str]:
    return f"RUN#{run_id}", "RUN"


def find_run(run_id: str) -> DunningRunRecord | None:
    try:
        return DunningRunRecord.get(*run_key(run_id), consistent_read=True)
    except DoesNotExist:
        return None


def save_new_run(record: DunningRunRecord) -> bool:
    """The run's record, once: False when its first task already wrote it (a retried task)."""
    list_keys(record, "RUN", record.run_id)
    try:
        record.save(condition=DunningRunRecord.pk.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def add_run_step(run_id: str, step: RunStep, *, state: str | None = None, tries: int | None = None,
                 ended_at: Any = None) -> bool:
    """The step appended to the run (and its state, tries or end set) in one UpdateItem, with no read;
    False when the run has no record (started before runs were recorded)."""
    pk, sk = run_key(run_id)
    actions: list[Action] = [DunningRunRecord.steps.set(DunningRunRecord.steps.append([step]))]
    if state is not None:
        actions.append(DunningRunRecord.state.set(state))
    if tries is not None:
        actions.append(DunningRunRecord.tries.set(tries))
    if ended_at is not None:
        actions.append(DunningRunRecord.ended_at.set(ended_at))
    try:
        DunningRunRecord(pk=pk, sk=sk).update(actions=actions, condition=DunningRunRecord.pk.exists())
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def subscriptions_of(org_id: str) -> Iterator[SubscriptionRecord]:
    """Every subscription of an organization (a handful: one per product), newest first."""
    for record in SubscriptionRecord.by_org.query(f"ORG#{org_id}#SUB", scan_index_forward=False):
        yield cast(SubscriptionRecord, record)


def subscriptions_in(states: Sequence[str]) -> Iterator[SubscriptionRecord]:
    """Every subscription in one of `states` (the daily dunning and trial job), page by page."""
    for record in SubscriptionRecord.by_kind.query(LIST_KEYS["SUB"],
                                                   filter_condition=SubscriptionRecord.state.is_in(*states)):
        yield cast(SubscriptionRecord, record)


# --- the seller's requisites and the acts (closing documents) --------------------------------------

def requisites_key(seller_id: str) -> tuple[str, str]:
    return f"SELLER#{seller_id}", "REQUISITES"


def find_requisites(seller_id: str) -> SellerRequisitesRecord | None:
    try:
        return SellerRequisitesRecord.get(*requisites_key(seller_id), consistent_read=True)
    except DoesNotExist:
        return None


def requisites_in_force(seller_id: str, at: str) -> SellerRequisitesRecord | None:
    """The dated copy saved last at or before `at` (an ISO time)."""
    pk, sk = requisites_key(seller_id)
    found = SellerRequisitesRecord.query(pk, SellerRequisitesRecord.sk.between(f"{sk}#", f"{sk}#{at}"),
                                         scan_index_forward=False, limit=1)
    return next(iter(found), None)


def add_requisites(tx: Any, current: SellerRequisitesRecord, dated: SellerRequisitesRecord) -> None:
    """The current requisites (version-checked: a concurrent save fails the transaction) and their dated copy."""
    tx.save(current)
    tx.save(dated)


def act_key(act_id: str) -> tuple[str, str]:
    return f"ACT#{act_id}", "ACT"


def find_act(act_id: str) -> ActRecord | None:
    try:
        return ActRecord.get(*act_key(act_id), consistent_read=True)
    except DoesNotExist:
        return None


def invoice_act(invoice_id: str) -> InvoiceActRecord:
    return InvoiceActRecord(pk=f"INV#{invoice_id}", sk="ACT")


def find_act_of_invoice(invoice_id: str) -> ActRecord | None:
    guard = invoice_act(invoice_id)
    try:
        return find_act(InvoiceActRecord.get(guard.pk, guard.sk, consistent_read=True).act_id)
    except DoesNotExist:
        return None


def act_counter_key(seller_id: str) -> tuple[str, str]:
    return f"SELLER#{seller_id}", "COUNTER#ACT"


def last_act_number(seller_id: str) -> int:
    try:
        return int(InvoiceCounterRecord.get(*act_counter_key(seller_id), consistent_read=True).value)
    except DoesNotExist:
        return 0


def act_counter(seller_id: str, last: int) -> InvoiceCounterRecord:
    pk, sk = act_counter_key(seller_id)
    return InvoiceCounterRecord(pk=pk, sk=sk, value=last + 1)


def add_new_act(tx: Any, record: ActRecord, guard: InvoiceActRecord, counter: InvoiceCounterRecord,
                last: int) -> None:
    """The act under the seller's next act number (the counter raised from `last` as invoices' is) and the
    invoice's guard: an invoice that has its act fails the transaction (`refused(error, guard)`)."""
    record.org_key = f"ORG#{record.org_id}#ACT"
    record.list_key = "ACTS"
    record.created_key = f"{record.created_at.isoformat()}#{record.act_id}"
    add_invoice_number(tx, counter, last)
    tx.save(guard, condition=InvoiceActRecord.pk.does_not_exist(), return_values="ALL_OLD")
    tx.save(record, condition=ActRecord.pk.does_not_exist())


def acts_page(*, org_id: str | None, cursor: str | None = None,
              limit: int | None = None) -> tuple[Sequence[ActRecord], str | None]:
    """One page of acts, newest first: a customer's (by_org) or everyone's (by_kind)."""
    index, hash_key = (ActRecord.by_org, f"ORG#{org_id}#ACT") if org_id else (ActRecord.by_kind, "ACTS")
    scope = f"billing:{hash_key}"
    result = index.query(hash_key, scan_index_forward=False, limit=clamp_limit(limit),
                         last_evaluated_key=decode_cursor(cursor, scope))
    items = [cast(ActRecord, r) for r in result]
    return items, encode_cursor(result.last_evaluated_key, scope)


# --- refunds and payment files (billing/refunds.py, billing/payments_io.py) ------------------------

def refund_key(provider: str, provider_payment_id: str, number: int) -> tuple[str, str]:
    return payment_key(provider, provider_payment_id)[0], f"REFUND#{number:03d}"


def find_refund(provider: str, provider_payment_id: str, number: int) -> RefundRecord | None:
    try:
        return RefundRecord.get(*refund_key(provider, provider_payment_id, number), consistent_read=True)
    except DoesNotExist:
        return None


def refunds_of(provider: str, provider_payment_id: str) -> list[RefundRecord]:
    """A payment's refunds, oldest first (one query of the payment's partition)."""
    pk = payment_key(provider, provider_payment_id)[0]
    return list(RefundRecord.query(pk, range_key_condition=RefundRecord.sk.startswith("REFUND#"),
                                   consistent_read=True))


def _still(attribute: Any, value: int) -> Any:
    """The attribute still holds `value` (a payment written before refunds existed has neither attribute)."""
    return (attribute == value) | attribute.does_not_exist() if value == 0 else attribute == value


def add_payment_refunds(tx: Any, payment: PaymentRecord, count_before: int, refunded_before: int) -> None:
    """The payment with its refund count and held amount changed, only if both are still what was read: of two
    concurrent refunds one fails the transaction (`refused(error, payment)`), so they never add up to more than
    the payment. Nothing else changes a recorded payment."""
    condition = (_still(PaymentRecord.refund_count, count_before)
                 & _still(PaymentRecord.refunded, refunded_before))
    tx.save(payment, condition=condition, return_values="ALL_OLD")


def add_new_refund(tx: Any, record: RefundRecord) -> None:
    tx.save(record, condition=RefundRecord.pk.does_not_exist())


def add_refund(tx: Any, record: RefundRecord) -> None:
    """A changed refund (version-checked: a concurrent retry that recorded the answer first fails it)."""
    tx.save(record)


def payments_created(org_id: str | None, start: str, end: str) -> Iterator[PaymentRecord]:
    """Payments created in [start, end) (ISO times in UTC), newest first: a customer's or everyone's."""
    index, hash_key = ((PaymentRecord.by_org, f"ORG#{org_id}#PAY") if org_id
                       else (PaymentRecord.by_kind, LIST_KEYS["PAY"]))
    condition = PaymentRecord.created_key.between(start, end)
    for record in index.query(hash_key, range_key_condition=condition, scan_index_forward=False):
        if isinstance(record, PaymentRecord) and record.created_key < end:
            yield record


def invoices(invoice_ids: Sequence[str]) -> dict[str, InvoiceRecord]:
    """Invoices by id (one BatchGetItem per 100)."""
    keys = [invoice_key(i) for i in sorted(set(invoice_ids))]
    return {r.invoice_id: r for r in InvoiceRecord.batch_get(keys)} if keys else {}
