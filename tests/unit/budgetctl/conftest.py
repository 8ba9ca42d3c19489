"""budgetctl is its own package (clients/budgetctl); `make deps` installs it, and the path makes the tests
independent of that."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "clients" / "budgetctl"))

BUNDLE = ROOT / "deploy"
EXAMPLE = ROOT / "clients" / "budgetctl" / "examples" / "deployments"
BROKEN = ROOT / "clients" / "budgetctl" / "examples" / "broken"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of the example repository to break."""
    return Path(shutil.copytree(EXAMPLE, tmp_path / "deployments"))


def edit(root: Path, file: str, change: Callable[[dict[str, Any]], None]) -> None:
    """Load `file` of the repository at `root`, let `change` alter it, write it back."""
    path = root / file
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
