"""Runs the named seeds in order in this one process and prints one JSON object: each seed's report by name
(a seed whose `main` takes an argument gets the reports so far).
One process instead of one per seed: importing the contexts is most of a seed's cost."""

from __future__ import annotations

import contextlib
import importlib
import inspect
import io
import json
import sys


def main(names: list[str]) -> None:
    reports: dict[str, dict[str, str]] = {}
    for name in names:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            seed = importlib.import_module(f"localcloud.seeds.{name}").main
            if inspect.signature(seed).parameters:  # a seed may read the earlier seeds' reports
                seed(reports)
            else:
                seed()
        reports[name] = json.loads(printed.getvalue().strip().splitlines()[-1])
    print(json.dumps(reports))


if __name__ == "__main__":
    main(sys.argv[1:])
