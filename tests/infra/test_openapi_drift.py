from __future__ import annotations

import json
import subprocess
import sys

import pytest

from localcloud.template import load_template
from tests.infra.conftest import ROOT

pytestmark = pytest.mark.infra


def test_docs_openapi_and_the_route_table_match_the_code():
    result = subprocess.run([sys.executable, "scripts/openapi.py", "--check"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr


def test_route_table_and_openapi_agree():
    template = load_template(ROOT / "template.yaml")
    routes = {(r.method.lower(), r.path) for r in template.routes if not r.is_default}
    document = json.loads((ROOT / "docs" / "openapi.json").read_text())
    documented = {(method, path) for path, ops in document["paths"].items() for method in ops}
    assert routes - documented == set(), "template routes missing from docs/openapi.json"
    assert documented - routes == set(), "documented operations with no route in template.yaml"


def test_the_default_route_answers_unmatched_requests_from_the_route_table():
    template = load_template(ROOT / "template.yaml")
    default = [r for r in template.routes if r.is_default]
    assert [(r.function, r.authorizer) for r in default] == [("UnmatchedRouteFunction", None)]
    table = json.loads((ROOT / "functions" / "unmatched_route" / "unmatched_route" / "routes.json").read_text())
    assert {(m.lower(), p) for p, methods in table.items() for m in methods} == {
        (r.method.lower(), r.path) for r in template.routes if not r.is_default}
