from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tests.unit.audit.tables import create_audit_table


@pytest.fixture
def audit_table(aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    # DynamoDB isolates transactions on an item; moto does not (it snapshots and restores whole
    # tables), so threads get the lock DynamoDB has.
    from moto.dynamodb.models import DynamoDBBackend

    lock = threading.Lock()
    original = DynamoDBBackend.transact_write_items

    def serialized(self: Any, transact_items: list[dict[str, Any]]) -> None:
        with lock:
            original(self, transact_items)

    monkeypatch.setattr(DynamoDBBackend, "transact_write_items", serialized)
    create_audit_table()
    yield "audit"
