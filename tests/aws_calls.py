"""Count the AWS calls code makes through tessera.core.aws (every DynamoDB, SQS, KMS and Secrets
Manager request of the platform goes through it)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tessera.core import aws


@dataclass
class Calls:
    made: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    def count(self, operation: str | None = None, service: str | None = None) -> int:
        return sum(1 for s, o, _ in self.made if (operation is None or o == operation)
                   and (service is None or s == service))

    def params(self, operation: str) -> list[dict[str, Any]]:
        return [p for _, o, p in self.made if o == operation]

    def by_operation(self) -> dict[str, int]:
        counted: dict[str, int] = {}
        for _, operation, _ in self.made:
            counted[operation] = counted.get(operation, 0) + 1
        return counted


@contextmanager
def recorded() -> Iterator[Calls]:
    calls = Calls()

    def observe(service: str, operation: str, params: dict[str, Any]) -> None:
        calls.made.append((service, operation, params))

    aws.observers.append(observe)
    try:
        yield calls
    finally:
        aws.observers.remove(observe)
