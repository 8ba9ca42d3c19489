"""Leads from the widget → the workspaces table's stream → the read model → the dashboard: counts,
conversion, time to first contact, channels, funnel, daily series; a redelivered batch counts once;
ranges checked; roles and tenants."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import boto3

from tessera.core import clock
from tests.integration.analytics.conftest import reporting  # noqa: F401
from tests.integration.notify.conftest import as_customer
from tests.integration.workspaces.conftest import T0, org_with_plan
from tests.integration.workspaces.test_ingest import lead, send


def _board(world: dict[str, Any], **query: str) -> Any:
    answer = world["owner"].get(f"{world['path']}/analytics", query=query)
    assert answer.status == 200, answer.body
    return answer.body


def _move(world: dict[str, Any], lead_id: str, status: str, after: timedelta) -> None:
    with clock.frozen(T0 + after):
        operator = as_customer(world["org_id"], "operator")
        moved = operator.post(f"{world['path']}/leads/{lead_id}/status", {"status": status})
        assert moved.status == 200, moved.body


def test_the_dashboard_follows_the_stream_and_counts_a_redelivered_batch_once(reporting: dict[str, Any]) -> None:  # noqa: F811
    ids = []
    for n in range(4):
        with clock.frozen(T0 + timedelta(minutes=n)):
            answer = send(lead(reporting, name=f"Клиент {n}"), ip=f"198.51.100.{n}")
            assert answer.status == 201, answer.body
            ids.append(answer.body["lead_id"])
    with clock.frozen(T0 + timedelta(days=1)):
        next_day = send(lead(reporting, name="Завтра"), ip="198.51.100.9").body["lead_id"]
    _move(reporting, ids[0], "contacted", timedelta(minutes=10))  # 10 min after it came
    _move(reporting, ids[1], "contacted", timedelta(minutes=21))  # 20 min
    _move(reporting, ids[0], "booked", timedelta(hours=2))
    _move(reporting, ids[2], "booked", timedelta(hours=3))  # a calendar booking: counted as contacted too
    _move(reporting, ids[3], "lost", timedelta(hours=4))
    _move(reporting, ids[3], "contacted", timedelta(hours=5))  # back from lost: the first contact, 5 h - 3 min
    delivered = reporting["stream"].deliver()
    # every INSERT and MODIFY of a lead, and the workspace's creation (its rows start complete)
    assert [r["dynamodb"]["Keys"]["sk"]["S"][:4] for r in delivered] == ["WS#w"] + ["LEAD"] * 11
    reporting["stream"].deliver(delivered)  # the same batch again, as Lambda retries it

    day = T0.date().isoformat()
    board = _board(reporting, **{"from": day, "to": (T0 + timedelta(days=1)).date().isoformat()})
    totals = board["totals"]
    assert (totals["leads"], totals["contacted"], totals["booked"], totals["lost"]) == (5, 4, 2, 1)
    assert totals["conversion"] == 0.4 and totals["contact_rate"] == 0.8
    assert totals["avg_first_contact_seconds"] == round((600 + 1200 + (5 * 3600 - 180)) / 3)
    assert [(s["stage"], s["count"], s["rate_from_previous"]) for s in board["funnel"]] == [
        ("lead", 5, 1.0), ("contacted", 4, 0.8), ("booked", 2, 0.5)]
    assert board["by_channel"] == [{"channel": "widget", "leads": 5, "contacted": 4, "booked": 2, "lost": 1,
                                    "conversion": 0.4}]
    assert [(d["date"], d["leads"], d["booked"]) for d in board["daily"]] == [
        (day, 4, 2), ((T0 + timedelta(days=1)).date().isoformat(), 1, 0)]
    assert board["timezone"] == "Europe/Moscow" and board["from"] == day
    assert next_day  # counted on its own day above


def test_the_range_is_checked_and_defaults_to_the_last_30_days(reporting: dict[str, Any]) -> None:  # noqa: F811
    with clock.frozen(T0):
        board = _board(reporting)
    assert len(board["daily"]) == 30 and board["to"] == T0.date().isoformat()
    for query in ({"from": "2026-03-10", "to": "2026-03-01"}, {"from": "2025-01-01", "to": "2026-03-01"}):
        wrong = reporting["owner"].get(f"{reporting['path']}/analytics", query=query)
        assert wrong.status == 422 and wrong.code == "analytics-range", wrong.body
    wrong = reporting["owner"].get(f"{reporting['path']}/analytics", query={"from": "2026-02-30"})
    assert wrong.status == 422 and wrong.body["errors"][0]["loc"] == "query.from"


def test_roles_and_tenants(reporting: dict[str, Any]) -> None:  # noqa: F811
    path = f"{reporting['path']}/analytics"
    assert as_customer(reporting["org_id"], "analyst").get(path).status == 200
    assert as_customer(reporting["org_id"], "admin").get(path).status == 200
    assert as_customer(reporting["org_id"], "operator").get(path).status == 403
    stranger, other_org = org_with_plan(reporting["stack"], "owner@other.example.ru")
    assert stranger.get(path).status in (403, 404)  # another organization in the path: refused
    foreign = f"/api/app/orgs/{other_org}/workspaces/{reporting['workspace_id']}/analytics"
    answer = stranger.get(foreign)
    assert answer.status == 404 and answer.code == "workspace-not-found", answer.body


def test_a_dashboard_switched_off_by_its_flag_is_closed_on_the_server_and_leads_stay_open(
        reporting: dict[str, Any]) -> None:  # noqa: F811
    """Seed 004's rollback, step 1: «Переключить feature flag для dashboard (закрыть доступ)» — no deploy."""
    from tessera.core import features

    assert reporting["owner"].get(f"{reporting['path']}/analytics").status == 200
    schema = json.loads(json.dumps(features.default_schema()))
    schema["dashboard"]["default"] = False
    boto3.client("ssm").put_parameter(Name="/tessera/feature-flags", Type="String", Overwrite=True,
                                      Value=json.dumps(schema))
    features.forget()
    try:
        refused = reporting["owner"].get(f"{reporting['path']}/analytics", headers={"accept-language": "ru"})
        assert refused.status == 403 and refused.body["code"] == "feature-off", refused.body
        assert "отключён" in refused.body["detail"]
        export = reporting["owner"].post(f"{reporting['path']}/analytics/exports",
                                         {"format": "csv", "from": "2026-11-01", "to": "2026-11-30"})
        assert export.status == 403 and export.body["code"] == "feature-off", export.body
        assert reporting["owner"].get(f"{reporting['path']}/leads").status == 200
    finally:
        features.forget()
