from __future__ import annotations

import importlib.util
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType

import boto3
import pytest

from tessera.audit import checkpoints, service
from tessera.core import clock
from tests.audit_stream import Stream
from tests.unit.conftest import ROOT


def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_verify", ROOT / "scripts" / "audit_verify.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_verifies_every_chain_from_its_checkpoint_and_checkpoint_files_offline(
        audit_aws: dict[str, str], capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with clock.frozen(datetime(2026, 2, 1, 9, tzinfo=UTC)):
        stream = Stream()
        for org in ("org_a", "org_a", "org_b"):
            service.record("job.run", "job", "job_1", actor_id="usr_1", actor_kind="system", org_id=org)
        stream.deliver()
        clock.advance(timedelta(days=1))
        checkpoints.write_daily()
    verify = script().main
    assert verify(["--export-public-key", audit_aws["AUDIT_SIGNING_KEY_ID"]]) == 0
    pem = tmp_path / "audit-signing.pem"
    pem.write_text(capsys.readouterr().out)

    assert verify(["--table", "audit"]) == 0
    assert [(r["chain"], r["checked"], r["code"]) for r in lines(capsys)] == [("org_a", 2, "ok"), ("org_b", 1, "ok")]
    assert verify(["--table", "audit", "--bucket", "checkpoints", "--public-key", str(pem), "--chain", "org_a"]) == 0
    assert [(r["chain"], r["checked"]) for r in lines(capsys)] == [("org_a", 1)]  # from its checkpoint

    token = tmp_path / "org_a.jws"
    token.write_text(boto3.client("s3").get_object(Bucket="checkpoints", Key="checkpoints/org_a/2026-02-01.jws")
                     ["Body"].read().decode())
    assert verify(["--checkpoint", str(token), "--public-key", str(pem)]) == 0
    assert lines(capsys)[0] | {"hash": "…"} == {"checkpoint": str(token), "valid": True, "chain": "org_a",
                                                "day": "2026-02-01", "seq": 2, "hash": "…",
                                                "at": "2026-02-01T09:00:00.000000Z"}
    header, payload, signature = token.read_text().split(".")
    token.write_text(f"{header}.{payload[:-2]}xx.{signature}")
    assert verify(["--checkpoint", str(token), "--public-key", str(pem)]) == 1
    assert lines(capsys)[0]["valid"] is False

    boto3.client("dynamodb").delete_item(TableName="audit", Key={"pk": {"S": "CHAIN#org_a"},
                                                                 "sk": {"S": f"{1:012d}"}})
    assert verify(["--table", "audit", "--chain", "org_a"]) == 1
    out = lines(capsys)[0]
    assert (out["code"], out["first_bad_seq"]) == ("seq_gap", 1)
    assert verify(["--table", "missing"]) == 2
    assert "error" in json.loads(capsys.readouterr().err)
