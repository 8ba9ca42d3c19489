"""Deploys' routes: who may call each console route, the agent's signature, release registration by the
product's CI (signed with an integration key), and the starts queue's concurrency limit."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tessera.core import clock
from tessera.core.crypto import LocalSigner, jws_sign
from tests.integration.deploys.conftest import RELEASE, World, portal
from tests.integration.notify.conftest import as_customer, as_staff
from tests.integration.stack import Client

READ_ROLES = {"admin", "implementation", "developer", "auditor"}
RUN_ROLES = {"admin", "implementation", "developer"}
ALL_ROLES = ("admin", "sales", "implementation", "support", "billing", "developer", "auditor")


def console_routes(world: World) -> list[tuple[str, str, Any, set[str]]]:
    ins = world.installation.id
    run = "dep_01JAAAAAAAAAAAAAAAAAAAAAAA"
    return [("GET", "/api/console/releases", None, READ_ROLES),
            ("GET", "/api/console/releases/4.3.0", None, READ_ROLES),
            ("GET", "/api/console/installations", None, READ_ROLES),
            ("GET", f"/api/console/installations/{ins}", None, READ_ROLES),
            ("GET", "/api/console/deploys/runs", None, READ_ROLES),
            ("GET", f"/api/console/deploys/runs/{run}", None, READ_ROLES),
            ("POST", f"/api/console/installations/{ins}/deploys", {"version": "4.9.9", "reason": "проверка"},
             RUN_ROLES),
            ("POST", f"/api/console/deploy-runs/{run}/rollback", {"reason": "проверка"}, RUN_ROLES)]


def test_every_console_route_answers_by_role_and_never_to_customers(world: World) -> None:
    for method, path, body, allowed in console_routes(world):
        for role in ALL_ROLES:
            answer = as_staff(role).call(method, path, body)
            if role in allowed:
                assert answer.status not in (401, 403), (method, path, role, answer.body)
            else:
                assert (answer.status, answer.code) == (403, "forbidden-action"), (method, path, role, answer.body)
        outsider = as_customer(world.org_id).call(method, path, body)
        assert (outsider.status, outsider.code) == (403, "wrong-area"), (method, path)
        assert Client().call(method, path, body).status in (401, 403)


def test_console_reads(world: World) -> None:
    auditor = as_staff("auditor")
    releases = auditor.get("/api/console/releases", query={"channel": "stable"}).body["items"]
    assert [r["version"] for r in releases] == ["4.3.0"] and releases[0]["images"] == RELEASE["images"]
    assert auditor.get("/api/console/releases", query={"channel": "beta"}).body["items"] == []
    assert auditor.get("/api/console/releases/9.9.9").status == 404
    listed = auditor.get("/api/console/installations").body["items"]
    assert [(i["id"], i["current_version"], i["target_version"]) for i in listed] == [
        (world.installation.id, "4.2.0", None)]
    assert auditor.get("/api/console/installations/ins_AAAAAAAAAAAAAAAAAAAAAAAAAA").code == "installation-unknown"
    bad = auditor.get("/api/console/deploys/runs", query={"state": "maybe"})
    assert (bad.status, bad.code) == (422, "validation-failed")


# --- the agent's signature --------------------------------------------------------------------------

def test_the_agent_api_needs_the_installations_signature(world: World) -> None:
    unsigned = Client().get("/api/agent/commands")
    assert (unsigned.status, unsigned.code) == (401, "agent-unauthenticated")
    state = world.installation.state
    poller = world.poller()
    headers = {k.lower(): v for k, v in poller._headers("GET", "/api/agent/commands", b"").items()}
    assert Client().get("/api/agent/commands", headers=headers).status == 200
    # the same signature on another path, or a copied certificate signed by another key
    other_path = Client().post("/api/agent/commands/cmd_01JAAAAAAAAAAAAAAAAAAAAAAA_deploy/result",
                               {"ok": True}, headers=headers)
    assert (other_path.status, other_path.code) == (401, "agent-unauthenticated")
    claims = {"typ": "agent-request+jws", "ins": state.installation_id, "lic": world.license_id, "method": "GET",
              "path": "/api/agent/commands", "iat": clock.epoch_seconds(),
              "body_sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}
    forged = jws_sign(claims, LocalSigner.generate(), kid=state.installation_id)
    copied = Client().get("/api/agent/commands", headers={"x-tessera-certificate": state.certificate,
                                                          "x-tessera-signature": forged})
    assert copied.status == 401
    stale = jws_sign({**claims, "iat": clock.epoch_seconds() - 600}, world.installation.signer,
                     kid=state.installation_id)
    late = Client().get("/api/agent/commands", headers={"x-tessera-certificate": state.certificate,
                                                        "x-tessera-signature": stale})
    assert (late.status, late.code) == (401, "agent-clock-skew")


def test_a_report_for_a_command_that_is_not_this_installations_is_404(world: World) -> None:
    with pytest.raises(Exception, match="404"):
        portal("POST", "https://portal.test/api/agent/commands/cmd_01JAAAAAAAAAAAAAAAAAAAAAAA_deploy/result",
               json.dumps({"ok": True}).encode(),
               world.poller()._headers("POST", "/api/agent/commands/cmd_01JAAAAAAAAAAAAAAAAAAAAAAA_deploy/result",
                                       json.dumps({"ok": True}).encode()))


# --- releases from the product's CI -----------------------------------------------------------------

def _ci(world: World) -> tuple[str, str]:
    key = as_staff("admin").post("/api/console/integrations/credentials", {"name": "CI продукта"})
    assert key.status == 201, key.body
    return key.body["credential"]["id"], key.body["secret"]


def _signed(key: tuple[str, str], body: dict[str, Any], secret: str | None = None) -> Any:
    from tessera.billing.integrations import signature

    raw = json.dumps(body, ensure_ascii=False)
    sent = str(clock.epoch_seconds())
    return Client().post("/api/external/releases", raw_body=raw, headers={
        "x-tessera-key": key[0], "x-tessera-timestamp": sent,
        "x-tessera-signature": signature(secret or key[1], sent, raw.encode())})


def test_the_products_ci_registers_a_release_once(world: World) -> None:
    key = _ci(world)
    beta = {**RELEASE, "version": "4.3.1", "channel": "beta"}
    first = _signed(key, beta)
    assert (first.status, first.body["created"], first.body["release"]["registered_by"]) == (201, True, key[0])
    again = _signed(key, beta)
    assert (again.status, again.body["created"]) == (200, False)
    changed = _signed(key, {**beta, "git_sha": "fedcba9876543210"})
    assert (changed.status, changed.code) == (409, "release-conflict")
    assert _signed(key, beta, secret="wrong").code == "signature-invalid"
    unpinned = _signed(key, {**beta, "version": "4.3.2", "images": {"backend": "registry.example/backend:v4.3.2"}})
    assert unpinned.status == 422 and unpinned.body["errors"][0]["loc"].startswith("body.images")
    versions = [r["version"] for r in as_staff("auditor").get("/api/console/releases").body["items"]]
    assert versions == ["4.3.1", "4.3.0"]


# --- the starts queue --------------------------------------------------------------------------------

def test_fifty_starts_run_at_most_the_limit_at_once_and_none_is_lost(world: World) -> None:
    """50 queued runs (each the only run of its installation), DEPLOY_MAX_RUNNING=3: the worker starts
    three, the rest come back until a slot is free; every run ends (here refused by validation: no agent
    needed) and the slots are all given back."""
    import time

    import boto3

    from tessera.core.dynamo import transaction
    from tessera.core.ids import new_id
    from tessera.deploys import repository, service
    from tessera.deploys.records import DeployRunRecord

    sqs, url = boto3.client("sqs"), service.get_settings(service.DeploySettings).starts_queue_url
    runs = []
    for n in range(50):
        run_id, installation_id = new_id("dep"), f"ins_{n:026d}"
        repository.agent_seen(installation_id, world.license_id, clock.now())
        with transaction() as tx:
            repository.add_new_run(tx, DeployRunRecord(
                pk=f"RUN#{run_id}", sk="RUN", run_id=run_id, kind="deploy", installation_id=installation_id,
                license_id=world.license_id, org_id=world.org_id, version="9.9.9", previous_version="4.2.0",
                reason="нагрузка", state="queued", requested_by="usr_test", created_at=clock.now(), steps=[]))
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"run_id": run_id}))
        runs.append(run_id)
    most, started = 0, time.monotonic()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        world.drain_starts()
        states = [repository.find_run(r).state for r in runs]  # type: ignore[union-attr]
        most = max(most, states.count("running"), repository.running_slots())
        if all(s == "failed" for s in states):
            break
        time.sleep(0.2)
    assert all(repository.find_run(r).state == "failed" for r in runs)  # type: ignore[union-attr]
    assert 1 <= most <= 3 and repository.running_slots() == 0
    if os.environ.get("DEPLOY_BENCH_OUT"):  # bench/deploys.py records what this run saw
        Path(os.environ["DEPLOY_BENCH_OUT"]).write_text(json.dumps(
            {"runs": len(runs), "ended": len(runs), "limit": 3, "most_running": most,
             "seconds": round(time.monotonic() - started, 1)}))
