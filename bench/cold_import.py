"""(b) Each function's cold import time in a fresh interpreter, against `import boto3`.

Measured as Lambda pays it: a new python process, the function's own environment, its code folder
and the layer on sys.path, timing only the import of the handler module (median of N runs)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

PROBE = (
    "import time,importlib,sys;t=time.perf_counter();importlib.import_module(sys.argv[1]);"
    "print(time.perf_counter()-t)"
)


def time_import(module: str, env: dict[str, str], paths: list[str], runs: int) -> float:
    samples = []
    for _ in range(runs):
        process_env = {"PATH": os.environ.get("PATH", ""), **env,
                       "PYTHONPATH": os.pathsep.join(paths), "PYTHONDONTWRITEBYTECODE": "1"}
        out = subprocess.run([sys.executable, "-c", PROBE, module], env=process_env, capture_output=True,
                             text=True, check=False)
        if out.returncode != 0:
            raise RuntimeError(f"import {module} failed: {out.stderr.strip()[-500:]}")
        samples.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(samples)


@dataclass
class ImportTime:
    function: str
    module: str
    seconds: float
    ratio: float
    budget_ratio: float | None


# Budgets the issues set (ratio to `import boto3`); other functions are reported without one.
BUDGET_RATIO = {"HealthFunction": 1.3, "AuthFunction": 1.5, "AuthorizerFunction": 1.5}


def measure(template: Any, runs: int = 7) -> tuple[float, list[ImportTime]]:
    baseline = time_import("boto3", {}, [], runs)
    results = []
    for logical_id, fn in sorted(template.functions.items()):
        module = fn.handler.rpartition(".")[0]
        env = template.environment(logical_id)
        seconds = time_import(module, env, [str(fn.code_dir), *map(str, fn.layer_dirs)], runs)
        results.append(ImportTime(logical_id, module, seconds, seconds / baseline,
                                  BUDGET_RATIO.get(logical_id)))
    return baseline, results
