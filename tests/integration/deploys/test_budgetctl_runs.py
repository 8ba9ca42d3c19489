"""POST /api/external/deploy-runs: budgetctl's report of a run from an engineer's machine, signed with an
integration key as releases are, stored once per run_id with the portal's runs (source budgetctl) and read
through the console's run routes."""

from __future__ import annotations

import json
import uuid
from typing import Any

from tessera.core import clock
from tests.integration.deploys.conftest import World
from tests.integration.notify.conftest import as_customer, as_staff
from tests.integration.stack import Client

DOMAIN = "budget.romashka.ru"


def _key() -> tuple[str, str]:
    key = as_staff("admin").post("/api/console/integrations/credentials", {"name": "budgetctl инженеров"})
    assert key.status == 201, key.body
    return key.body["credential"]["id"], key.body["secret"]


def _post(key: tuple[str, str], body: dict[str, Any], *, secret: str | None = None, sent: int | None = None,
          sent_body: dict[str, Any] | None = None) -> Any:
    """`body` signed; `sent_body` (when given) is what goes on the wire instead."""
    from tessera.billing.integrations import signature

    raw = json.dumps(body, ensure_ascii=False)
    timestamp = str(sent if sent is not None else clock.epoch_seconds())
    return Client().post("/api/external/deploy-runs", raw_body=json.dumps(sent_body) if sent_body else raw, headers={
        "x-tessera-key": key[0], "x-tessera-timestamp": timestamp,
        "x-tessera-signature": signature(secret or key[1], timestamp, raw.encode())})


def _report(world: World, **changes: Any) -> dict[str, Any]:
    now = clock.now()
    return {"run_id": str(uuid.uuid4()), "license_id": world.license_id, "domain": DOMAIN, "command": "deploy",
            "version": "4.3.0", "previous_version": "4.2.0", "outcome": "succeeded",
            "started_at": now.isoformat(), "ended_at": now.isoformat(), "operator": "ivan@laptop",
            "steps": [{"step": "pull", "outcome": "ok", "detail": "pulled 4 images"},
                      {"step": "migrate", "outcome": "ok",
                       "detail": "DATABASE_URL=postgres://app:hunter2@db/app\nmigrated 3"}],
            **changes}


def test_a_report_is_stored_once_and_listed_with_the_portals_runs(world: World) -> None:
    key = _key()
    body = _report(world)
    first = _post(key, body)
    assert first.status == 201, first.body
    run = first.body["run"]
    assert (run["source"], run["kind"], run["state"], run["installation_id"], run["org_id"], run["requested_by"]) == (
        "budgetctl", "deploy", "succeeded", world.installation.id, world.org_id, "ivan@laptop")
    assert run["id"] == "bct_" + body["run_id"].replace("-", "")
    assert "hunter2" not in json.dumps(run) and [s["step"] for s in run["steps"]] == ["pull", "migrate"]
    replayed = _post(key, body)  # the same signed request again, within the window: stored once
    assert (replayed.status, replayed.body["created"], replayed.body["run"]["id"]) == (200, False, run["id"])

    auditor = as_staff("auditor")
    listed = auditor.get("/api/console/deploys/runs").body["items"]
    assert [(r["id"], r["source"]) for r in listed] == [(run["id"], "budgetctl")]
    by_installation = auditor.get("/api/console/deploys/runs", query={"installation_id": world.installation.id})
    assert [r["id"] for r in by_installation.body["items"]] == [run["id"]]
    detail = auditor.get(f"/api/console/deploys/runs/{run['id']}")
    assert detail.status == 200 and detail.body["steps"][1]["detail"].endswith("migrated 3")
    history = as_staff("admin").get("/api/console/audit", query={"entity": f"deploy_run:{run['id']}"}).body["items"]
    assert [e["action"] for e in history] == ["deploy.budgetctl_run"]
    # a budgetctl run is rolled back by budgetctl, not by the portal's machine
    refused = as_staff("admin").post(f"/api/console/deploy-runs/{run['id']}/rollback", {"reason": "проверка"})
    assert (refused.status, refused.code) == (409, "run-not-rollbackable")


def test_a_first_deploy_before_activation_keeps_the_license_and_the_domain(world: World) -> None:
    key = _key()
    answer = _post(key, _report(world, domain="new.romashka.ru", command="prepare", version=None,
                                previous_version=None, outcome="failed", error="порт 443 занят"))
    assert answer.status == 201, answer.body
    run = answer.body["run"]
    assert (run["installation_id"], run["license_id"], run["domain"], run["kind"], run["error"]) == (
        None, world.license_id, "new.romashka.ru", "prepare", "порт 443 занят")
    shown = as_staff("implementation").get(f"/api/console/deploys/runs/{run['id']}")
    assert (shown.status, shown.body["domain"]) == (200, "new.romashka.ru")


def test_the_signature_is_checked_before_anything_is_stored(world: World) -> None:
    key = _key()
    body = _report(world)
    assert _post(key, body, secret="wrong").code == "signature-invalid"
    stale = _post(key, body, sent=clock.epoch_seconds() - 600)
    assert stale.status == 401, stale.body
    changed = _post(key, body, sent_body={**body, "outcome": "failed"})  # signed, then changed on the way
    assert changed.code == "signature-invalid"
    unsigned = Client().post("/api/external/deploy-runs", body)
    assert unsigned.status == 401
    assert as_staff("auditor").get("/api/console/deploys/runs").body["items"] == []
    assert _post(key, body).status == 201


def test_bad_reports_name_the_field_and_store_nothing(world: World) -> None:
    key = _key()
    cases = {"body.command": {"command": "destroy"}, "body.run_id": {"run_id": "not-a-uuid"},
             "body.license_id": {"license_id": "lic_01JAAAAAAAAAAAAAAAAAAAAAAA"},
             "body.steps": {"steps": [{"step": "pull", "outcome": "ok"}] * 101},
             "body.started_at": {"started_at": "2026-03-01T12:00:00"},
             "body.extra": {"extra": True}}
    for field, change in cases.items():
        answer = _post(key, _report(world, **change))
        assert answer.status == 422, (field, answer.body)
        assert answer.body["errors"][0]["loc"].startswith(field), (field, answer.body["errors"])
    missing_version = _post(key, _report(world, version=None))
    assert missing_version.status == 422
    assert as_staff("auditor").get("/api/console/deploys/runs").body["items"] == []


def test_console_reads_of_reported_runs_follow_the_console_roles(world: World) -> None:
    run = _post(_key(), _report(world)).body["run"]
    path = f"/api/console/deploys/runs/{run['id']}"
    for role in ("admin", "implementation", "developer", "auditor"):
        assert as_staff(role).get(path).status == 200, role
    for role in ("sales", "support", "billing"):
        assert (as_staff(role).get(path).code) == "forbidden-action", role
    assert as_customer(world.org_id).get(path).code == "wrong-area"
