"""(g) Audit under concurrent writers (issue 9's budget: 50 concurrent writers in 50 organisations → 0 retries
and 0 503 caused by the audit; every event chained once), through the local cloud: 50 customers, each in
its own organisation, all invite a teammate at the same moment (a change and its audit event in one
transaction). Then the run waits for the chainer (the audit table's stream → AuditChainFunction) and
reads every chain of those organisations: each event once, seq 1…n without a gap, none left unchained;
and a verification job started from the console walks them."""

from __future__ import annotations

import contextlib
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class AuditResult:
    writers: int
    statuses: dict[int, int]
    audit_busy: int
    latency_ms_p50: float
    latency_ms_p95: float
    chain_seconds: float  # from the last answer until every event was chained
    events: int
    chained_once: int
    chained_twice: int
    unchained: int
    gaps: int
    verification: str


def run(writers: int = 50) -> AuditResult:
    sys.path[:0] = [str(ROOT)]
    import boto3
    import httpx

    from localcloud.cloud import FAKE_CREDENTIALS
    from tests.e2e.conftest import start_cloud, stop_cloud
    from tests.e2e.test_identity_http import PASSWORD, Session, link
    from tests.e2e.test_licensing_sdk import console_admin

    def customer(n: int) -> tuple[Session, str]:
        """Signed up, confirmed and signed in, as tests.e2e's new_customer, with room for bcrypt on a busy machine."""
        person, email = Session(cloud), f"audit.load.{n}@example.com"
        person.http.timeout = httpx.Timeout(120)
        person.post("/api/auth/register", {"email": email, "password": PASSWORD, "name": "Клиент",
                                           "company": f"ООО «Аудит {n}»"})
        person.post("/api/auth/confirm", {"token": link(cloud, email, "/app/confirm?token=").split("token=")[1]})
        person.post("/api/auth/login", {"email": email, "password": PASSWORD})
        return person, person.get("/api/auth/me").json()["current"]["org_id"]

    cloud = start_cloud()
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:  # sign-ups cost bcrypt: two at a time
            customers = list(pool.map(customer, range(writers)))
        start = threading.Barrier(writers)

        def invite(customer: tuple[Any, str]) -> tuple[int, str | None, float]:
            session, org = customer
            start.wait()
            started = time.perf_counter()
            answer = session.post(f"/api/app/orgs/{org}/invites", {"email": f"mate.{org}@example.com",
                                                                   "role": "analyst"})
            code = answer.json().get("code") if answer.status_code >= 400 else None
            return answer.status_code, code, (time.perf_counter() - started) * 1000

        with ThreadPoolExecutor(max_workers=writers) as pool:
            answers = list(pool.map(invite, customers))
        answered = time.perf_counter()
        latencies = sorted(a[2] for a in answers)

        aws = boto3.Session(aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                            aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                            region_name=FAKE_CREDENTIALS["AWS_REGION"])
        names = aws.client("dynamodb", endpoint_url=cloud.aws_url).list_tables()["TableNames"]
        table = aws.resource("dynamodb", endpoint_url=cloud.aws_url).Table(next(t for t in names if "AuditTable" in t))
        orgs = [org for _, org in customers]

        def partition(org: str) -> list[dict[str, Any]]:
            items: list[dict[str, Any]] = []
            query: dict[str, Any] = {"KeyConditionExpression": "pk = :pk", "ConsistentRead": True,
                                     "ExpressionAttributeValues": {":pk": f"CHAIN#{org}"}}
            while True:
                page = table.query(**query)
                items += page["Items"]
                if "LastEvaluatedKey" not in page:
                    return items
                query["ExclusiveStartKey"] = page["LastEvaluatedKey"]

        def pending() -> int:
            return sum(1 for org in orgs for item in partition(org)
                       if item["sk"].startswith("NEW#") and "chained_seq" not in item)

        deadline = time.monotonic() + 300
        while pending() and time.monotonic() < deadline:
            time.sleep(0.5)
        chain_seconds = time.perf_counter() - answered

        ids: Counter[str] = Counter()
        gaps = 0
        for org in orgs:
            seqs = sorted(int(item["seq"]) for item in partition(org) if item["sk"].isdigit())
            gaps += seqs != list(range(1, len(seqs) + 1))
            ids.update(item["id"] for item in partition(org) if item["sk"].isdigit())
        written = {item["id"] for org in orgs for item in partition(org)
                   if item["sk"].isdigit() or ("chained_seq" not in item and item["sk"].startswith("NEW#"))}

        admin = console_admin(cloud)
        job = admin.post("/api/console/audit/verify").json()
        while job.get("status") != "done" and time.monotonic() < deadline:
            time.sleep(0.5)
            job = admin.get(f"/api/console/audit/verify/{job['id']}").json()
        result = job.get("result") or {}
        return AuditResult(
            writers=writers, statuses=dict(Counter(a[0] for a in answers)),
            audit_busy=sum(1 for a in answers if a[1] == "audit-busy"),
            latency_ms_p50=statistics.median(latencies), latency_ms_p95=latencies[int(len(latencies) * 0.95) - 1],
            chain_seconds=chain_seconds, events=len(written), chained_once=sum(1 for n in ids.values() if n == 1),
            chained_twice=sum(1 for n in ids.values() if n > 1), unchained=pending(), gaps=gaps,
            verification=f"{result.get('code')} ({result.get('checked')} events checked)")
    finally:
        with contextlib.suppress(subprocess.TimeoutExpired):  # 50 warm workers may take longer than it waits
            stop_cloud(cloud)


def report(result: AuditResult) -> list[str]:
    unavailable = result.statuses.get(503, 0)
    ok = (unavailable == 0 and result.audit_busy == 0 and result.chained_twice == 0 and result.unchained == 0
          and result.gaps == 0 and result.chained_once == result.events)
    return [
        "## Audit under concurrent writers", "",
        f"{result.writers} customers, each in its own organisation, invite a teammate at the same moment through "
        "the local cloud (the change and its audit event in one transaction, no read). Then the chainer "
        "(the audit table's stream) chains every event of those organisations, and a verification job walks "
        "them.", "",
        "| writers | answers | 503 | audit-busy | latency p50 / p95 | chained within | events | chained once | "
        "twice | unchained | seq gaps | verification | budget |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        f"| {result.writers} | {', '.join(f'{k} × {v}' for k, v in sorted(result.statuses.items()))} | "
        f"{unavailable} | {result.audit_busy} | {result.latency_ms_p50:.0f} / {result.latency_ms_p95:.0f} ms | "
        f"{result.chain_seconds:.1f} s | {result.events} | {result.chained_once} | {result.chained_twice} | "
        f"{result.unchained} | {result.gaps} | {result.verification} | "
        f"0 retries, 0 503, every event once: {'ok' if ok else 'OVER'} |", ""]


if __name__ == "__main__":
    print("\n".join(report(run())))
