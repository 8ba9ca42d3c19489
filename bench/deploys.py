"""(i) Deploys (issue 12: a rollback end to end < 15 min; 50 parallel deploys through the queue, none lost, the
concurrency limit held).

Rollback: through the local cloud as `make run` starts it, the e2e flow of tests/e2e/test_deploys_flows.py —
a release registered over the signed endpoint, a console deploy, the simulated installation
(clients/agent/examples/simulate_deploys.py) answering the machine's commands — once with a version that
heartbeats and once with one that never does. The heartbeat deadline is 30 s locally (15 min on AWS:
DeployHeartbeatTimeoutSeconds); the run's own steps time the rest.

Parallel: tests/integration/deploys/test_api.py's 50 queued starts with DEPLOY_MAX_RUNNING=3 on moto (the
starts worker and the real ASL), which writes what it saw to DEPLOY_BENCH_OUT."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BUDGET_ROLLBACK_SECONDS = 15 * 60


def _seconds(run: dict[str, Any], first: str, last: str) -> float:
    """From the first step named `first` to the last named `last`."""
    at = [(s["step"], datetime.fromisoformat(s["at"])) for s in run["steps"]]
    start = next(when for step, when in at if step == first)
    end = next(when for step, when in reversed(at) if step == last)
    return (end - start).total_seconds()


def rollback(tmp: Path) -> dict[str, Any]:
    sys.path[:0] = [str(ROOT)]
    import httpx
    from tessera_agent import Agent

    from tests.e2e import test_deploys_flows as flow
    from tests.e2e.conftest import start_cloud, stop_cloud
    from tests.e2e.test_billing_flows import _admin
    from tests.e2e.test_identity_http import new_customer
    from tests.e2e.test_notify import wait_for

    cloud = start_cloud()
    try:
        admin = _admin(cloud)
        _, org = new_customer(cloud, "deploys.bench@example.com", "ООО «Бенч развёртываний»")
        issued = admin.post("/api/console/licenses", {"org_id": org, "plan": "enterprise", "starts_on": "2026-01-01",
                                                      "ends_on": "2030-12-31", "domain": flow.DOMAIN,
                                                      "version_min": "4.0"}).json()
        key, state = issued["license_key"], tmp / "agent-state.json"
        jwks = httpx.get(f"{cloud.url}/api/licenses/jwks.json").json()
        installation = Agent(cloud.url, key, state, jwks, domain=flow.DOMAIN, timeout=60.0).activate(
            "deploys-bench-server-01", "4.2.0", ["core"])["installation_id"]
        for version in ("4.5.0", "4.6.0"):
            flow._register_release(cloud, admin, version)
        with flow._simulated_agent(cloud, key, state, "4.2.0"):
            wait_for(lambda: flow._installation(admin, installation).get("current_version") == "4.2.0", 60)
            good = flow._deploy(admin, installation, "4.5.0", 180)
        with flow._simulated_agent(cloud, key, state, "4.5.0", "--never-heartbeat"):
            silent = flow._deploy(admin, installation, "4.6.0", 240)
        with flow._simulated_agent(cloud, key, state, "4.5.0"):  # a person rolls the good deploy back to 4.2.0
            started = admin.post(f"/api/console/deploy-runs/{good['id']}/rollback", {"reason": "бенчмарк отката"})
            assert started.status_code == 202, started.text
            person = wait_for(lambda: (lambda r: r if r["state"] in flow.ENDED else None)(
                admin.get(f"/api/console/deploys/runs/{started.json()['id']}").json()), 240)
        return {"good": good, "silent": silent, "person": person}
    finally:
        stop_cloud(cloud)


def parallel(tmp: Path) -> dict[str, Any]:
    out = tmp / "parallel.json"
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider",
                    "tests/integration/deploys/test_api.py::test_fifty_starts_run_at_most_the_limit_at_once_and_none_is_lost"],
                   cwd=ROOT, env={**os.environ, "DEPLOY_BENCH_OUT": str(out)}, check=True, capture_output=True)
    return dict(json.loads(out.read_text()))


def report(rolled: dict[str, Any], fifty: dict[str, Any]) -> list[str]:
    good, silent, person = rolled["good"], rolled["silent"], rolled["person"]
    total = _seconds(silent, "validate", "done")
    automatic = _seconds(silent, "rollback", "done")
    by_hand = _seconds(person, "validate", "done")
    return [
        "## Deploys (issue 12)", "",
        "Through the local cloud with the simulated installation (heartbeat deadline 30 s locally, 15 min on AWS); "
        "times from the run's own steps.", "",
        "| run | outcome | seconds | budget |", "|---|---|---|---|",
        f"| deploy 4.2.0 → 4.5.0, validate → done | {good['state']} | {_seconds(good, 'validate', 'done'):.1f} | |",
        f"| deploy 4.5.0 → 4.6.0 that never heartbeats, validate → done | {silent['state']} | {total:.1f} "
        "(the 30 s deadline included; 15 min on AWS) | |",
        f"| … its automatic rollback, rollback step → done | {silent['state']} | {automatic:.1f} | "
        f"< {BUDGET_ROLLBACK_SECONDS} {'ok' if automatic < BUDGET_ROLLBACK_SECONDS else 'OVER'} |",
        f"| a person's rollback 4.5.0 → 4.2.0, validate → done | {person['state']} | {by_hand:.1f} | "
        f"< {BUDGET_ROLLBACK_SECONDS} {'ok' if by_hand < BUDGET_ROLLBACK_SECONDS else 'OVER'} |",
        "",
        f"50 parallel starts, limit {fifty['limit']}: {fifty['ended']} of {fifty['runs']} ended (none lost), at most "
        f"{fifty['most_running']} running at once (limit held), {fifty['seconds']} s on moto.", "",
    ]


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        print("\n".join(report(rollback(Path(tmp)), parallel(Path(tmp)))))
