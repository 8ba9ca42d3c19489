"""Count the AWS calls code makes: every botocore client's (boto3's and PynamoDB's) API calls."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from botocore.client import BaseClient


@dataclass
class Calls:
    made: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    def count(self, operation: str | None = None, service: str | None = None) -> int:
        return sum(1 for s, o, _ in self.made if (operation is None or o == operation)
                   and (service is None or s == service))

    def params(self, operation: str) -> list[dict[str, Any]]:
        return [p for _, o, p in self.made if o == operation]

    def by_operation(self, service: str | None = None) -> dict[str, int]:
        counted: dict[str, int] = {}
        for made_by, operation, _ in self.made:
            if service is None or made_by == service:
                counted[operation] = counted.get(operation, 0) + 1
        return counted


@contextmanager
def recorded() -> Iterator[Calls]:
    calls = Calls()
    original = BaseClient._make_api_call

    def recording(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        calls.made.append((client.meta.service_model.service_name, operation, params))
        return original(client, operation, params)

    BaseClient._make_api_call = recording  # type: ignore[method-assign]
    try:
        yield calls
    finally:
        BaseClient._make_api_call = original  # type: ignore[method-assign]
