"""Run inside one source tree (`python bench/warm_probe.py <tree> <rounds>`): the warm in-function time of
the requests issue 9 budgets (login, license status, activate, heartbeat), as JSON on stdout.

Started by bench/warm_compare.py once for the code before the issue and once for today's, with the tree's
own `bench`, `tessera` and `localcloud` first on sys.path, so each tree's handlers, scenarios and moto
provisioning run as that tree wrote them. Per request it records the wall time of the handler call and
the CPU time of this thread (the handler's own work: moto answers on threads of its own)."""

from __future__ import annotations

import importlib
import json
import os
import statistics
import sys
import time
from pathlib import Path

MEASURED = ("login", "license status, uncached", "license status, cached", "activate", "heartbeat")


def main(tree: Path, requests: int) -> dict[str, dict[str, float]]:
    sys.path[:0] = [str(tree), str(tree / "layers" / "tessera"), str(tree / "infra" / "local")]
    from localcloud.cloud import FAKE_CREDENTIALS
    from localcloud.moto_server import start_moto
    from localcloud.provision import provision
    from localcloud.template import load_template, local_parameters

    os.environ.update(FAKE_CREDENTIALS)
    moto = start_moto()
    os.environ["AWS_ENDPOINT_URL"] = moto.url
    parameters = {**local_parameters(tree, "http://127.0.0.1:8080"), "Stage": "local"}
    template = load_template(tree / "template.yaml", parameter_overrides=parameters)
    provision(template, moto.url, log=lambda _line: None)

    from bench import aws_calls
    from bench.scenarios import SCENARIOS

    figures: dict[str, dict[str, float]] = {}
    for scenario in SCENARIOS:
        name = next((m for m in MEASURED if scenario.name.startswith(m)), None)
        if name is None:
            continue
        fn = template.functions[scenario.function]
        os.environ.update(template.environment(scenario.function))
        sys.path[:0] = [str(fn.code_dir), *map(str, fn.layer_dirs)]
        module_name, _, attr = fn.handler.rpartition(".")
        handler = getattr(importlib.import_module(module_name), attr)
        if scenario.setup_as:
            os.environ.update(template.environment(scenario.setup_as))
        headers = scenario.setup() if scenario.setup else {}
        os.environ.update(template.environment(scenario.function))
        bound = aws_calls._bind(scenario)
        walls, cpus = [], []
        for n in range(requests + 5):  # the first five warm the worker up (cold start, caches, connections)
            if scenario.before_each:
                scenario.before_each()
            event = aws_calls.http_event(bound, headers)
            wall, cpu = time.perf_counter(), time.thread_time()
            answer = handler(event, aws_calls.FakeContext())
            cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
            if int(answer.get("statusCode", 200)) >= 300:
                raise RuntimeError(f"{scenario.name} answered {answer.get('statusCode')}: {answer.get('body')}")
            if n >= 5:
                walls.append(wall * 1000)
                cpus.append(cpu * 1000)
        figures[name] = {"wall_ms": statistics.median(walls), "cpu_ms": statistics.median(cpus)}
    moto.stop()
    return figures


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]).resolve(), int(sys.argv[2]))))
