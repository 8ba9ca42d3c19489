"""`budgetctl` as people and CI call it: exit codes, the problem lines, the formats."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from budgetctl.cli import main

from tests.unit.budgetctl.conftest import BROKEN, BUNDLE, EXAMPLE


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out)
    return code, out.getvalue()


def test_validate_passes_the_example() -> None:
    code, text = run("validate", "--repo", str(EXAMPLE), "--bundle", str(BUNDLE))
    assert (code, text) == (0, "Конфигурация верна. Клиенты: acme, beta.\n")


def test_validate_fails_the_broken_example_naming_the_field() -> None:
    code, text = run("validate", "--repo", str(BROKEN), "--bundle", str(BUNDLE))
    assert code == 1
    assert "clients/gamma.yaml:5: version: неверный формат: версия вида v1.4.0 (semver)\n" in text
    assert text.endswith("Ошибок: 6. Клиенты: delta, gamma.\n")


def test_validate_one_client() -> None:
    code, text = run("validate", "--repo", str(BROKEN), "--bundle", str(BUNDLE), "--client", "gamma", "--lang", "en")
    assert code == 1
    assert [line.split(":")[0] for line in text.splitlines()[:-1]] == ["clients/gamma.yaml"] * 2
    assert run("validate", "--repo", str(EXAMPLE), "--bundle", str(BUNDLE), "--client", "acme")[0] == 0
    code, text = run("validate", "--repo", str(EXAMPLE), "--bundle", str(BUNDLE), "--client", "omega")
    assert code == 1
    assert text.startswith("clients/omega.yaml: нет клиента omega: ожидается файл clients/omega.yaml\n")


def test_validate_formats_for_tools() -> None:
    code, text = run("validate", "--repo", str(BROKEN), "--bundle", str(BUNDLE), "--format", "json")
    problems = json.loads(text)
    assert code == 1
    assert {"file": "clients/gamma.yaml", "line": 18, "path": "database.password", "code": "secret_plaintext",
            "message": "секрет задаётся ссылкой {secret: <файл>/<имя>} на запись в secrets/, а не значением",
            } in problems
    code, text = run("validate", "--repo", str(BROKEN), "--bundle", str(BUNDLE), "--format", "github")
    assert "::error file=clients/gamma.yaml,line=5::version: неверный формат" in text


@pytest.mark.parametrize("argv", [
    [],
    ["deploy", "--client", "acme"],  # not yet a command
    ["validate", "--format", "xml"],
    ["validate", "--repo", str(EXAMPLE)],  # no bundle
    ["validate", "--repo", "/nonexistent", "--bundle", str(BUNDLE)],
    ["validate", "--repo", str(EXAMPLE), "--bundle", str(EXAMPLE)],  # not a bundle
    ["render", "--client", "acme", "--out", "x"],  # no version
    ["render", "--repo", str(EXAMPLE), "--bundle", str(BUNDLE), "--client", "acme", "--version", "4.2", "--out", "x"],
])
def test_wrong_usage_is_2(argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("BUDGETCTL_BUNDLE", raising=False)
    assert run(*argv)[0] == 2
    assert "budgetctl" in capsys.readouterr().err


def test_a_broken_bundle_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bundle = Path(shutil.copytree(BUNDLE, tmp_path / "deploy"))
    (bundle / "releases" / "v4.2.0.yaml").rename(bundle / "releases" / "v4.2.1.yaml")
    assert run("validate", "--repo", str(EXAMPLE), "--bundle", str(bundle))[0] == 2
    assert "v4.2.1.yaml: version v4.2.0 is not the file's name" in capsys.readouterr().err


def test_help_is_russian(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("validate", "--help")[0] == 0
    assert "проверить только этого клиента" in capsys.readouterr().out


def test_render_refuses_an_invalid_client_or_an_unknown_release(tmp_path: Path) -> None:
    code, text = run("render", "--repo", str(BROKEN), "--bundle", str(BUNDLE), "--client", "gamma",
                     "--version", "v4.2.0", "--out", str(tmp_path / "out"))
    assert code == 1 and "database.password" in text
    code, text = run("render", "--repo", str(EXAMPLE), "--bundle", str(BUNDLE), "--client", "acme",
                     "--version", "v5.0.0", "--out", str(tmp_path / "out"))
    assert code == 1 and "нет релиза v5.0.0" in text
    assert not (tmp_path / "out").exists()


def test_the_installed_console_script() -> None:
    script = Path(sys.executable).parent / "budgetctl"
    assert script.exists(), "make deps installs clients/budgetctl into the virtualenv"
    result = subprocess.run([str(script), "validate", "--repo", str(BROKEN), "--client", "gamma"],
                            capture_output=True, text=True, env={**os.environ, "BUDGETCTL_BUNDLE": str(BUNDLE)},
                            timeout=60)
    assert result.returncode == 1
    assert "clients/gamma.yaml:18: database.password:" in result.stdout
