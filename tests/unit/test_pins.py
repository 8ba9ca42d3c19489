"""The layers ship what pyproject pins: the same versions run in Lambda and in tests."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _pins(lines: list[str]) -> dict[str, str]:
    pins = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if match := re.match(r"^([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==(\S+)$", line):
            pins[match.group(1).lower()] = match.group(2)
    return pins


def test_layer_requirements_equal_pyproject_runtime_pins() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = _pins(project["dependencies"])
    shared = _pins((ROOT / "layers/tessera/requirements.txt").read_text().splitlines())
    reports = _pins((ROOT / "layers/reports/requirements.txt").read_text().splitlines())
    # Provided by the Lambda runtime. snapshot-restore-py must not be shadowed by a layer's copy: the
    # runtime runs the hooks registered in its own module.
    runtime.pop("boto3", None)
    runtime.pop("snapshot-restore-py", None)
    assert not shared.keys() & reports.keys()
    assert shared | reports == runtime
    assert all("==" in d for d in project["dependencies"] + project["optional-dependencies"]["dev"])
