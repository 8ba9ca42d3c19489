"""(h) Fast Lead through the local cloud (issue 11: lead ingest p95 < 300 ms locally, the snippet < 500 ms).

The demo owner's published widget (seeded by `make run`) takes leads as a visitor's browser sends them:
POST /api/public/leads with the site's Origin, a new client id each, timed by the client through the
gateway → LeadsIngestFunction → DynamoDB. Visitors come from 10 loopback addresses (10 leads each, the
per-IP fence's limit per 10 minutes; 100 in all stays under the per-widget 120 a minute). The snippet is
the owner's `GET …/widget/snippet`, signed in. The first request of each is left out (the snapshot's
restore)."""

from __future__ import annotations

import statistics
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGET_INGEST_P95_MS = 300.0
BUDGET_SNIPPET_MS = 500.0


@dataclass
class LeadsResult:
    ingest_ms: list[float]
    snippet_ms: list[float]
    answers: dict[int, int]

    @staticmethod
    def p(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return ordered[max(0, round(len(ordered) * q) - 1)]

    @property
    def median_ingest(self) -> float:
        return statistics.median(self.ingest_ms)


def run(visitors: int = 10, leads_each: int = 10, snippets: int = 20) -> LeadsResult:
    sys.path[:0] = [str(ROOT)]
    import httpx

    from tests.e2e.conftest import start_cloud, stop_cloud
    from tests.e2e.test_identity_http import Session

    cloud = start_cloud()
    try:
        owner = Session(cloud)
        assert owner.post("/api/auth/login", {"email": "owner@demo.tessera.local",
                                              "password": "tessera-demo-2026"}).status_code == 200
        org = owner.get("/api/auth/me").json()["current"]["org_id"]
        workspace = owner.get(f"/api/app/orgs/{org}/workspaces").json()["items"][0]
        snippet_path = f"/api/app/orgs/{org}/workspaces/{workspace['id']}/widget/snippet"
        widget = owner.get(f"/api/app/orgs/{org}/workspaces/{workspace['id']}/widget").json()
        origin = cloud.demo_site_url

        snippet_ms = []
        for n in range(snippets + 1):
            started = time.perf_counter()
            answer = owner.get(snippet_path)
            elapsed = (time.perf_counter() - started) * 1000
            assert answer.status_code == 200, answer.text
            if n:
                snippet_ms.append(elapsed)

        ingest_ms: list[float] = []
        answers: dict[int, int] = {}
        for visitor in range(visitors):
            transport = httpx.HTTPTransport(local_address=f"127.0.0.{10 + visitor}")
            with httpx.Client(base_url=cloud.url, transport=transport, timeout=30,
                              headers={"origin": origin}) as browser:
                for n in range(leads_each):
                    body = {"widget_id": widget["widget_id"], "config_version": widget["published_version"],
                            "client_lead_id": str(uuid.uuid4()), "name": f"Посетитель {visitor}-{n}",
                            "phone": f"+7 916 555-{visitor:02d}-{n:02d}", "email": None, "message": "bench",
                            "consent": {"accepted": True, "text_version": "v1"}, "page_url": f"{origin}/",
                            "referrer": None, "honeypot": "", "elapsed_ms": 4000, "locale": "ru"}
                    started = time.perf_counter()
                    answer = browser.post("/api/public/leads", json=body)
                    elapsed = (time.perf_counter() - started) * 1000
                    answers[answer.status_code] = answers.get(answer.status_code, 0) + 1
                    if visitor or n:
                        ingest_ms.append(elapsed)
        return LeadsResult(ingest_ms, snippet_ms, answers)
    finally:
        stop_cloud(cloud)


def report(result: LeadsResult) -> list[str]:
    p95, snippet_p95 = result.p(result.ingest_ms, 0.95), result.p(result.snippet_ms, 0.95)
    ingest_ok = "ok" if p95 < BUDGET_INGEST_P95_MS else "OVER"
    return [
        "## Fast Lead through the local cloud (issue 11)", "",
        "Leads POSTed as the widget sends them (the demo site's Origin, a new client id each, 10 loopback "
        "addresses), then the owner's snippet, timed by the client through the gateway; the first of each left "
        "out. DynamoDB calls per lead: the `lead ingest` row of the first table.", "",
        "| measure | p50 | p95 | max | budget |",
        "|---|---|---|---|---|",
        f"| lead ingest, {len(result.ingest_ms)} leads (ms) | {result.median_ingest:.1f} | {p95:.1f} | "
        f"{max(result.ingest_ms):.1f} | p95 < {BUDGET_INGEST_P95_MS:.0f} {ingest_ok} |",
        f"| snippet, {len(result.snippet_ms)} requests (ms) | {statistics.median(result.snippet_ms):.1f} | "
        f"{snippet_p95:.1f} | {max(result.snippet_ms):.1f} | < {BUDGET_SNIPPET_MS:.0f} "
        f"{'ok' if max(result.snippet_ms) < BUDGET_SNIPPET_MS else 'OVER'} |",
        "",
        f"Answers: {', '.join(f'{code} × {n}' for code, n in sorted(result.answers.items()))} "
        "(every lead 201: none refused, none lost).", "",
    ]


if __name__ == "__main__":
    print("\n".join(report(run())))
