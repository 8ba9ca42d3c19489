"""(g) SnapStart in the local cloud, per API function: the init (importing the handler and the
before-snapshot hooks, once per snapshot), the first request of a restored worker (fork, after-restore
hooks and the request) and the warm p50, each as the invoker measures the function's invocation for a
request sent through the gateway. Budget (issue 9): the first restored request ≤ warm p50 + 50 ms.

The cloud runs in this process (template.yaml with the demo data), so the bench can retire a function's
warm workers between rounds: the next request then gets a newly restored worker."""

from __future__ import annotations

import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BUDGET_MS = 50.0


@dataclass
class SnapFigures:
    function: str
    request: str
    init_ms: float
    restore_hooks_ms: float
    first_ms: list[float]  # the first request of each restored worker
    warm_ms: list[float]

    @property
    def first_p50(self) -> float:
        return statistics.median(self.first_ms)

    @property
    def warm_p50(self) -> float:
        return statistics.median(self.warm_ms)

    @property
    def within_budget(self) -> bool:
        return self.first_p50 <= self.warm_p50 + BUDGET_MS


def _scenarios(cloud: Any) -> dict[str, tuple[str, Callable[[], Any]]]:
    """Function → (the request, one call of it), with what the requests need set up first."""
    sys.path[:0] = [str(ROOT), str(ROOT / "clients" / "agent")]
    import httpx
    from tessera_agent import Agent

    from tests.e2e.conftest import demo_admin_code
    from tests.e2e.test_identity_http import Session

    gateway = SimpleNamespace(url=cloud.gateway_url)
    admin = Session(gateway)
    admin.http.timeout = httpx.Timeout(60)  # the first calls also initialise snapshots, on a shared machine
    step = admin.post("/api/auth/login", {"email": "admin@tessera.local", "password": "tessera-demo-2026",
                                          "audience": "console"}).json()
    admin.post("/api/auth/login/mfa", {"mfa_token": step["mfa_token"], "code": demo_admin_code(gateway)}
               ).raise_for_status()
    org = admin.get("/api/console/customers").json()["items"][0]["id"]  # a demo customer
    issued = admin.post("/api/console/licenses", {
        "org_id": org, "plan": "enterprise", "starts_on": "2026-01-01", "ends_on": "2030-12-31",
        "domain": "budget.snap.ru", "version_min": "4.0"})
    issued.raise_for_status()
    public = httpx.Client(base_url=cloud.gateway_url, timeout=60)
    jwks = public.get("/api/licenses/jwks.json").json()
    agent = Agent(cloud.gateway_url, issued.json()["license_key"], Path(tempfile.mkdtemp()) / "state.json", jwks,
                  domain="budget.snap.ru", timeout=60, clock=lambda: cloud.clock.now().timestamp())
    assert agent.activate("snapstart-bench-server", "4.2.0", ["core"])["activated"]
    modules = agent.verify().modules
    beats = iter(range(10**6))

    def console(path: str) -> Callable[[], Any]:
        return lambda: admin.get(path).raise_for_status()

    return {
        "HealthFunction": ("GET /api/health", lambda: public.get("/api/health").raise_for_status()),
        "AuthFunction": ("GET /api/auth/me", console("/api/auth/me")),
        "AuthorizerFunction": ("GET /api/console/licenses (its authorizer)", console("/api/console/licenses")),
        "IdentityApiFunction": ("GET /api/console/staff", console("/api/console/staff")),
        "BackofficeApiFunction": ("GET /api/console/access-grants", console("/api/console/access-grants")),
        "AuditApiFunction": ("GET /api/console/audit", console("/api/console/audit")),
        "AccountsApiFunction": ("GET /api/console/customers", console("/api/console/customers")),
        "LicensingApiFunction": ("GET /api/console/licenses", console("/api/console/licenses")),
        "NotifyApiFunction": ("GET /api/console/notifications/preferences",
                              console("/api/console/notifications/preferences")),
        "LicenseStatusFunction": ("GET /api/licenses/{license_key}", agent.check),
        "LicenseActivateFunction": ("POST /api/licenses/activate (again)",
                                    lambda: agent.activate("snapstart-bench-server", "4.2.0", ["core"])),
        "LicenseHeartbeatFunction": ("POST /api/licenses/heartbeat",
                                     lambda: agent.heartbeat({"users": next(beats) % 50}, modules, "4.2.0")),
    }


def run(restores: int = 5, warm: int = 20) -> list[SnapFigures]:
    from localcloud.cloud import CloudConfig, LocalCloud
    from localcloud.demo import load
    from localcloud.template import local_parameters

    cloud = LocalCloud(CloudConfig(
        template=ROOT / "template.yaml", root=ROOT, port=0, aws_port=0, seed=load,
        parameter_overrides=local_parameters(ROOT, "http://127.0.0.1:8080"), log=lambda _line: None,
        state_dir=Path(tempfile.mkdtemp(prefix="tessera-snap-")),
    ))
    cloud.start()
    invoker = cloud.invoker
    seen: list[tuple[str, bool, float]] = []
    invoke = invoker.invoke

    def recording(function: str, payload: Any = None, **kwargs: Any) -> Any:
        result = invoke(function, payload, **kwargs)
        seen.append((invoker.resolve(function), result.cold_start, result.duration_ms))
        return result

    invoker.invoke = recording  # type: ignore[method-assign]
    try:
        figures = []
        for function, (request, call) in _scenarios(cloud).items():

            def durations(cold: bool, send: Callable[[], Any] = call, target: str = function) -> float:
                del seen[:]
                send()
                return next(ms for logical, was_cold, ms in seen if logical == target and was_cold == cold)

            cloud.clock.advance(60)  # a new minute of the staff API's per-user rate limit (100 a minute)
            call()  # the snapshot exists before the first measured restore
            first, hot = [], []
            for _ in range(restores):
                invoker.recycle(function)
                first.append(durations(cold=True))
                hot += [durations(cold=False) for _ in range(warm // restores)]
            stats = invoker.stats()[function]
            figures.append(SnapFigures(function, request, stats["init_ms"], stats["restore_ms"], first, hot))
        return figures
    finally:
        invoker.invoke = invoke  # type: ignore[method-assign]
        cloud.stop()


def report(figures: list[SnapFigures]) -> list[str]:
    lines = ["## SnapStart in the local cloud (restored workers)", "",
             "Per API function, in the local cloud with the demo data: its init (import and before-snapshot hooks, "
             "once per snapshot), the first request of a newly restored worker (fork, after-restore hooks, "
             f"request; median of {len(figures[0].first_ms) if figures else 0}) and the warm p50, as the invoker "
             "times the function's invocation of a request sent through the gateway.", "",
             "| function | request | init | after-restore hooks | first request, restored | warm p50 | budget |",
             "|---|---|---|---|---|---|---|"]
    for f in figures:
        verdict = "ok" if f.within_budget else "OVER"
        lines.append(f"| {f.function} | {f.request} | {f.init_ms:.0f} ms | {f.restore_hooks_ms:.1f} ms | "
                     f"{f.first_p50:.1f} ms (max {max(f.first_ms):.1f}) | {f.warm_p50:.1f} ms | "
                     f"≤ p50 + {BUDGET_MS:.0f} ms {verdict} |")
    return [*lines, ""]


if __name__ == "__main__":
    print("\n".join(report(run())))
