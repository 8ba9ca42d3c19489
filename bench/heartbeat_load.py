"""(f) A local load run of concurrent heartbeats through the local cloud: gateway → heartbeat function →
SQS → worker → DynamoDB, by installations using the SDK.

Each installation sends its heartbeats one after another (as the SDK does), all installations at once.
Then the run waits until the worker has drained the queue and checks, per installation, that the
recorded count equals what it sent and the newest sequence number is the last one: every heartbeat
recorded once, none lost, none twice."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class LoadResult:
    installations: int
    per_installation: int
    accepted: int
    refused: int
    recorded: int
    lost: int
    duplicated: int
    send_seconds: float
    drain_seconds: float
    latency_ms_p50: float
    latency_ms_p95: float

    @property
    def sent(self) -> int:
        return self.installations * self.per_installation


def run(installations: int = 16, per_installation: int = 25) -> LoadResult:
    sys.path[:0] = [str(ROOT), str(ROOT / "clients" / "agent")]
    import httpx
    from tessera_agent import Agent

    from tests.e2e.conftest import start_cloud, stop_cloud
    from tests.e2e.test_identity_http import new_customer
    from tests.e2e.test_licensing_sdk import console_admin

    cloud = start_cloud()
    try:
        admin = console_admin(cloud)
        _, org = new_customer(cloud, "load.customer@example.com", "ООО «Нагрузка»")
        issued = admin.post("/api/console/licenses", {
            "org_id": org, "plan": "enterprise", "starts_on": "2026-01-01", "ends_on": "2030-12-31",
            "domain": "budget.load.ru", "version_min": "4.0"})
        issued.raise_for_status()
        key, license_id = issued.json()["license_key"], issued.json()["license"]["id"]
        jwks = httpx.get(f"{cloud.url}/api/licenses/jwks.json").json()
        workdir = Path(tempfile.mkdtemp(prefix="tessera-load-"))
        agents = []
        for n in range(installations):
            agent = Agent(cloud.url, key, workdir / f"state-{n}.json", jwks, domain="budget.load.ru")
            answer = agent.activate(f"load-server-{n:04d}-0000000000", "4.2.0", ["core"])
            assert answer["activated"], answer
            agents.append(agent)
        modules = agents[0].verify().modules

        def beat(agent: Agent) -> tuple[int, int, list[float]]:
            accepted = refused = 0
            latencies = []
            for users in range(per_installation):
                started = time.perf_counter()
                answer = agent.heartbeat({"users": users}, modules, "4.2.0")
                latencies.append((time.perf_counter() - started) * 1000)
                accepted, refused = (accepted + 1, refused) if answer.get("accepted") else (accepted, refused + 1)
            return accepted, refused, latencies

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=installations) as pool:
            results = list(pool.map(beat, agents))
        send_seconds = time.perf_counter() - started
        accepted = sum(r[0] for r in results)
        latencies = sorted(x for r in results for x in r[2])

        def recorded() -> list[dict[str, Any]]:
            rows: list[dict[str, Any]] = admin.get(f"/api/console/licenses/{license_id}/activations").json()["items"]
            return rows

        deadline = time.monotonic() + 300
        rows = recorded()
        while sum(r["heartbeats"] for r in rows) < accepted and time.monotonic() < deadline:
            time.sleep(0.5)
            rows = recorded()
        drain_seconds = time.perf_counter() - started - send_seconds
        total = sum(r["heartbeats"] for r in rows)
        lost = sum(max(0, per_installation - r["heartbeats"]) for r in rows)
        duplicated = sum(max(0, r["heartbeats"] - per_installation) for r in rows)
        return LoadResult(installations, per_installation, accepted, sum(r[1] for r in results), total, lost,
                          duplicated, send_seconds, drain_seconds, statistics.median(latencies),
                          latencies[int(len(latencies) * 0.95) - 1])
    finally:
        stop_cloud(cloud)


def report(result: LoadResult) -> list[str]:
    verdict = "ok" if result.lost == 0 and result.duplicated == 0 and result.accepted == result.sent else "FAILED"
    return [
        "## Local load run of concurrent heartbeats", "",
        f"{result.installations} SDK installations × {result.per_installation} signed heartbeats each, all "
        "installations at once, through the local cloud (gateway → heartbeat function → SQS → worker → DynamoDB, "
        "one process per function as Lambda runs them, on this machine).", "",
        "| sent | accepted | recorded | lost | recorded twice | send throughput | end-to-end throughput | "
        "latency p50 / p95 | verdict |",
        "|---|---|---|---|---|---|---|---|---|",
        f"| {result.sent} | {result.accepted} | {result.recorded} | {result.lost} | {result.duplicated} | "
        f"{result.accepted / result.send_seconds:.0f} /s | "
        f"{result.recorded / (result.send_seconds + result.drain_seconds):.0f} /s | "
        f"{result.latency_ms_p50:.1f} / {result.latency_ms_p95:.1f} ms | {verdict} |", ""]


if __name__ == "__main__":
    print("\n".join(report(run())))
