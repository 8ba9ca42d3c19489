"""The only code that touches the back-office table."""

from collections.abc import Sequence

from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from tessera.backoffice.records import GrantRecord
from tessera.core.pagination import clamp_limit, decode_cursor, encode_cursor


def add_grant(tx: TransactWrite, grant: GrantRecord) -> None:
    """The grant as it is now, into a transaction that carries its audit event."""
    tx.save(grant)


def find(grant_id: str) -> GrantRecord | None:
    try:
        return GrantRecord.get(f"GRANT#{grant_id}", "GRANT", consistent_read=True)
    except DoesNotExist:
        return None


def grants_of(grantee_id: str, org_id: str) -> list[GrantRecord]:
    return list(GrantRecord.by_grantee.query(f"GRANTEE#{grantee_id}#{org_id}", scan_index_forward=False))


def list_grants(cursor: str | None, limit: int | None, grantee_id: str | None = None
                ) -> tuple[Sequence[GrantRecord], str | None]:
    condition = GrantRecord.grantee_id == grantee_id if grantee_id else None
    result = GrantRecord.by_created.query("GRANT", scan_index_forward=False, limit=clamp_limit(limit),
                                          last_evaluated_key=decode_cursor(cursor), filter_condition=condition)
    items = list(result)
    return items, encode_cursor(result.last_evaluated_key)
