"""Handlers append what they saw to RECORD_DIR/<name>.jsonl so tests can assert on deliveries."""

import json
import os
from pathlib import Path


def record(name: str, data: object) -> None:
    folder = Path(os.environ["RECORD_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{name}.jsonl", "a", encoding="utf-8") as handle:
        handle.write(json.dumps(data) + "\n")


def bump(name: str) -> int:
    """A per-name attempt counter kept in a file: 1 on the first call, 2 on the second..."""
    path = Path(os.environ["RECORD_DIR"]) / f"{name}.count"
    path.parent.mkdir(parents=True, exist_ok=True)
    count = int(path.read_text()) + 1 if path.exists() else 1
    path.write_text(str(count))
    return count
