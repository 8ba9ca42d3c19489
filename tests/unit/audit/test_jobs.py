"""Verification as a job: queued by the console, advanced by the SQS worker with its progress saved, continued
in a fresh invocation before the time is up, and restartable from the last save."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from tessera.audit import checkpoints, repository, service, verification
from tessera.audit.checkpoints import Store
from tessera.audit.models import VerifyJob
from tessera.core import clock
from tests.audit_stream import Stream
from tests.unit.conftest import load_function

T0 = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
ORGS = ("org_a", "org_b", "org_c")


@pytest.fixture
def chains(audit_aws: dict[str, str]) -> Iterator[dict[str, str]]:
    """Three chains of four events each, yesterday's checkpoint signed, one event more today."""
    with clock.frozen(T0):
        stream = Stream()
        for n in range(4):
            for org in ORGS:
                service.record("license.update", "license", f"lic_{n}", actor_id="usr_1", actor_kind="staff",
                               org_id=org, after={"n": n})
        stream.deliver()
        clock.advance(timedelta(days=1))
        checkpoints.write_daily()
        service.record("license.update", "license", "lic_9", actor_id="usr_1", actor_kind="staff", org_id="org_b")
        stream.deliver()
        yield audit_aws


def queued() -> list[str]:
    url = json.loads(json.dumps(boto3.client("sqs").get_queue_url(QueueName="audit-verify")))["QueueUrl"]
    messages = boto3.client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    return [json.loads(m["Body"])["job_id"] for m in messages]


def plenty() -> float:
    return 600.0


def test_a_job_is_queued_and_verifies_every_chain(chains: dict[str, str]) -> None:
    job = verification.start_job(full=False, requested_by="usr_1")
    assert (job.status, job.progress.checked, job.result) == ("queued", 0, None)
    assert queued() == [job.id]
    assert verification.run_job(job.id, plenty, Store.from_settings()) is True
    done = verification.find_job(job.id)
    assert done.status == "done" and done.result is not None
    # from each chain's checkpoint (its 4th event): org_a 4, org_b 4 and 5, org_c 4
    assert done.result.model_dump() == {"valid": True, "checked": 4, "chain": None, "first_bad_seq": None,
                                        "code": "ok", "detail": "4 events in 3 chains verified"}
    assert (done.progress.chains_done, done.progress.chain, done.progress.day) == (3, "org_c", T0.date())
    full = verification.start_job(full=True, requested_by="usr_1")
    verification.run_job(full.id, plenty, Store.from_settings())
    assert verification.find_job(full.id).progress.checked == 13


def test_a_job_continues_where_it_stopped(chains: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verification, "STEP", 2)
    job = verification.start_job(full=True, requested_by="usr_1")
    budget = iter([100.0, 100.0, 100.0, 0.0])  # three steps, then the worker's time is up
    assert verification.run_job(job.id, lambda: next(budget), Store.from_settings()) is False
    middle = verification.find_job(job.id)
    assert middle.status == "running" and middle.result is None
    assert (middle.progress.checked, middle.progress.chains_done, middle.progress.chain) == (6, 1, "org_b")
    assert verification.run_job(job.id, plenty, Store.from_settings()) is True
    done = verification.find_job(job.id)
    assert done.result is not None and done.result.valid and done.result.checked == 13


def test_a_crashed_worker_is_continued_from_the_last_save(chains: dict[str, str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verification, "STEP", 3)
    job = verification.start_job(full=True, requested_by="usr_1")
    advance, calls = verification.advance, []

    def dies_on_the_third_step(walk: Any, limit: int | None = None) -> Any:
        calls.append(walk.chain)
        if len(calls) == 3:
            raise TimeoutError("the Lambda was killed")
        return advance(walk, limit)

    monkeypatch.setattr(verification, "advance", dies_on_the_third_step)
    with pytest.raises(TimeoutError):
        verification.run_job(job.id, plenty, Store.from_settings())
    saved = verification.find_job(job.id)
    assert (saved.progress.checked, saved.progress.chains_done) == (4, 1)  # org_a; nothing of org_b saved yet
    monkeypatch.setattr(verification, "advance", advance)
    assert verification.run_job(job.id, plenty, Store.from_settings()) is True  # the redelivered message
    assert verification.find_job(job.id).result.checked == 13  # type: ignore[union-attr]


def test_a_tampered_event_ends_the_job_with_where_it_is(chains: dict[str, str]) -> None:
    boto3.client("dynamodb").update_item(
        TableName="audit", Key={"pk": {"S": "CHAIN#org_b"}, "sk": {"S": f"{5:012d}"}},
        UpdateExpression="SET reason = :r", ExpressionAttributeValues={":r": {"S": "edited afterwards"}})
    job = verification.start_job(full=False, requested_by="usr_1")
    verification.run_job(job.id, plenty, Store.from_settings())
    result = verification.find_job(job.id).result
    assert result is not None
    assert (result.valid, result.code, result.chain, result.first_bad_seq) == (False, "hash_mismatch", "org_b", 5)
    assert result.checked == 2  # org_a's checkpoint event, and org_b's


def test_two_deliveries_of_one_job_do_not_both_advance_it(chains: dict[str, str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verification, "STEP", 1)
    job = verification.start_job(full=True, requested_by="usr_1")
    record = repository.find_job(job.id)
    assert record is not None
    verification.run_job(job.id, iter([100.0, 0.0]).__next__, Store.from_settings())  # one delivery saves a step
    record.checked = 99  # the other read the job before that save
    with pytest.raises(Exception):  # noqa: B017  (the optimistic lock's error)
        repository.save_job(record)
    assert verification.run_job(job.id, plenty, Store.from_settings()) is True
    assert verification.find_job(job.id).result.checked == 13  # type: ignore[union-attr]


def test_the_worker_queues_the_rest_of_the_job(chains: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verification, "STEP", 2)
    worker = load_function("audit_verify_worker")
    job = verification.start_job(full=True, requested_by="usr_1")
    assert queued() == [job.id]

    class Context:
        function_name, aws_request_id, memory_limit_in_mb = "audit-verify-worker", "req-1", 256
        invoked_function_arn = "arn:aws:lambda:eu-central-1:123456789012:function:audit-verify-worker"
        left = iter([200_000, 200_000, 10_000])

        def get_remaining_time_in_millis(self) -> int:
            return next(self.left, 10_000)

    message = {"messageId": "m-1", "body": json.dumps({"job_id": job.id})}
    assert worker.lambda_handler({"Records": [message]}, Context()) == {"batchItemFailures": []}
    assert queued() == [job.id]  # continued in a fresh invocation
    assert verification.find_job(job.id).status == "running"
    broken = {"messageId": "m-2", "body": "{}"}
    assert worker.lambda_handler({"Records": [broken]}, Context()) == {"batchItemFailures": [{"itemIdentifier": "m-2"}]}


def test_a_job_view_is_what_the_console_shows(chains: dict[str, str]) -> None:
    job = verification.start_job(full=False, requested_by="usr_1")
    assert isinstance(job, VerifyJob) and job.id.startswith("vjob_")
    with pytest.raises(Exception, match="No such verification"):
        verification.find_job("vjob_01ARZ3NDEKTSV4RRFFQ69G5FAV")
