"""Signed heartbeats: verified without DynamoDB, queued, answered with a signed receipt; the worker
applies batches, coalescing an installation's repeats; revocation reaches the installation."""

import json
import os
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from jwt.utils import base64url_decode

from tessera.core import clock
from tessera.core.crypto import LocalSigner, jwk_to_public_key, jws_sign, jws_verify, public_jwk
from tests.integration.identity.flows import admin, customer
from tests.integration.stack import Client, LambdaContext, Platform, handler_of

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
TERMS = {"plan": "advanced", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "domain": "budget.romashka.ru",
         "version_min": "4.0"}


def claims_of(token: str) -> dict[str, Any]:
    """A JWS payload, unverified (the tests verify signatures where that is the point)."""
    return dict(json.loads(base64url_decode(token.split(".")[1])))


class Installation:
    def __init__(self, key: str, fingerprint: str = "machine-aaaabbbbccccdddd") -> None:
        self.signer = LocalSigner.generate()
        jwk = public_jwk(self.signer.public_key(), kid="")
        answer = Client().post("/api/licenses/activate", {
            "license_key": key, "fingerprint": fingerprint, "software_version": "4.2.0",
            "domain": "budget.romashka.ru", "public_key": {k: jwk[k] for k in ("kty", "crv", "x", "y")}}).body
        assert answer["activated"], answer
        self.id, self.certificate = answer["installation_id"], answer["certificate"]
        self.license_id = claims_of(self.certificate)["lic"]
        self.seq = 0

    def beat(self, *, signer: LocalSigner | None = None, sent_at: datetime | None = None, seq: int | None = None,
             users: int = 10, usage: dict[str, Any] | None = None, **fields: Any) -> Any:
        self.seq = seq if seq is not None else self.seq + 1
        payload = {"lic": self.license_id, "ins": self.id, "seq": self.seq,
                   "sent_at": int((sent_at or clock.now()).timestamp()), "software_version": "4.2.0",
                   "active_modules": ["core"], "usage": {"users": users} if usage is None else usage,
                   "seen_version": 1, **fields}
        token = jws_sign(payload, signer or self.signer, kid=self.id)
        return Client().post("/api/licenses/heartbeat", {"heartbeat": token, "certificate": self.certificate})


@pytest.fixture
def world(stack: Platform) -> dict[str, Any]:
    console = admin(stack)
    _, me = customer(stack, "owner@romashka.ru")
    with clock.frozen(NOW):
        issued = console.post("/api/console/licenses", {"org_id": me["current"]["org_id"], **TERMS}).body
        installation = Installation(issued["license_key"])
    return {"console": console, "license": issued, "installation": installation}


def drain() -> dict[str, Any]:
    """What the SQS event source does: receive a batch and hand it to the worker."""
    sqs = boto3.client("sqs")
    messages = sqs.receive_message(QueueUrl=os.environ["HEARTBEAT_QUEUE_URL"], MaxNumberOfMessages=10,
                                   MessageSystemAttributeNames=["All"])
    records = [{"messageId": m["MessageId"], "body": m["Body"], "attributes": m.get("Attributes", {})}
               for m in messages.get("Messages", [])]
    answer = handler_of("HeartbeatWorkerFunction")({"Records": records}, LambdaContext())
    for m in messages.get("Messages", []):
        sqs.delete_message(QueueUrl=os.environ["HEARTBEAT_QUEUE_URL"], ReceiptHandle=m["ReceiptHandle"])
    return {"count": len(records), **answer}


def activation(installation: Installation) -> dict[str, Any]:
    from tessera.licensing import repository

    record = next(a for a in repository.activations(installation.license_id) if a.installation_id == installation.id)
    return {"last_seq": record.last_seq, "usage": record.usage, "heartbeats": record.heartbeats}


def test_heartbeat_is_queued_and_answered_with_a_verifiable_receipt(world: dict[str, Any]) -> None:
    installation: Installation = world["installation"]
    with clock.frozen(NOW + timedelta(minutes=1)):
        answer = installation.beat()
        assert answer.status == 200 and (answer.body["accepted"], answer.body["code"]) == (True, "ACCEPTED")
        keys = {k["kid"]: jwk_to_public_key(k) for k in Client().get("/api/licenses/jwks.json").body["keys"]}
        _, certificate = jws_verify(answer.body["signing_certificate"], keys)  # the chain: KMS key → response key
        response_key = {certificate["jwk"]["kid"]: jwk_to_public_key(certificate["jwk"])}
        _, receipt = jws_verify(answer.body["receipt"], response_key)
        assert (receipt["state"], receipt["revoked"], receipt["seq"]) == ("VALID", False, 1)
        assert receipt["server_time"] == int((NOW + timedelta(minutes=1)).timestamp()) and receipt["update"] is None
    assert drain()["count"] == 1
    assert activation(installation)["last_seq"] == 1 and activation(installation)["usage"] == {"users": 10}
    console: Client = world["console"]
    for later, state in ((timedelta(minutes=2), "active"), (timedelta(hours=4), "stale"), (timedelta(days=4),
                                                                                            "inactive")):
        with clock.frozen(NOW + later):
            monitored = console.get(f"/api/console/licenses/{installation.license_id}/activations").body
            row = monitored["items"][0]
            assert (row["state"], row["usage"], row["behind_latest"]) == (state, {"users": 10}, False)


def test_repeats_in_a_batch_are_coalesced_and_old_ones_change_nothing(world: dict[str, Any]) -> None:
    installation: Installation = world["installation"]
    with clock.frozen(NOW + timedelta(minutes=1)):
        for users in (11, 12, 13):
            assert installation.beat(users=users).body["accepted"]
        assert drain() == {"count": 3, "batchItemFailures": []}
        assert activation(installation) == {"last_seq": 3, "usage": {"users": 13}, "heartbeats": 3}
        from tessera.licensing import heartbeats

        heartbeats._seen.clear()  # another container, which has not seen seq 2
        late = installation.beat(seq=2, users=99)
        assert late.body["accepted"]
        drain()
        assert activation(installation) == {"last_seq": 3, "usage": {"users": 13}, "heartbeats": 3}


def test_a_redelivered_batch_counts_each_heartbeat_once(world: dict[str, Any]) -> None:
    """SQS delivers at least once: a batch seen again, whole or overlapping, changes no count."""
    installation: Installation = world["installation"]
    sqs = boto3.client("sqs")
    with clock.frozen(NOW + timedelta(minutes=1)):
        for users in (21, 22):
            assert installation.beat(users=users).body["accepted"]
        first = sqs.receive_message(QueueUrl=os.environ["HEARTBEAT_QUEUE_URL"], MaxNumberOfMessages=10)["Messages"]
        for users in (23, 24):
            assert installation.beat(users=users).body["accepted"]
        second = sqs.receive_message(QueueUrl=os.environ["HEARTBEAT_QUEUE_URL"], MaxNumberOfMessages=10)["Messages"]
    worker = handler_of("HeartbeatWorkerFunction")

    def as_records(messages: list[dict[str, Any]]) -> list[dict[str, str]]:
        return [{"messageId": m["MessageId"], "body": m["Body"]} for m in messages]

    assert worker({"Records": as_records(first)}, LambdaContext())["batchItemFailures"] == []
    assert worker({"Records": as_records(first)}, LambdaContext())["batchItemFailures"] == []  # redelivered
    assert activation(installation) == {"last_seq": 2, "usage": {"users": 22}, "heartbeats": 2}
    worker({"Records": as_records(first + second)}, LambdaContext())  # overlapping: 1, 2 again with 3, 4
    assert activation(installation) == {"last_seq": 4, "usage": {"users": 24}, "heartbeats": 4}


def test_forged_replayed_and_skewed_heartbeats_are_refused(world: dict[str, Any]) -> None:
    installation: Installation = world["installation"]
    with clock.frozen(NOW + timedelta(minutes=1)):
        assert installation.beat(signer=LocalSigner.generate()).body["code"] == "BAD_SIGNATURE"
        assert installation.beat(sent_at=NOW - timedelta(hours=1)).body["code"] == "CLOCK_SKEW"
        assert installation.beat().body["accepted"]
        assert installation.beat(seq=installation.seq).body["code"] == "REPLAY"
        other = Installation(world["license"]["license_key"], fingerprint="machine-other-0000000000")
        payload = {"lic": other.license_id, "ins": other.id, "seq": 1, "sent_at": int(clock.now().timestamp()),
                   "software_version": "4.2.0"}
        borrowed = jws_sign(payload, installation.signer, kid=other.id)  # my key, another's certificate
        answer = Client().post("/api/licenses/heartbeat", {"heartbeat": borrowed, "certificate": other.certificate})
        assert answer.body["code"] in ("BAD_SIGNATURE", "FOREIGN_KEY") and not answer.body["accepted"]
        forged_certificate = installation.certificate[:-4] + "AAAA"
        answer = Client().post("/api/licenses/heartbeat", {"heartbeat": "x" * 40, "certificate": forged_certificate})
        assert answer.body["code"] == "BAD_CERTIFICATE"
    assert drain()["count"] == 1  # only the one accepted heartbeat was queued


def test_revocation_reaches_the_installation_at_its_next_heartbeat(world: dict[str, Any]) -> None:
    from tessera.licensing import heartbeats

    installation: Installation = world["installation"]
    with clock.frozen(NOW + timedelta(minutes=1)):
        world["console"].post("/api/licenses/revoke", {"license_id": installation.license_id, "reason": "unpaid"})
        heartbeats._licenses.clear()  # a container's minute-long cache of the license
        answer = installation.beat()
        receipt = claims_of(answer.body["receipt"])
        assert (receipt["state"], receipt["revoked"]) == ("REVOKED", True)
        assert claims_of(receipt["update"])["revoked"] is True  # the signed revocation the SDK keeps


def test_monitoring_flags_clones_and_limit_violations(world: dict[str, Any]) -> None:
    installation: Installation = world["installation"]
    with clock.frozen(NOW + timedelta(minutes=1)):
        twin = Installation(world["license"]["license_key"], fingerprint="machine-twin-000000000000")
        assert installation.beat(users=230).body["accepted"] and twin.beat(users=5).body["accepted"]
        drain()
        monitored = world["console"].get(f"/api/console/licenses/{installation.license_id}/activations").body
    assert monitored["clone_suspected"] is True
    rows = {row["installation_id"]: row for row in monitored["items"]}
    over = rows[installation.id]["violations"][0]
    assert (over["limit"], over["used"], over["allowed_up_to"], over["over"]) == ("users", 230, 220, True)
    assert rows[twin.id]["violations"] == []


@pytest.mark.parametrize("usage, loc", [
    ({"users": -5}, "usage.users"),
    ({"users": 1e30}, "usage.users"),
    ({"users": 12.5}, "usage.users"),
    ({"users": 12.0}, "usage.users"),  # a count is a JSON integer
    ({"users": True}, "usage.users"),
    ({"users": "12"}, "usage.users"),
    ({"departments": 1_000_000_001}, "usage.departments"),
    ({"seats": 3}, "usage.seats"),  # no such limit
])
def test_bad_usage_in_a_signed_heartbeat_answers_invalid_usage_and_changes_nothing(
        world: dict[str, Any], usage: dict[str, Any], loc: str) -> None:
    installation: Installation = world["installation"]
    with clock.frozen(NOW + timedelta(minutes=1)):
        assert installation.beat(users=7).body["accepted"]
        answer = installation.beat(usage=usage)
        assert answer.status == 200 and not answer.body["accepted"] and answer.body["receipt"] is None
        assert answer.body["code"] == "INVALID_USAGE" and [e["loc"] for e in answer.body["errors"]] == [loc]
        forged = installation.beat(usage=usage, signer=LocalSigner.generate())
        assert (forged.body["code"], forged.body["errors"]) == ("BAD_SIGNATURE", [])  # nothing told to a forger
    assert drain()["count"] == 1
    assert activation(installation) == {"last_seq": 1, "usage": {"users": 7}, "heartbeats": 1}


def test_other_bad_fields_answer_invalid_report(world: dict[str, Any]) -> None:
    installation: Installation = world["installation"]
    with clock.frozen(NOW + timedelta(minutes=1)):
        answer = installation.beat(usage={"users": -1}, software_version="four")
    assert answer.body["code"] == "INVALID_REPORT"
    assert {e["loc"] for e in answer.body["errors"]} == {"usage.users", "software_version"}
    assert drain()["count"] == 0


def test_a_violation_inside_a_batch_is_not_lost_when_the_newest_is_fine(world: dict[str, Any]) -> None:
    """The worker writes only the newest heartbeat of an installation, but alerts on the worst."""
    installation: Installation = world["installation"]
    with clock.frozen(NOW + timedelta(minutes=1)):
        for users in (10, 230, 12):  # the advanced plan allows 200 users (soft, up to 220)
            assert installation.beat(users=users).body["accepted"]
        assert drain() == {"count": 3, "batchItemFailures": []}
    assert activation(installation)["usage"] == {"users": 12}
    sqs = boto3.client("sqs")
    queued = sqs.receive_message(QueueUrl=os.environ["NOTIFY_QUEUE_URL"], MaxNumberOfMessages=10).get("Messages", [])
    alerts = [json.loads(m["Body"]) for m in queued]
    assert len(alerts) == 1 and alerts[0]["installation_id"] == installation.id
    assert [(v["limit"], v["used"], v["over"]) for v in alerts[0]["violations"]] == [("users", 230, True)]
