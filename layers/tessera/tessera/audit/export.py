"""Audit events as CSV or XLSX files (tessera.core.spreadsheet: cells defused)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from tessera.audit.models import AuditEvent, format_at
from tessera.core import spreadsheet

COLUMNS = ["at", "actor", "action", "entity_type", "entity_id", "org_id", "reason", "ip", "request_id", "diff"]


def row(event: AuditEvent) -> list[str]:
    actor = f"{event.actor.display} ({event.actor.id})" if event.actor.display else event.actor.id
    return [format_at(event.at), actor, event.action, event.entity_type, event.entity_id, event.org_id or "",
            event.reason or "", event.ip or "", event.request_id or "",
            json.dumps(event.diff, ensure_ascii=False, sort_keys=True)]


def to_csv(events: Iterable[AuditEvent]) -> bytes:
    return spreadsheet.to_csv(COLUMNS, (row(event) for event in events))


def to_xlsx(events: Iterable[AuditEvent]) -> bytes:
    return spreadsheet.to_xlsx("audit", COLUMNS, (row(event) for event in events))
