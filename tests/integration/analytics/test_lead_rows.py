"""The leads' rows model on moto's reporting table: an hour spills into parts, a row is replaced only by one
as new or newer, a writer that lost a race reads again and loses nothing, the backfill marks a workspace
complete, and `select` filters as the leads list does, newest first."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from tessera.reporting import lead_rows, repository
from tests.integration.analytics.conftest import reporting  # noqa: F401
from tests.integration.workspaces.conftest import T0
from tests.integration.workspaces.test_ingest import lead, send

WS = "ws_rows"


def _lead(n: int, *, minutes: int = 0, status: str = "new", updated: int = 0,
          channel: str = "widget") -> dict[str, Any]:
    created = T0 + timedelta(minutes=minutes, seconds=n)
    return {"lead_id": f"lead_{n:026d}", "created_at": created, "updated_at": created + timedelta(minutes=updated),
            "status": status, "channel": channel, "name": f"Клиент {n}", "phone": f"+7999{n:07d}",
            "email": None, "message": "Окна", "page_url": None, "utm": '{"utm_source": "yandex"}', "locked": False,
            "search_text": f"клиент {n} окна"}


def _merge(*leads: dict[str, Any]) -> int:
    return lead_rows.merge(WS, dict(lead_rows.row_of(lead) for lead in leads))


def _selected(**filters: Any) -> list[tuple[str, str]]:
    return [(lead_id[-2:], row[lead_rows.STATUS]) for lead_id, row in lead_rows.select(WS, **filters)]


@pytest.mark.usefixtures("reporting")
def test_parts_spill_and_rows_are_replaced_only_by_newer_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lead_rows, "PART_BYTES", 1000)
    assert _merge(*[_lead(n) for n in range(20)]) > 1
    parts = repository.rows_of_hour(WS, "2026-03-02T09")
    assert len(parts) > 1 and sum(int(p.leads) for p in parts) == 20
    assert all(int(p.raw_bytes) <= 1000 for p in parts[:-1])
    assert [n for n, _ in _selected()] == [f"{n:02d}" for n in reversed(range(20))]
    assert _selected()[0][1] == "new" and lead_rows.select(WS).__next__()[1][lead_rows.SOURCE] == "yandex"

    assert _merge(_lead(3, status="contacted", updated=5)) == 1
    assert _merge(_lead(3, status="new")) == 0  # an older image (a late record) changes nothing
    assert _merge(_lead(3, status="contacted", updated=5)) == 0  # the same again (a redelivery)
    assert dict(_selected())["03"] == "contacted"
    assert len(repository.rows_of_hour(WS, "2026-03-02T09")) == len(parts)  # replaced where it was


@pytest.mark.usefixtures("reporting")
def test_a_writer_that_lost_the_race_reads_again_and_loses_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    _merge(_lead(1))
    read, raced = repository.rows_of_hour, []

    def read_then_someone_writes(workspace_id: str, hour: str) -> Any:
        parts = read(workspace_id, hour)
        if not raced:
            raced.append(True)
            _merge(_lead(2))  # the other writer (the backfill, or the stream) saves first
        return parts

    monkeypatch.setattr(repository, "rows_of_hour", read_then_someone_writes)
    assert _merge(_lead(3)) == 1
    assert [n for n, _ in _selected()] == ["03", "02", "01"]


@pytest.mark.usefixtures("reporting")
def test_select_filters_and_the_backfill_marks_the_workspace_complete() -> None:
    leads = [_lead(1), _lead(2, minutes=90, status="lost", channel="telegram"), _lead(3, minutes=200)]
    assert not repository.rows_complete(WS)
    assert lead_rows.backfill(WS, iter(leads), batch=2) == 3
    assert repository.rows_complete(WS)
    assert _selected(status="lost") == [("02", "lost")] and _selected(channel="telegram") == [("02", "lost")]
    assert _selected(q=" КЛИЕНТ 3 ") == [("03", "new")]
    assert [n for n, _ in _selected(created_after=T0 + timedelta(minutes=90, seconds=2))] == ["03", "02"]
    assert [n for n, _ in _selected(created_before=T0 + timedelta(minutes=90, seconds=2))] == ["02", "01"]
    assert lead_rows.backfill(WS, iter(leads)) == 3 and len(_selected()) == 3  # again: the same rows


def test_the_backfill_script_fills_an_older_workspace(reporting: dict[str, Any],  # noqa: F811
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    from scripts.backfill_lead_rows import main

    for n in range(2):
        assert send(lead(reporting, name=f"Клиент {n}"), ip=f"198.51.100.{n}").status == 201
    workspace_id, ids = reporting["workspace_id"], reporting["stack"].ids
    assert not repository.rows_complete(workspace_id)  # the stream was never delivered: an "older" workspace
    tables = ["--workspaces-table", ids["WorkspacesTable"], "--reporting-table", ids["ReportingTable"]]
    assert main([*tables, "--all"]) == 0
    report = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith('{"workspace_id"')]
    assert {"workspace_id": workspace_id, "leads": 2} in [{k: r[k] for k in ("workspace_id", "leads")} for r in report]
    assert repository.rows_complete(workspace_id)
    assert sorted(row[lead_rows.NAME] for _, row in lead_rows.select(workspace_id)) == ["Клиент 0", "Клиент 1"]
