"""Requests the benchmarks replay, one per route worth measuring. Later contexts add theirs here.

A scenario names the route and how to call it; `setup` (optional) prepares data through the
function's own code path and returns headers to send (e.g. a session)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Scenario:
    name: str
    function: str  # logical id in template.yaml
    method: str
    path: str  # the concrete path, e.g. /api/licenses/abc
    route_path: str  # the template's route, e.g. /api/licenses/{license_key}
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    budget_calls: int | None = None  # AWS calls allowed on a warm request
    setup: Callable[[], dict[str, str]] | None = None


SCENARIOS: list[Scenario] = [
    Scenario("health", "HealthFunction", "GET", "/api/health", "/api/health", budget_calls=0),
]
