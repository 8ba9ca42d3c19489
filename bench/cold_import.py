"""(b) Each function's cold import time in a fresh interpreter, against `import boto3`. No budget since
issue 9: SnapStart snapshots the import (bench/snapstart.py measures the restored first request).

Measured as Lambda pays it: a new python process, the function's own environment, its code folder
and the layer on sys.path, timing only the import of the handler module (its CPU time, median of N runs). Each
function's runs alternate with runs of the baseline, and its ratio is to the baseline's median over
those same minutes: a machine's speed drifts (other work, frequency scaling) more than the
difference being measured."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

# CPU time of the import (user + system, this process): on a shared machine wall time also counts the
# minutes other processes hold the cores, which is noise larger than the differences measured here.
PROBE = (
    "import time,importlib,sys;t=time.process_time();importlib.import_module(sys.argv[1]);"
    "print(time.process_time()-t)"
)


def import_seconds(module: str, env: dict[str, str], paths: list[str]) -> float:
    process_env = {"PATH": os.environ.get("PATH", ""), **env,
                   "PYTHONPATH": os.pathsep.join(paths), "PYTHONDONTWRITEBYTECODE": "1"}
    out = subprocess.run([sys.executable, "-c", PROBE, module], env=process_env, capture_output=True,
                         text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"import {module} failed: {out.stderr.strip()[-500:]}")
    return float(out.stdout.strip().splitlines()[-1])


@dataclass
class ImportTime:
    function: str
    module: str
    seconds: float
    ratio: float


def measure(template: Any, runs: int = 7) -> tuple[float, list[ImportTime]]:
    """(the baseline's median over the whole run, each function's import time and ratio)."""
    all_baseline: list[float] = []
    results = []
    for logical_id, fn in sorted(template.functions.items()):
        module = fn.handler.rpartition(".")[0]
        env = template.environment(logical_id)
        paths = [str(fn.code_dir), *map(str, fn.layer_dirs)]
        baseline, samples = [], []
        for _ in range(runs):
            baseline.append(import_seconds("boto3", {}, []))
            samples.append(import_seconds(module, env, paths))
        all_baseline += baseline
        seconds = statistics.median(samples)
        results.append(ImportTime(logical_id, module, seconds, seconds / statistics.median(baseline)))
    return statistics.median(all_baseline), results
