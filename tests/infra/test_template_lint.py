from __future__ import annotations

import os
import subprocess

import pytest

from tests.infra.conftest import ROOT, tool

pytestmark = pytest.mark.infra


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SAM_CLI_TELEMETRY": "0", "AWS_DEFAULT_REGION": "eu-central-1"}
    return subprocess.run(list(args), cwd=ROOT, capture_output=True, text=True, timeout=300, env=env, check=False)


TEMPLATES = ("template.yaml", "stacks/monitoring.yaml")  # the parent and its nested stacks


@pytest.mark.parametrize("template", TEMPLATES)
def test_sam_validate_lint(template):
    result = run(tool("sam/bin/sam"), "validate", "--lint", "--template", template)
    assert result.returncode == 0, result.stdout + result.stderr


def test_cfn_lint():  # E3010 is the 500-resource limit of each stack
    result = run(tool("sam/bin/cfn-lint"), *TEMPLATES)
    assert result.returncode == 0, result.stdout + result.stderr


def test_checkov_with_the_reviewed_skip_list():
    files = [arg for template in TEMPLATES for arg in ("-f", template)]
    result = run(tool("checkov/bin/checkov"), "--config-file", ".checkov.yaml", *files)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def test_sam_build_makes_an_arm64_layer(tmp_path):
    build_dir = tmp_path / "build"
    result = run(tool("sam/bin/sam"), "build", "--template", "template.yaml", "--build-dir", str(build_dir),
                 "--cache-dir", str(ROOT / ".aws-sam" / "cache"), "--cached")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    layer = build_dir / "TesseraLayer" / "python"
    assert (layer / "tessera" / "core" / "http.py").exists()
    native = next(layer.glob("pydantic_core/_pydantic_core*.so"))
    assert "aarch64" in native.name
    assert not (layer / "fpdf").exists()  # the PDF stack lives in its own layer, for the reports function only
    assert (build_dir / "ReportsLayer" / "python" / "fpdf").is_dir()
