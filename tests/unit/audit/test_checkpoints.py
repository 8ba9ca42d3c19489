"""Daily checkpoints: signed by the audit key in KMS, verifiable offline with its public key, written only
for chains that moved and only after they verified; verification starts from them and they catch a
history rewritten with every hash recomputed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import boto3
import pytest
from cryptography.hazmat.primitives import serialization
from jwt.utils import base64url_decode, base64url_encode

from tessera.audit import checkpoints, repository, service
from tessera.audit.checkpoints import Checkpoint, InvalidCheckpoint, Store
from tessera.audit.models import AuditEvent
from tessera.audit.verification import verify_chain
from tessera.core import clock
from tests.audit_stream import Stream

DAY = date(2026, 2, 1)
T0 = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def stream(audit_aws: dict[str, str]) -> Iterator[Stream]:
    with clock.frozen(T0):
        yield Stream()


def write(org: str, n: int = 0) -> AuditEvent:
    clock.advance(timedelta(minutes=1))
    return service.record("license.update", "license", f"lic_{n}", actor_id="usr_1", actor_kind="staff",
                          org_id=org, after={"n": n})


def public_key() -> Any:
    """The key's public half as an auditor gets it once (PEM), with no access to KMS afterwards."""
    der = boto3.client("kms").get_public_key(KeyId=checkpoints.signer().key_id)["PublicKey"]
    pem = serialization.load_der_public_key(der).public_bytes(serialization.Encoding.PEM,
                                                              serialization.PublicFormat.SubjectPublicKeyInfo)
    return serialization.load_pem_public_key(pem)


def stored(chain: str, day: date = DAY) -> str:
    return boto3.client("s3").get_object(Bucket="checkpoints", Key=checkpoints.key(chain, day))["Body"].read().decode()


def forge(chain: str, day: date, **claims: Any) -> None:
    """Overwrite a checkpoint file with edited claims and the old signature (no access to the key)."""
    header, payload, signature = stored(chain, day).split(".")
    edited = {**json.loads(base64url_decode(payload)), **claims}
    body = base64url_encode(json.dumps(edited, separators=(",", ":"), sort_keys=True).encode()).decode()
    token = f"{header}.{body}.{signature}"
    boto3.client("s3").put_object(Bucket="checkpoints", Key=checkpoints.key(chain, day), Body=token.encode())


def next_day() -> None:
    clock.advance(timedelta(days=1))


def test_the_days_last_position_signed_per_chain_that_moved(stream: Stream) -> None:
    a = [write("org_a", n) for n in range(3)]
    b = write("org_b")
    stream.deliver()
    assert checkpoints.write_daily(DAY - timedelta(days=1)) == {"day": "2026-01-31", "written": 0, "existing": 0,
                                                                 "broken": 0}  # nothing moved that day
    next_day()
    late = write("org_a", 9)  # after midnight: not part of the day
    stream.deliver()
    assert checkpoints.write_daily() == {"day": "2026-02-01", "written": 2, "existing": 0, "broken": 0}
    signed = checkpoints.verify(stored("org_a"), public_key(), "org_a")
    chained_a = [e for e in repository.walk_chain("org_a") if isinstance(e, AuditEvent)]
    assert signed == Checkpoint(chain="org_a", day=DAY, seq=3, hash=chained_a[2].hash or "", at=a[2].at)
    assert chained_a[3].id == late.id
    assert checkpoints.verify(stored("org_b"), public_key()).seq == 1 and b.chain == "org_b"
    # a run again (a retried schedule) does not sign anew: the locked objects stand
    assert checkpoints.write_daily(DAY)["existing"] == 2
    next_day()
    assert checkpoints.write_daily()["written"] == 1  # only org_a moved on the 2nd


def test_an_edited_or_misplaced_checkpoint_file_fails(stream: Stream) -> None:
    write("org_a")
    write("org_b")
    stream.deliver()
    next_day()
    checkpoints.write_daily()
    token = stored("org_a")
    with pytest.raises(InvalidCheckpoint, match="a checkpoint of org_a, not of org_b"):
        checkpoints.verify(token, public_key(), "org_b")
    forge("org_a", DAY, seq=7)
    with pytest.raises(InvalidCheckpoint, match="bad_signature"):
        checkpoints.verify(stored("org_a"), public_key())
    other_key = boto3.client("kms").create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    with pytest.raises(InvalidCheckpoint, match="unknown_kid"):
        checkpoints.verify(token, checkpoints.KmsSigner(other_key["KeyId"]).public_key())


def test_verification_starts_at_the_newest_checkpoint(stream: Stream) -> None:
    for n in range(4):
        write("org_a", n)
    stream.deliver()
    next_day()
    checkpoints.write_daily()
    write("org_a", 5)
    stream.deliver()
    store = Store.from_settings()
    result = verify_chain("org_a", store=store)
    assert (result.valid, result.checked) == (True, 2)  # the checkpoint's event and the one after it
    assert result.detail == "2 events verified from 4 (the signed checkpoint of 2026-02-01) up to 5"
    assert verify_chain("org_a", store=store, full=True).checked == 5


def test_a_rewritten_history_with_every_hash_recomputed_is_caught(stream: Stream) -> None:
    for n in range(3):
        write("org_a", n)
    stream.deliver()
    next_day()
    checkpoints.write_daily()
    write("org_a", 3)
    stream.deliver()
    # someone with write access to the table edits event 1 and recomputes every later hash and the head
    events = [e for e in repository.walk_chain("org_a") if isinstance(e, AuditEvent)]
    prev_hash = None
    table = boto3.resource("dynamodb").Table("audit")
    for event in events:
        edited = event.model_copy(update={"reason": "nothing happened"} if event.seq == 1 else {})
        if prev_hash is not None:
            edited.prev_hash = prev_hash
        edited.hash = prev_hash = edited.computed_hash()
        table.update_item(Key={"pk": "CHAIN#org_a", "sk": f"{event.seq:012d}"},
                          UpdateExpression="SET reason = :r, prev_hash = :p, #h = :h",
                          ExpressionAttributeNames={"#h": "hash"},
                          ExpressionAttributeValues={":r": edited.reason, ":p": edited.prev_hash, ":h": edited.hash})
    table.update_item(Key={"pk": "CHAIN#org_a", "sk": "HEAD"}, UpdateExpression="SET #h = :h",
                      ExpressionAttributeNames={"#h": "hash"}, ExpressionAttributeValues={":h": prev_hash})
    assert verify_chain("org_a").valid  # consistent in itself…
    for full in (False, True):  # …but not with what was signed
        result = verify_chain("org_a", store=Store.from_settings(), full=full)
        assert (result.valid, result.code, result.first_bad_seq) == (False, "checkpoint_mismatch", 3)


def test_a_chain_cut_back_behind_its_checkpoint_is_caught(stream: Stream) -> None:
    for n in range(3):
        write("org_a", n)
    stream.deliver()
    next_day()
    checkpoints.write_daily()
    events = [e for e in repository.walk_chain("org_a") if isinstance(e, AuditEvent)]
    table = boto3.resource("dynamodb").Table("audit")
    table.delete_item(Key={"pk": "CHAIN#org_a", "sk": f"{3:012d}"})
    table.update_item(Key={"pk": "CHAIN#org_a", "sk": "HEAD"}, UpdateExpression="SET seq = :s, #h = :h",
                      ExpressionAttributeNames={"#h": "hash"},
                      ExpressionAttributeValues={":s": 2, ":h": events[1].hash})
    assert verify_chain("org_a").valid
    result = verify_chain("org_a", store=Store.from_settings())
    assert (result.code, result.first_bad_seq) == ("checkpoint_mismatch", 3)


def test_a_forged_checkpoint_is_passed_over_and_reported(stream: Stream) -> None:
    write("org_a", 0)
    stream.deliver()
    next_day()
    checkpoints.write_daily()
    write("org_a", 1)
    stream.deliver()
    next_day()
    checkpoints.write_daily()
    forge("org_a", DAY + timedelta(days=1), seq=1)
    result = verify_chain("org_a", store=Store.from_settings())
    assert (result.valid, result.code, result.checked) == (False, "checkpoint_invalid", 2)  # from the 1st day's
    assert "2026-02-02" in result.detail


def test_a_broken_chain_is_not_signed(stream: Stream) -> None:
    for n in range(3):
        write("org_a", n)
    write("org_b")
    stream.deliver()
    boto3.client("dynamodb").delete_item(TableName="audit", Key={"pk": {"S": "CHAIN#org_a"},
                                                                  "sk": {"S": f"{2:012d}"}})
    next_day()
    with pytest.raises(checkpoints.ChainsBroken, match="org_a: seq_gap at 2"):
        checkpoints.write_daily()
    assert Store.from_settings().days("org_a") == []
    assert Store.from_settings().days("org_b") == [DAY]
