"""The functions on the request paths do not load the X-Ray SDK (end of support 2027-02-25; tracing
goes without it). boto3 and PynamoDB are welcome: their clients are made at init, which SnapStart keeps."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("aws_xray_sdk",)


@pytest.mark.parametrize("function", ["auth", "authorizer", "license_status", "license_activate", "license_heartbeat",
                                      "heartbeat_worker"])
def test_a_budgeted_function_imports_no_heavy_library(function: str) -> None:
    code = (f"import sys; sys.path[:0] = ['functions/{function}', 'layers/tessera']; import {function}.handler; "
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
