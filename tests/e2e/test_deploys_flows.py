"""Issue 12's console-started deploy over HTTP through the local cloud, started as `make run` starts it: the
product's CI registers a release over the HMAC-signed POST /api/external/releases, staff start a deploy in the
console API, and the simulated installation — clients/agent/examples/simulate_deploys.py, the command the
banner prints — takes the deploy machine's commands from /api/agent/*. A version that heartbeats succeeds;
one that never heartbeats is rolled back automatically once the heartbeat deadline passes (30 s on the local
cloud: DeployHeartbeatTimeoutSeconds in infra/local/parameters.json)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tessera.billing.integrations import signature
from tests.e2e.conftest import ROOT, RunningCloud, platform_now
from tests.e2e.test_billing_flows import PATIENT, _admin
from tests.e2e.test_identity_http import Session, new_customer
from tests.e2e.test_notify import wait_for

sys.path.insert(0, str(ROOT / "clients" / "agent"))

from tessera_agent import Agent

DOMAIN = "budget.deploys-e2e.ru"
SIMULATOR = ROOT / "clients" / "agent" / "examples" / "simulate_deploys.py"
ENDED = {"succeeded", "rolled_back", "failed", "rollback_failed"}


def _register_release(cloud: RunningCloud, admin: Session, version: str) -> dict[str, Any]:
    """As the product's CI does: signed with an integration key staff created in the console."""
    credential = admin.post("/api/console/integrations/credentials", {"name": f"CI: e2e {version}"}).json()
    body = json.dumps({"version": version, "channel": "stable", "git_sha": "0123456789abcdef",
                       "changelog": f"- e2e {version}", "images": {
                           "backend": f"registry.example/backend:v{version}@sha256:{'ab' * 32}",
                           "frontend": f"registry.example/frontend:v{version}@sha256:{'cd' * 32}"}}).encode()
    sent = str(int(platform_now(cloud).timestamp()))
    answer = httpx.post(f"{cloud.url}/api/external/releases", content=body, timeout=PATIENT, headers={
        "content-type": "application/json", "x-tessera-key": credential["credential"]["id"],
        "x-tessera-timestamp": sent, "x-tessera-signature": signature(credential["secret"], sent, body)})
    assert answer.status_code == 201, answer.text
    return dict(answer.json()["release"])


@contextmanager
def _simulated_agent(cloud: RunningCloud, key: str, state: Path, version: str, *flags: str) -> Iterator[None]:
    agent = subprocess.Popen(
        [sys.executable, str(SIMULATOR), "--portal", cloud.url, "--license-key", key, "--domain", DOMAIN,
         "--state", str(state), "--version", version, "--every", "1", *flags],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        agent.terminate()
        agent.wait(timeout=10)


def _installation(admin: Session, installation_id: str) -> dict[str, Any]:
    """The installation as the console shows it; {} until its agent has polled once (404)."""
    answer = admin.get(f"/api/console/installations/{installation_id}")
    assert answer.status_code in (200, 404), answer.text
    return dict(answer.json()) if answer.status_code == 200 else {}


def _deploy(admin: Session, installation_id: str, version: str, seconds: float) -> dict[str, Any]:
    started = admin.post(f"/api/console/installations/{installation_id}/deploys",
                         {"version": version, "reason": "плановое обновление (e2e)"})
    assert started.status_code == 202, started.text
    run_id = started.json()["id"]

    def ended() -> dict[str, Any] | None:
        answer = admin.get(f"/api/console/deploys/runs/{run_id}")
        if answer.status_code == 429:  # staff's per-user rate limit: this poll and the browser test share the admin
            return None
        run = answer.json()
        return dict(run) if run["state"] in ENDED else None

    return dict(wait_for(ended, seconds))


def test_a_console_deploy_succeeds_and_a_silent_new_version_is_rolled_back(cloud: RunningCloud,
                                                                           tmp_path: Path) -> None:
    admin = _admin(cloud)
    _, org = new_customer(cloud, "deploys.e2e@example.com", "ООО «Развёртывание»")
    issued = admin.post("/api/console/licenses", {"org_id": org, "plan": "enterprise", "starts_on": "2026-01-01",
                                                  "ends_on": "2030-12-31", "domain": DOMAIN, "version_min": "4.0"})
    assert issued.status_code == 201, issued.text
    key, state = issued.json()["license_key"], tmp_path / "agent-state.json"
    jwks = httpx.get(f"{cloud.url}/api/licenses/jwks.json").json()
    activation = Agent(cloud.url, key, state, jwks, domain=DOMAIN, timeout=60.0).activate(
        "deploys-e2e-server-0001", "4.2.0", ["core"])
    assert activation["activated"], activation
    installation_id = activation["installation_id"]
    assert _register_release(cloud, admin, "4.5.0")["version"] == "4.5.0"
    assert _register_release(cloud, admin, "4.6.0")["version"] == "4.6.0"

    with _simulated_agent(cloud, key, state, "4.2.0"):
        wait_for(lambda: _installation(admin, installation_id).get("current_version") == "4.2.0", 60)
        run = _deploy(admin, installation_id, "4.5.0", 180)
    assert run["state"] == "succeeded", run
    assert (run["version"], run["previous_version"]) == ("4.5.0", "4.2.0")
    steps = [(s["step"], s["outcome"]) for s in run["steps"]]
    assert ("deploy", "ok") in steps and ("heartbeat", "ok") in steps and steps[-1] == ("done", "succeeded"), steps
    assert _installation(admin, installation_id)["current_version"] == "4.5.0"

    with _simulated_agent(cloud, key, state, "4.5.0", "--never-heartbeat"):
        run = _deploy(admin, installation_id, "4.6.0", 240)
    assert run["state"] == "rolled_back", run
    steps = [(s["step"], s["outcome"]) for s in run["steps"]]
    assert ("heartbeat", "expired") in steps and ("rollback", "ok") in steps, steps
    assert _installation(admin, installation_id)["current_version"] == "4.5.0"
