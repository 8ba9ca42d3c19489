"""(h) Warm in-function time of login, license status, activate and heartbeat: the code before issue 9
(the own SigV4 client, records, resolver and logger) against today's (boto3, PynamoDB, Powertools,
OpenTelemetry), measured side by side in one run. Budget (issue 9): today's ≤ 1.2 × before's.

The earlier tree is taken from git (`git archive BASELINE`) into a temporary folder and runs with this
virtualenv (its pins are a subset of today's). Each tree runs bench/warm_probe.py in a fresh process
against its own in-process moto; the rounds alternate between the trees, because a shared machine's
speed drifts more than the differences measured. A figure is the median over the rounds of each round's
median request."""

from __future__ import annotations

import io
import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "8aeac65"  # main before issue 9: Python 3.13, the own core
BUDGET = 1.2
PROBE = Path(__file__).with_name("warm_probe.py")


def _baseline_tree(into: Path) -> Path | None:
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", BASELINE], capture_output=True, check=False)
    if archive.returncode != 0:  # a shallow clone has no history to compare with
        return None
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")
    return into


def _probe(tree: Path, requests: int) -> dict[str, dict[str, float]]:
    done = subprocess.run([sys.executable, str(PROBE), str(tree), str(requests)], capture_output=True, text=True,
                          check=False, cwd=tree, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"the probe failed in {tree}:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(rounds: int = 3, requests: int = 30) -> dict[str, dict[str, dict[str, float]]] | None:
    with tempfile.TemporaryDirectory(prefix="tessera-baseline-") as folder:
        baseline = _baseline_tree(Path(folder))
        if baseline is None:
            return None
        samples: dict[str, list[dict[str, dict[str, float]]]] = {"before": [], "today": []}
        for _ in range(rounds):
            samples["before"].append(_probe(baseline, requests))
            samples["today"].append(_probe(ROOT, requests))
    return {tree: {name: {metric: statistics.median(r[name][metric] for r in runs)
                          for metric in ("wall_ms", "cpu_ms")} for name in runs[0]}
            for tree, runs in samples.items()}


def report(figures: dict[str, dict[str, dict[str, float]]] | None, rounds: int = 3) -> list[str]:
    title = "## Warm in-function time: before issue 9 and today, side by side"
    if figures is None:
        return [title, "", f"Not measured: this clone has no commit {BASELINE} (a shallow clone).", ""]
    out = [title, "",
           f"Handler called in-process against moto, {rounds} alternating rounds of 30 requests per tree "
           f"(median of the rounds' medians); before = `{BASELINE}`. Wall time is what the function is billed "
           "for (moto's own work included, in other threads); CPU is the handler thread's own.", "",
           "| request | before wall | today wall | × | before CPU | today CPU | × | budget (wall) |",
           "|---|---|---|---|---|---|---|---|"]
    for name, before in figures["before"].items():
        today = figures["today"][name]
        ratio = today["wall_ms"] / before["wall_ms"]
        out.append(f"| {name} | {before['wall_ms']:.1f} ms | {today['wall_ms']:.1f} ms | {ratio:.2f} | "
                   f"{before['cpu_ms']:.1f} ms | {today['cpu_ms']:.1f} ms | {today['cpu_ms'] / before['cpu_ms']:.2f} | "
                   f"≤ {BUDGET} {'ok' if ratio <= BUDGET else 'OVER'} |")
    return [*out, ""]


if __name__ == "__main__":
    print("\n".join(report(run())))
