"""Export jobs end to end on moto: POST starts a job (audited) → the worker writes the file into the
exports bucket → GET shows the rows and a presigned URL that downloads it; filters as the leads list,
XLSX, the dashboard's days; roles and tenants. A leads export reads the rows model once the stream has
brought its marker, the leads table when it has not; both give the same file."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import boto3
from openpyxl import load_workbook

from tessera.audit import service as audit
from tessera.core import clock
from tests.integration.analytics.conftest import EXPORTS, reporting, run_exports  # noqa: F401
from tests.integration.notify.conftest import as_customer
from tests.integration.workspaces.conftest import T0, org_with_plan
from tests.integration.workspaces.test_ingest import lead, send


def _leads(world: dict[str, Any], names: list[str]) -> list[str]:
    ids = []
    for n, name in enumerate(names):
        with clock.frozen(T0 + timedelta(minutes=n)):
            answer = send(lead(world, name=name, message=f"Заявка {n}"), ip=f"198.51.100.{n}")
            assert answer.status == 201, answer.body
            ids.append(answer.body["lead_id"])
    return ids


def _download(url: str) -> bytes:
    """What the browser does with the presigned URL (moto answers the signed GET in-process)."""
    parsed = urlparse(url)
    assert "X-Amz-Signature" in parse_qs(parsed.query) and "X-Amz-Expires" in parse_qs(parsed.query)
    key = parsed.path.lstrip("/").removeprefix(f"{EXPORTS}/")
    return bytes(boto3.client("s3").get_object(Bucket=EXPORTS, Key=key)["Body"].read())


def _finished(world: dict[str, Any], started: Any, *, stream: bool = True) -> Any:
    """The job run after the stream's aggregator has caught up with it (or, `stream=False`, before)."""
    from tessera.reporting import repository

    assert started.status == 202, started.body
    assert started.body["status"] == "queued" and started.body["download_url"] is None
    if stream:
        world["stream"].deliver()
    assert run_exports(world["queue"]) == 1
    done = world["owner"].get(f"{world['path']}/exports/{started.body['id']}")
    assert done.status == 200 and done.body["status"] == "done", done.body
    job = repository.find_export(world["workspace_id"], started.body["id"])
    if job is not None and job.kind == "leads":
        assert job.read_from == ("rows" if stream else "leads")
    return done.body


def test_a_csv_export_of_the_filtered_leads_downloads_through_a_presigned_url(reporting: dict[str, Any]) -> None:  # noqa: F811
    first, second, third = _leads(reporting, ["Иван", "=HYPERLINK(\"x\")", "Пётр"])
    with clock.frozen(T0 + timedelta(hours=1)):
        assert as_customer(reporting["org_id"], "operator").post(f"{reporting['path']}/leads/{first}/status",
                                                                 {"status": "contacted"}).status == 200
    started = reporting["owner"].post(f"{reporting['path']}/leads/exports", {"format": "csv", "filters": {}})
    done = _finished(reporting, started)
    assert done["rows"] == 3 and done["file_name"].endswith(".csv") and done["size"] > 0
    text = _download(done["download_url"]).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0][:3] == ["Заявка", "Создана (МСК)", "Статус"]
    assert [r[0] for r in rows[1:]] == [third, second, first]  # newest first, as the list
    assert rows[2][4] == "'=HYPERLINK(\"x\")"  # a formula is defused
    assert rows[3][2] == "связались" and rows[3][1] == "2026-03-02 12:00:00"  # Moscow time

    only = reporting["owner"].post(f"{reporting['path']}/leads/exports",
                                   {"format": "csv", "filters": {"status": "contacted"}})
    done = _finished(reporting, only)
    assert done["rows"] == 1
    later = reporting["owner"].post(f"{reporting['path']}/leads/exports", {
        "format": "csv", "filters": {"created_after": (T0 + timedelta(minutes=1)).isoformat(), "q": "пётр"}})
    assert _finished(reporting, later)["rows"] == 1
    events, _ = audit.search(entity=("workspace", reporting["workspace_id"]))
    assert [e.action for e in events if e.action.endswith(".export")] == ["leads.export"] * 3


def _csv(world: dict[str, Any], filters: dict[str, Any], *, stream: bool = True) -> list[list[str]]:
    started = world["owner"].post(f"{world['path']}/leads/exports", {"format": "csv", "filters": filters})
    text = _download(_finished(world, started, stream=stream)["download_url"]).decode("utf-8")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_the_rows_model_answers_as_the_leads_table_does_and_is_fresh(reporting: dict[str, Any]) -> None:  # noqa: F811
    from tessera.billing import repository as billing_records
    from tessera.billing import service as billing
    from tessera.workspaces import repository

    ids = _leads(reporting, ["Иван", "Мария", "Пётр"])
    counter = repository.month_counter(reporting["org_id"], "2026-03")
    counter.update(actions=[type(counter).value.set(500)])  # over the plan's month: the next lead is locked
    with clock.frozen(T0 + timedelta(hours=5)):
        locked = send(lead(reporting, name="Сверх лимита"), ip="198.51.100.77").body["lead_id"]
    assert _csv(reporting, {}, stream=False) == _csv(reporting, {})  # the leads table, then the rows
    rows = _csv(reporting, {})
    assert [r[0] for r in rows[1:]] == [locked, *reversed(ids)]
    assert (rows[1][4], rows[1][5], rows[1][12]) == ("", "", "да")  # locked: no contacts

    # a change a moment before the export is in it: its record comes through before the job's marker
    with clock.frozen(T0 + timedelta(hours=6)):
        assert as_customer(reporting["org_id"], "operator").post(f"{reporting['path']}/leads/{ids[1]}/status",
                                                                 {"status": "lost"}).status == 200
    assert [r[0] for r in _csv(reporting, {"status": "lost"})[1:]] == [ids[1]]
    assert [r[4] for r in _csv(reporting, {"q": "ПЁТР"})[1:]] == ["Пётр"]
    assert len(_csv(reporting, {"created_before": (T0 + timedelta(minutes=1)).isoformat()})) == 1 + 2

    subscription = billing_records.find_subscription(billing.list_subscriptions(org_id=reporting["org_id"]).items[0].id)
    assert subscription is not None
    subscription.plan = "fastlead_pro"  # an upgrade opens the month's locked leads, with no change to them
    subscription.save()
    opened = _csv(reporting, {})[1]
    assert (opened[0], opened[4], opened[12]) == (locked, "Сверх лимита", "")

    reporting["stream"].deliver(reporting["stream"].records_seen)  # all again, as Lambda may: nothing changes
    assert _csv(reporting, {"status": "lost"})[1:] == _csv(reporting, {"status": "lost"}, stream=False)[1:]


def test_xlsx_and_the_dashboard_export(reporting: dict[str, Any]) -> None:  # noqa: F811
    _leads(reporting, ["Иван", "Мария"])
    reporting["stream"].deliver()
    done = _finished(reporting, reporting["owner"].post(f"{reporting['path']}/leads/exports", {"format": "xlsx"}))
    sheet = load_workbook(io.BytesIO(_download(done["download_url"])), read_only=True).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Заявка" and [row[4] for row in values[1:]] == ["Мария", "Иван"]

    day = T0.date().isoformat()
    started = reporting["owner"].post(f"{reporting['path']}/analytics/exports",
                                      {"format": "csv", "from": day, "to": day})
    done = _finished(reporting, started)
    rows = list(csv.reader(io.StringIO(_download(done["download_url"]).decode("utf-8").removeprefix("\ufeff"))))
    assert rows == [["Дата", "Заявки", "Связались", "Записи", "Потеряны", "Конверсия, %"],
                    [day, "2", "0", "0", "0", "0.0"], ["Итого", "2", "0", "0", "0", "0.0"]]


def test_bad_input_roles_and_tenants(reporting: dict[str, Any]) -> None:  # noqa: F811
    path = f"{reporting['path']}/leads/exports"
    wrong = reporting["owner"].post(path, {"format": "pdf"})
    assert wrong.status == 422 and wrong.body["errors"][0]["loc"] == "body.format"
    wrong = reporting["owner"].post(path, {"filters": {"status": "won"}})
    assert wrong.status == 422 and wrong.body["errors"][0]["loc"] == "body.filters.status"
    wrong = reporting["owner"].post(f"{reporting['path']}/analytics/exports",
                                    {"from": "2026-03-10", "to": "2026-03-01"})
    assert wrong.status == 422 and wrong.code == "analytics-range" and wrong.body["errors"][0]["loc"] == "body.from"
    assert run_exports(reporting["queue"]) == 0  # nothing was started

    assert as_customer(reporting["org_id"], "operator").post(path, {}).status == 403
    started = as_customer(reporting["org_id"], "analyst").post(path, {})
    assert started.status == 202
    export = f"{reporting['path']}/exports/{started.body['id']}"
    assert as_customer(reporting["org_id"], "operator").get(export).status == 403
    stranger, other_org = org_with_plan(reporting["stack"], "owner@other.example.ru")
    foreign = f"/api/app/orgs/{other_org}/workspaces/{reporting['workspace_id']}/exports/{started.body['id']}"
    assert stranger.get(foreign).status == 404
    missing = reporting["owner"].get(f"{reporting['path']}/exports/exp_01JAAAAAAAAAAAAAAAAAAAAAAA")
    assert missing.status == 404 and missing.code == "export-not-found"
