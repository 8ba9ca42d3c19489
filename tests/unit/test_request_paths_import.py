"""The functions on the request paths with a cold-start budget load neither botocore (the platform's own
AWS client and records instead) nor the X-Ray SDK (tessera.core.tracing instead): each would cost more
than the whole budget (bench/RESULTS.md has the figures)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("boto3", "aws_xray_sdk", "pynamodb")  # Powertools' event handler imports botocore itself


@pytest.mark.parametrize("function", ["auth", "authorizer", "license_status", "license_activate", "license_heartbeat",
                                      "heartbeat_worker"])
def test_a_budgeted_function_imports_no_heavy_library(function: str) -> None:
    code = (f"import sys; sys.path[:0] = ['functions/{function}', 'layers/tessera']; import {function}.handler; "
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
