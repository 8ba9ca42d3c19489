from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook

from tessera.audit import service
from tessera.audit.export import COLUMNS
from tessera.audit.models import AuditFilters
from tessera.core import clock
from tessera.core.errors import ValidationFailed
from tessera.core.request import RequestInfo
from tessera.core.spreadsheet import defuse

NOW = datetime(2026, 4, 1, 10, 0, tzinfo=UTC)
HOSTILE = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-2+3", "@SUM(A1)"]


@pytest.fixture
def events(audit_table: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "EXPORT_PAGE", 4)  # several pages with few events
    request = RequestInfo(request_id="req-1", ip="203.0.113.7", user_agent="pytest\x07bell")
    with clock.frozen(NOW):
        service.record("grant.create", "grant", "grt_1", actor_id="usr_1", actor_kind="staff",
                       actor_display="Анна Петрова", request=request, org_id="org_1",
                       after={"scope": "licenses", "api_token": "secret-value"},
                       reason='Тикет SUP-1, "срочно",\nвторая строка')
        for n, value in enumerate(HOSTILE):
            clock.advance(timedelta(minutes=1))
            service.record("license.update", "license", value, actor_id="usr_2", actor_kind="customer",
                           request=request, reason=value, before={"seats": n}, after={"seats": n + 1})
        for n in range(6):
            clock.advance(timedelta(minutes=1))
            service.record("auth.login", "session", f"ses_{n}", actor_id="usr_3", actor_kind="customer",
                           request=request, reason="ring\x07bell" if n == 0 else None)
    with clock.frozen(NOW + timedelta(hours=1)):
        yield


def test_csv_round_trip(events: None) -> None:
    data = service.export(AuditFilters(), "csv")
    assert data.startswith(b"\xef\xbb\xbf")  # BOM, so Excel reads UTF-8
    text = data.decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == COLUMNS
    body = [dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]]
    assert len(body) == 11  # every page
    grant = body[-1]  # newest first: the grant was the first event
    assert grant["actor"] == "Анна Петрова (usr_1)"
    assert grant["reason"] == 'Тикет SUP-1, "срочно",\nвторая строка'
    assert (grant["org_id"], grant["ip"], grant["request_id"]) == ("org_1", "203.0.113.7", "req-1")
    assert grant["at"] == "2026-04-01T10:00:00.000000Z"
    assert json.loads(grant["diff"]) == {"api_token": [None, "***"], "scope": [None, "licenses"]}
    assert "secret-value" not in text
    assert '"Тикет SUP-1, ""срочно"",\nвторая строка"' in text  # RFC 4180: quoted, quotes doubled


def test_export_defuses_formulas(events: None) -> None:
    rows = list(csv.reader(io.StringIO(service.export(AuditFilters(actor="usr_2")).decode("utf-8-sig"),
                                       newline="")))[1:]
    assert {row[COLUMNS.index("entity_id")] for row in rows} == {f"'{v}" for v in HOSTILE}
    assert {row[COLUMNS.index("reason")] for row in rows} == {f"'{v}" for v in HOSTILE}
    assert defuse("plain") == "plain" and defuse("\t=1") == "'\t=1"


def test_xlsx_round_trip(events: None) -> None:
    data = service.export(AuditFilters(), "xlsx")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == COLUMNS
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert len(rows) == 12
    grant = dict(zip(COLUMNS, rows[-1], strict=True))
    assert grant["actor"] == "Анна Петрова (usr_1)"
    assert grant["reason"] == 'Тикет SUP-1, "срочно",\nвторая строка'
    hostile = {dict(zip(COLUMNS, row, strict=True))["entity_id"] for row in rows[7:11]}
    assert hostile == {f"'{v}" for v in HOSTILE}
    assert "ringbell" in {row[COLUMNS.index("reason")] for row in rows}  # control characters dropped
    # no cell is a formula
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_export_of_filters_and_format(events: None) -> None:
    rows = list(csv.reader(io.StringIO(service.export(AuditFilters(action="auth.login")).decode("utf-8-sig"),
                                       newline="")))
    assert len(rows) == 1 + 6
    with pytest.raises(ValidationFailed):
        service.export(AuditFilters(), "pdf")  # type: ignore[arg-type]
