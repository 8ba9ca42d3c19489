"""Audit events as CSV or XLSX files. Cells are defused: a spreadsheet must never run what an actor typed."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from tessera.audit.models import AuditEvent, format_at

COLUMNS = ["at", "actor", "action", "entity_type", "entity_id", "org_id", "reason", "ip", "request_id", "diff"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # OWASP CSV injection: Excel evaluates these


def defuse(value: str) -> str:
    """A leading apostrophe makes Excel and LibreOffice show the text instead of evaluating it."""
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def row(event: AuditEvent) -> list[str]:
    actor = f"{event.actor.display} ({event.actor.id})" if event.actor.display else event.actor.id
    values = [format_at(event.at), actor, event.action, event.entity_type, event.entity_id, event.org_id or "",
              event.reason or "", event.ip or "", event.request_id or "",
              json.dumps(event.diff, ensure_ascii=False, sort_keys=True)]
    return [defuse(v) for v in values]


def to_csv(events: Iterable[AuditEvent]) -> bytes:
    """UTF-8 with a BOM (so Excel reads Cyrillic right), comma-separated, RFC 4180 quoting and CRLF."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for event in events:
        writer.writerow(row(event))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(events: Iterable[AuditEvent]) -> bytes:
    """openpyxl write-only mode: rows stream out as they come; bold header row, frozen."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("audit")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for name in COLUMNS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for event in events:
        # control characters are not allowed in XLSX cells (openpyxl would refuse the whole file)
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", value) for value in row(event)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
