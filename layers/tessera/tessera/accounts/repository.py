"""The only code that touches the accounts table."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from pynamodb.exceptions import DoesNotExist
from pynamodb.models import Model

from tessera.accounts.records import (
    ContactRecord,
    ContractNumberRecord,
    ContractRecord,
    DocumentRecord,
    InnRecord,
    LicensePaymentRecord,
    NoteRecord,
    OrganizationRecord,
    PaymentRecord,
    PaymentReferenceRecord,
)
from tessera.core.pagination import clamp_limit, decode_cursor, encode_cursor

R = TypeVar("R", bound=Model)
LIST_ROUND = 100  # items evaluated per query round of the filtered list
MAX_ROUNDS = 20  # then answer a shorter page with a cursor rather than read on


def org_pk(org_id: str) -> str:
    return f"ORG#{org_id}"


def _get[R: Model](model: type[R], pk: str, sk: str) -> R | None:
    try:
        return model.get(pk, sk, consistent_read=True)
    except DoesNotExist:
        return None


def find_organization(org_id: str) -> OrganizationRecord | None:
    return _get(OrganizationRecord, org_pk(org_id), "PROFILE")


def find_inn(inn: str) -> InnRecord | None:
    return _get(InnRecord, f"INN#{inn}", "INN")


def inns(values: Iterable[str]) -> dict[str, str]:
    """ИНН → org_id for those taken (one BatchGetItem per 100)."""
    keys = [(f"INN#{v}", "INN") for v in sorted(set(values))]
    return {r.inn: r.org_id for r in InnRecord.batch_get(keys)} if keys else {}


def organizations(org_ids: Iterable[str]) -> dict[str, OrganizationRecord]:
    keys = [(org_pk(o), "PROFILE") for o in sorted(set(org_ids))]
    return {r.org_id: r for r in OrganizationRecord.batch_get(keys, consistent_read=True)} if keys else {}


def find_contact(org_id: str, contact_id: str) -> ContactRecord | None:
    return _get(ContactRecord, org_pk(org_id), f"CONTACT#{contact_id}")


def find_contract(org_id: str, contract_id: str) -> ContractRecord | None:
    return _get(ContractRecord, org_pk(org_id), f"CONTRACT#{contract_id}")


def find_document(org_id: str, document_id: str) -> DocumentRecord | None:
    return _get(DocumentRecord, org_pk(org_id), f"DOC#{document_id}")


def find_license_payment(org_id: str, license_id: str) -> LicensePaymentRecord | None:
    return _get(LicensePaymentRecord, org_pk(org_id), f"LICPAY#{license_id}")


def _all[R: Model](model: type[R], org_id: str, prefix: str) -> list[R]:
    return list(model.query(org_pk(org_id), model.sk.startswith(prefix), consistent_read=True))  # type: ignore[attr-defined]


def contacts(org_id: str) -> list[ContactRecord]:
    return _all(ContactRecord, org_id, "CONTACT#")


def contracts(org_id: str) -> list[ContractRecord]:
    return _all(ContractRecord, org_id, "CONTRACT#")


def documents(org_id: str) -> list[DocumentRecord]:
    return _all(DocumentRecord, org_id, "DOC#")


def payments(org_id: str) -> list[PaymentRecord]:
    return _all(PaymentRecord, org_id, "PAY#")


def license_payments(org_id: str) -> list[LicensePaymentRecord]:
    return _all(LicensePaymentRecord, org_id, "LICPAY#")


def notes(org_id: str, cursor: str | None, limit: int | None) -> tuple[Sequence[NoteRecord], str | None]:
    scope = f"notes:{org_pk(org_id)}"
    result = NoteRecord.query(org_pk(org_id), NoteRecord.sk.startswith("NOTE#"), scan_index_forward=False,
                              limit=clamp_limit(limit), last_evaluated_key=decode_cursor(cursor, scope))
    items = list(result)
    return items, encode_cursor(result.last_evaluated_key, scope)


def list_organizations(*, manager_id: str | None, segment: str | None, status: str | None, search: str | None,
                       cursor: str | None, limit: int | None) -> tuple[list[OrganizationRecord], str | None]:
    """One page of customers by name. A manager's customers come from `by_manager`, all others from
    `by_name`; segment, status and the search text filter the query. The cursor is the name key of the
    last item answered, so a page is full even when the filters skip most items."""
    wanted = clamp_limit(limit)
    position = decode_cursor(cursor) or {}
    after = position.get("after")
    if after is not None and not isinstance(after, str):
        after = None
    index = OrganizationRecord.by_manager if manager_id else OrganizationRecord.by_name
    hash_key = f"MGR#{manager_id}" if manager_id else "ORG"
    condition: Any = None
    for attribute, value in ((OrganizationRecord.segment, segment), (OrganizationRecord.status, status)):
        if value:
            clause = attribute == value
            condition = clause if condition is None else condition & clause
    if search:
        contains = OrganizationRecord.search_text.contains(search)
        condition = contains if condition is None else condition & contains
    range_condition = OrganizationRecord.name_key > after if after else None
    found: list[OrganizationRecord] = []
    last_key: dict[str, Any] | None = None
    for _ in range(MAX_ROUNDS):
        result = index.query(hash_key, range_key_condition=range_condition, filter_condition=condition,
                             limit=LIST_ROUND, last_evaluated_key=last_key)
        for item in result:
            found.append(item)
            if len(found) == wanted:
                return found, encode_cursor({"after": item.name_key})
        last_key = result.last_evaluated_key
        if not last_key:
            return found, None
    # evaluated MAX_ROUNDS × LIST_ROUND items: answer what matched so far, continue from where we read
    return found, encode_cursor({"after": last_key.get("name_key", {}).get("S")}) if last_key else None


def iterate_organizations(**filters: Any) -> Any:
    """Every customer matching the filters, page by page (exports)."""
    cursor: str | None = None
    while True:
        items, cursor = list_organizations(cursor=cursor, limit=100, **filters)
        yield from items
        if cursor is None:
            return


def add_saves(tx: Any, saves: Iterable[Model] = (), *, new: Iterable[Model] = (), deletes: Iterable[Model] = (),
              checks: Iterable[tuple[Model, Any]] = ()) -> None:
    """Put changed items into someone else's transaction (the audit append carries them). `new` items
    must not exist yet (a unique ИНН, contract number, payment reference): otherwise the transaction
    is cancelled, and `tessera.core.dynamo.refused` finds which."""
    for item in saves:
        tx.save(item)
    for item in new:
        tx.save(item, condition=type(item).pk.does_not_exist(), return_values="ALL_OLD")  # type: ignore[attr-defined]
    for item in deletes:
        tx.delete(item)
    for item, condition in checks:
        tx.condition_check(type(item), item.pk, item.sk, condition=condition)  # type: ignore[attr-defined]


def writer(saves: Iterable[Model] = (), *, new: Iterable[Model] = (), deletes: Iterable[Model] = ()
           ) -> Callable[[Any], None]:
    saves, new, deletes = list(saves), list(new), list(deletes)
    return lambda tx: add_saves(tx, saves, new=new, deletes=deletes)


def new_inn(inn: str, org_id: str) -> InnRecord:
    return InnRecord(pk=f"INN#{inn}", sk="INN", inn=inn, org_id=org_id)


def contract_number(org_id: str, number: str, contract_id: str) -> ContractNumberRecord:
    return ContractNumberRecord(pk=org_pk(org_id), sk=f"CNUM#{fold(number)}", contract_id=contract_id)


def payment_reference(org_id: str, reference: str, payment_id: str) -> PaymentReferenceRecord:
    return PaymentReferenceRecord(pk=org_pk(org_id), sk=f"PAYREF#{fold(reference)}", payment_id=payment_id)


def fold(text: str) -> str:
    """Case-, space- and ё-insensitive form, for uniqueness and search."""
    return " ".join(text.lower().replace("ё", "е").split())


_LEGAL_FORMS = {"ооо", "оао", "зао", "пао", "нао", "ао", "ип", "фгуп", "гуп", "муп", "ано", "нко", "фгбу", "гбу",
                "гку", "мку", "ооо.", "llc", "ltd", "jsc"}


def sort_name(name: str) -> str:
    """The name a list sorts by: folded, without the legal form and quotes (ООО «Альфа» → альфа)."""
    words = fold(name.translate(str.maketrans("«»\"'„“”", " " * 7))).split()
    while len(words) > 1 and words[0] in _LEGAL_FORMS:
        words = words[1:]
    return " ".join(words)
