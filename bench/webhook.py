"""(g) Payment webhooks through the local cloud (issue 10: answered < 300 ms p95; 10 identical webhooks in
parallel → exactly one payment applied).

Each sample is a real first delivery: a new customer's Про subscription invoice paid at the sandbox provider
by a saved card (a merchant-initiated ЮKassa payment: succeeded at once, and the sandbox notifies nobody;
the card then lands on the subscription as the webhook's budget path has it), then ЮKassa's
notification POSTed to /api/webhooks/yookassa from 127.0.0.1 (the sandbox's network) and timed by the
client: gateway → BillingWebhooksFunction → re-fetch from the sandbox → the payment applied. A repeat of
each is timed too. The parallel run sends 10 copies of one fresh notification at once and counts the
payments recorded for its invoice."""

from __future__ import annotations

import base64
import json
import statistics
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BUDGET_P95_MS = 300.0


@dataclass
class WebhookResult:
    samples: int
    first_ms: list[float]
    repeat_ms: list[float]
    parallel_answers: list[int]
    parallel_payments: list[str]

    @staticmethod
    def p(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return ordered[max(0, round(len(ordered) * q) - 1)]


def run(samples: int = 20) -> WebhookResult:
    sys.path[:0] = [str(ROOT)]
    import time

    import httpx

    from localcloud import payments_sandbox
    from tests.e2e.conftest import start_cloud, stop_cloud
    from tests.e2e.test_billing_flows import _admin as console_admin
    from tests.e2e.test_billing_flows import _customer as new_customer

    cloud = start_cloud()
    try:
        admin = console_admin(cloud)

        def period_invoice(n: int) -> tuple[Any, str, dict[str, Any]]:
            """A new customer's Про subscription and its first invoice (one subscription per customer)."""
            owner, org = new_customer(cloud, f"webhook.bench.{n}@example.com", f"ООО «Вебхук {n}»")
            subscription = owner.post(f"/api/app/orgs/{org}/billing/subscriptions", {"plan": "fastlead_pro"})
            subscription.raise_for_status()
            made = owner.post(f"/api/app/orgs/{org}/billing/subscriptions/{subscription.json()['id']}/invoice")
            made.raise_for_status()
            return owner, org, made.json()

        # a saved card: a first invoice paid on the checkout page with the card saved
        owner, org, first = period_invoice(0)
        started = owner.post(f"/api/app/orgs/{org}/billing/invoices/{first['id']}/pay", {"save_method": True})
        started.raise_for_status()
        page = started.json()["confirmation_url"]
        httpx.post(page, data={"card": "4111111111111111"}, follow_redirects=False, timeout=60)
        card = page.rsplit("/", 1)[1]
        basic = base64.b64encode(f"{payments_sandbox.SHOP_ID}:{payments_sandbox.SECRET_KEY}".encode()).decode()
        sandbox = httpx.Client(base_url=f"{cloud.url}/_local/yookassa/v3/", timeout=60,
                               headers={"authorization": f"Basic {basic}"})
        webhooks = httpx.Client(base_url=cloud.url, timeout=60)

        def paid_at_the_provider(invoice: dict[str, Any]) -> str:
            kopecks = int(invoice["total"]["kopecks"])
            payment = sandbox.post("payments", headers={"idempotence-key": str(uuid.uuid4())}, json={
                "amount": {"value": f"{kopecks // 100}.{kopecks % 100:02d}", "currency": "RUB"}, "capture": True,
                "payment_method_id": card, "metadata": {"invoice_id": invoice["id"], "attempt": "1"}})
            payment.raise_for_status()
            assert payment.json()["status"] == "succeeded", payment.text
            return str(payment.json()["id"])

        def notify(payment_id: str) -> tuple[int, float]:
            body = json.dumps({"type": "notification", "event": "payment.succeeded",
                               "object": {"id": payment_id, "status": "succeeded"}})
            began = time.perf_counter()
            answer = webhooks.post("/api/webhooks/yookassa", content=body,
                                   headers={"content-type": "application/json"})
            return answer.status_code, (time.perf_counter() - began) * 1000

        first_ms, repeat_ms = [], []
        for n in range(1, samples + 1):
            payment_id = paid_at_the_provider(period_invoice(n)[2])
            status, took = notify(payment_id)
            assert status == 200, status
            first_ms.append(took)
            status, took = notify(payment_id)
            assert status == 200, status
            repeat_ms.append(took)

        target = period_invoice(samples + 1)[2]
        payment_id = paid_at_the_provider(target)
        with ThreadPoolExecutor(10) as pool:
            answers = [status for status, _ in pool.map(lambda _: notify(payment_id), range(10))]
        payments = [p["status"] for p in admin.get("/api/console/billing/payments",
                                                   params={"invoice_id": target["id"]}).json()["items"]]
        return WebhookResult(samples, first_ms, repeat_ms, answers, payments)
    finally:
        stop_cloud(cloud)


def report(result: WebhookResult) -> list[str]:
    p95 = WebhookResult.p(result.first_ms, 0.95)
    one = result.parallel_payments == ["applied"] and result.parallel_answers == [200] * 10
    return [
        "## Payment webhooks through the local cloud (issue 10)", "",
        f"{result.samples} first deliveries of ЮKassa's `payment.succeeded` (each a new payment of its own invoice, "
        "re-fetched from the sandbox provider and applied) and a repeat of each, one at a time, timed by the "
        "client through the gateway; then 10 copies of one fresh notification at once.", "",
        "| delivery | p50 | p95 | budget |", "|---|---|---|---|",
        f"| first (applies the payment) | {statistics.median(result.first_ms):.1f} ms | {p95:.1f} ms | "
        f"< {BUDGET_P95_MS:.0f} ms p95 {'ok' if p95 < BUDGET_P95_MS else 'OVER'} |",
        f"| repeat (answers the recorded payment) | {statistics.median(result.repeat_ms):.1f} ms | "
        f"{WebhookResult.p(result.repeat_ms, 0.95):.1f} ms | |", "",
        f"10 identical webhooks in parallel: answers {', '.join(map(str, sorted(set(result.parallel_answers))))}; "
        f"payments recorded for the invoice: {result.parallel_payments} "
        f"(exactly one applied: {'ok' if one else 'FAILED'}).", ""]


if __name__ == "__main__":
    print("\n".join(report(run())))
