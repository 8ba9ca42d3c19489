"""Domain events, collected while a change is made and delivered only once it has succeeded.

A service publishes inside `with bus.collect():`; if the block raises, nothing is delivered, so
subscribers (notifications, read models) never react to a change that did not happen."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from pydantic import Field

from tessera.core import clock
from tessera.core.ids import new_id
from tessera.core.models import Model


class DomainEvent(Model):
    id: str = Field(default_factory=lambda: new_id("evt"))
    type: str  # "license.issued", "user.registered"
    occurred_at: datetime = Field(default_factory=clock.now)
    actor: str | None = None
    subject: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)


Handler = Callable[[DomainEvent], None]
_pending: ContextVar[list[DomainEvent] | None] = ContextVar("pending_events", default=None)


class EventBus:
    def __init__(self) -> None:
        self._handlers: dict[str, list[Handler]] = defaultdict(list)

    def subscribe(self, event_type: str, handler: Handler) -> None:
        self._handlers[event_type].append(handler)

    def publish(self, event: DomainEvent) -> None:
        pending = _pending.get()
        if pending is None:
            self._deliver(event)
        else:
            pending.append(event)

    @contextmanager
    def collect(self) -> Iterator[list[DomainEvent]]:
        outer = _pending.get()
        events: list[DomainEvent] = []
        token = _pending.set(events)
        try:
            yield events
        finally:
            _pending.reset(token)
        # Only reached when the block succeeded.
        for event in events:
            if outer is not None:
                outer.append(event)
            else:
                self._deliver(event)

    def _deliver(self, event: DomainEvent) -> None:
        for handler in [*self._handlers.get(event.type, []), *self._handlers.get("*", [])]:
            handler(event)


bus = EventBus()
