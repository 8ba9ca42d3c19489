"""(d) How long `make run` takes to be ready when dependencies are installed: spawn the same
entry point `make run` uses and wait for its ready line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

READY_LINE = "Tessera local cloud ready"


def measure_ready(root: Path, runs: int = 3, timeout: float = 60.0) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "localcloud", "run", "--port", "0", "--aws-port", "0"],
            cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        try:
            assert process.stdout is not None
            for line in process.stdout:
                if READY_LINE in line:
                    samples.append(time.perf_counter() - started)
                    break
                if time.perf_counter() - started > timeout:
                    raise TimeoutError("local cloud not ready in time")
            else:
                raise RuntimeError(f"local cloud exited with {process.wait()} before it was ready")
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
    return samples
