"""No function loads the X-Ray SDK (end of support 2027-02-25): traces go through OpenTelemetry."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS = sorted(p.name for p in (ROOT / "functions").iterdir() if (p / p.name / "handler.py").is_file())


@pytest.mark.parametrize("function", FUNCTIONS)
def test_no_function_imports_the_xray_sdk(function: str) -> None:
    code = (f"import sys; sys.path[:0] = ['functions/{function}', 'layers/tessera']; import {function}.handler; "
            "print('aws_xray_sdk' in sys.modules, 'opentelemetry.sdk.trace' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]
