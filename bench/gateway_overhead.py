"""(c) The local gateway's own overhead per request.

Both sides call the same warm trivial function: p50 of a full HTTP request through the gateway
(keep-alive client) minus p50 of a direct `Invoker.invoke` (the worker round trip Lambda itself
would cost). What is left is routing, event building, response mapping and HTTP."""

from __future__ import annotations

import http.client
import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure_gateway_overhead(n: int = 500) -> dict[str, float]:
    from localcloud.gateway import Gateway
    from localcloud.invoker import Invoker
    from localcloud.template import load_template

    template = load_template(HERE / "overhead" / "template.yaml")
    invoker = Invoker(template, {"AWS_REGION": "eu-central-1"}, log=lambda _line: None)
    gateway = Gateway(template, invoker, port=0, log=lambda _line: None, access_log=False)
    port = gateway.start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port)
        for _ in range(50):  # warm up: cold start, connection, caches
            connection.request("GET", "/trivial/1?x=1")
            connection.getresponse().read()
            invoker.invoke("Trivial", {})
        through_gateway, direct = [], []
        for i in range(n):
            started = time.perf_counter()
            connection.request("GET", f"/trivial/{i}?x={i}", headers={"cookie": "a=1"})
            response = connection.getresponse()
            response.read()
            through_gateway.append((time.perf_counter() - started) * 1000)
            assert response.status == 200
            started = time.perf_counter()
            invoker.invoke("Trivial", {"rawPath": f"/trivial/{i}"})
            direct.append((time.perf_counter() - started) * 1000)
        overhead = [g - d for g, d in zip(sorted(through_gateway), sorted(direct), strict=True)]
        return {
            "requests": n,
            "gateway_p50_ms": statistics.median(through_gateway),
            "invoke_p50_ms": statistics.median(direct),
            "p50_ms": statistics.median(through_gateway) - statistics.median(direct),
            "p90_ms": _percentile(overhead, 0.9),
            "p99_ms": _percentile(overhead, 0.99),
        }
    finally:
        gateway.stop()
        invoker.close()


if __name__ == "__main__":
    print(json.dumps(measure_gateway_overhead(int(sys.argv[1]) if len(sys.argv) > 1 else 500), indent=2))
