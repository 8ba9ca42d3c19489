from __future__ import annotations

import importlib.util
import json
from types import ModuleType

import boto3
import pytest

from tessera.audit import service
from tessera.audit.models import AuditActor, AuditEntry
from tests.unit.conftest import ROOT


def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_verify", ROOT / "scripts" / "audit_verify.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_prints_the_result_and_exits_by_validity(audit_table: str, capsys: pytest.CaptureFixture[str]) -> None:
    actor = AuditActor(id="usr_1", kind="system")
    for n in range(3):
        service.append(AuditEntry(actor=actor, action="job.run", entity_type="job", entity_id=f"job_{n}"))
    verify = script().main
    assert verify(["--table", "audit"]) == 0
    assert json.loads(capsys.readouterr().out) == {"table": "audit", "chain": "main", "valid": True, "checked": 3,
                                                   "first_bad_seq": None, "code": "ok",
                                                   "detail": "3 events verified up to 3"}
    boto3.client("dynamodb").delete_item(TableName="audit", Key={"pk": {"S": "CHAIN#main"},
                                                                 "sk": {"S": f"{2:012d}"}})
    assert verify(["--table", "audit", "--chain", "main"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert (out["code"], out["first_bad_seq"]) == ("seq_gap", 2)
    assert verify(["--table", "missing"]) == 2
    assert "error" in json.loads(capsys.readouterr().err)

