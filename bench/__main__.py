"""`python -m bench --write bench/RESULTS.md`: run every benchmark and record the figures.

These are benchmarks, not tests: they report numbers against the issues' budgets and never fail
the build. The figures depend on the machine; the header records which one."""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALL = ["calls", "warm", "imports", "gateway", "ready", "spa", "sdk", "load", "snapstart", "audit", "invoice",
       "webhook", "leads", "deploys"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench")
    parser.add_argument("--write", type=Path, help="write the Markdown report here")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--only", choices=ALL, action="append")
    args = parser.parse_args(argv)
    only = set(args.only or ALL)

    from localcloud.cloud import FAKE_CREDENTIALS
    from localcloud.moto_server import start_moto
    from localcloud.provision import provision
    from localcloud.template import load_template, local_parameters

    os.environ.update(FAKE_CREDENTIALS)
    moto = start_moto()
    os.environ["AWS_ENDPOINT_URL"] = moto.url
    parameters = {**local_parameters(ROOT, "http://127.0.0.1:8080"), "Stage": "local"}
    template = load_template(ROOT / "template.yaml", parameter_overrides=parameters)
    provision(template, moto.url, log=lambda _line: None)

    out = [
        "# Benchmark results",
        "",
        f"Recorded {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `make bench` on {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}. Budgets come from the issues.",
        "",
    ]

    if "calls" in only:
        from bench import aws_calls

        out += ["## AWS calls per request", "",
                "| scenario | status | cold request | warm request | warm total | budget |",
                "|---|---|---|---|---|---|"]
        measured = aws_calls.measure(template)
        for r in measured:
            verdict = "" if r.budget is None else ("ok" if r.warm_total <= r.budget else "OVER")
            out.append(f"| {r.scenario} | {r.status} | {_calls(r.cold)} | {_calls(r.warm)} | {r.warm_total} | "
                       f"{'' if r.budget is None else f'≤ {r.budget} {verdict}'} |")
        out.append("")

        heartbeat = next((r for r in measured if r.scenario.startswith("heartbeat")), None)
        if heartbeat is not None:
            from bench.heartbeat_cost import ASSUMPTIONS, cost_per_million

            total, lines = cost_per_million(heartbeat.warm.get("sqs:SendMessage", 0))
            out += ["## Cost of one million heartbeats on AWS", "",
                    "From the measured warm calls above and AWS list prices (us-east-1); assumptions: "
                    + ", ".join(f"{k} {v}" for k, v in ASSUMPTIONS.items()) + ".", "",
                    "| part | USD |", "|---|---|", *[f"| {name} | {cost:.3f} |" for name, cost in lines],
                    f"| **total** | **{total:.2f}** (budget ≤ 2.50 {'ok' if total <= 2.5 else 'OVER'}) |", ""]

    if "warm" in only:
        from bench import warm_compare

        out += warm_compare.report(warm_compare.run())

    if "imports" in only:
        from bench import cold_import

        baseline, imports = cold_import.measure(template, runs=args.runs)
        out += [f"## Cold import time (fresh interpreter, median of {args.runs} runs)", "",
                f"Baseline `import boto3`: **{baseline * 1000:.0f} ms**. No budget: SnapStart functions restore "
                "from a snapshot taken after the import (see the SnapStart section).", "",
                "| function | module | import | × boto3 |", "|---|---|---|---|"]
        for i in imports:
            out.append(f"| {i.function} | `{i.module}` | {i.seconds * 1000:.0f} ms | {i.ratio:.2f} |")
        out.append("")

    moto.stop()

    if "gateway" in only:
        from bench.gateway_overhead import measure_gateway_overhead

        g = measure_gateway_overhead(500)
        out += ["## Local gateway overhead", "",
                "Gateway request latency minus the handler's own duration, trivial handler, keep-alive client.", "",
                "| requests | p50 | p90 | p99 | budget |", "|---|---|---|---|---|",
                f"| {g['requests']} | {g['p50_ms']:.2f} ms | {g['p90_ms']:.2f} ms | {g['p99_ms']:.2f} ms | "
                f"≤ 5 ms p50 {'ok' if g['p50_ms'] <= 5 else 'OVER'} |", ""]

    if "ready" in only:
        from bench.ready_time import measure_ready

        samples = measure_ready(ROOT)
        median = statistics.median(samples)
        out += ["## `make run` ready time (dependencies installed)", "",
                f"Runs: {', '.join(f'{s:.1f} s' for s in samples)}; median **{median:.1f} s** "
                f"(budget ≤ 20 s {'ok' if median <= 20 else 'OVER'}).", ""]

    if "load" in only:
        from bench import heartbeat_load

        out += heartbeat_load.report(heartbeat_load.run())

    if "snapstart" in only:
        from bench import snapstart

        out += snapstart.report(snapstart.run())

    if "audit" in only:
        from bench import audit_concurrency

        out += audit_concurrency.report(audit_concurrency.run())

    if "sdk" in only:
        from bench.sdk_verify import measure_offline_verification

        per_check, checks = measure_offline_verification()
        out += ["## Offline license verification (installation SDK)", "",
                f"{checks} verifications of a signed license token (ES256, P-256), median of 5 rounds: "
                f"**{per_check * 1000:.3f} ms** per check (budget ≤ 1 ms {'ok' if per_check <= 0.001 else 'OVER'}).",
                ""]

    if "invoice" in only:
        from bench.invoice_pdf import BUDGET_SECONDS, measure

        median, worst = measure()
        out += ["## Invoice PDF (warm render of a счёт, issue 10)", "",
                f"Median **{median * 1000:.0f} ms**, worst {worst * 1000:.0f} ms of 30 renders after a first one "
                f"(budget ≤ {BUDGET_SECONDS * 1000:.0f} ms {'ok' if median <= BUDGET_SECONDS else 'OVER'}).", ""]

    if "webhook" in only:
        from bench import webhook

        out += webhook.report(webhook.run())

    if "leads" in only:
        from bench import leads

        out += leads.report(leads.run())

    if "deploys" in only:
        import tempfile

        from bench import deploys

        with tempfile.TemporaryDirectory() as tmp:
            out += deploys.report(deploys.rollback(Path(tmp)), deploys.parallel(Path(tmp)))

    if "spa" in only:
        import subprocess

        dist = ROOT / "frontend" / "spa" / "dist"
        done = subprocess.run(["node", str(ROOT / "frontend/spa/scripts/bundle-size.mjs"), str(dist)],
                              capture_output=True, text=True, check=False)
        summary = [line for line in done.stdout.splitlines() if line.startswith(("all JavaScript", "initial"))]
        out += ["## SPA bundle (`make spa`, gzip level 6)", "", "```", *summary, "```", ""]

    report = "\n".join(out)
    print(report)
    if args.write:
        args.write.write_text(report + "\n", encoding="utf-8")
    return 0


def _calls(calls: dict[str, int]) -> str:
    return ", ".join(f"{k} × {v}" for k, v in sorted(calls.items())) or "none"


if __name__ == "__main__":
    sys.exit(main())
