"""Valid Russian identifiers and a customer card for the accounts tests."""

from typing import Any

from tests.integration.stack import Client

_INN10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _digit(digits: str, weights: tuple[int, ...]) -> str:
    return str(sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10)


def inn10(prefix: str) -> str:
    """A 10-digit ИНН (an organization) with a correct check digit, from 9 digits."""
    assert len(prefix) == 9
    return prefix + _digit(prefix, _INN10)


def inn12(prefix: str) -> str:
    """A 12-digit ИНН (an individual entrepreneur), from 10 digits."""
    assert len(prefix) == 10
    first = prefix + _digit(prefix, _INN12_1)
    return first + _digit(first, _INN12_2)


def card(inn: str, name: str = "ООО «Ромашка»", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"name": name, "legal_name": f"Общество с ограниченной ответственностью {name}",
                            "inn": inn, "kpp": "770101001" if len(inn) == 10 else None, "segment": "smb",
                            "deployment": "on_prem"}
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


def create(console: Client, inn: str, name: str = "ООО «Ромашка»", **changes: Any) -> dict[str, Any]:
    answer = console.post("/api/console/customers", card(inn, name, **changes))
    assert answer.status == 201, answer.body
    return dict(answer.body)
