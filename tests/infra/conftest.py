from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / ".tools"


def tool(path: str) -> str:
    """A tool from its own virtualenv under .tools/ (make infra-tools); CI must have it."""
    candidate = TOOLS / path
    if candidate.exists():
        return str(candidate)
    found = shutil.which(Path(path).name)
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail(f"{path} is missing: `make infra-tools` installs it")
    pytest.skip(f"{path} is not installed: run `make infra-tools`")
    raise AssertionError  # unreachable
