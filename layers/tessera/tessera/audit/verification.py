"""Verifying the chains, and the verification job the console starts.

A chain verifies when, walking its events in seq order from the newest valid signed checkpoint (or
from genesis): each event's hash is recomputed from its stored fields and its predecessor's hash; no
seq is missing, except where TTL removed events past the retention (the event after such a gap says
when its predecessor was written); the event the checkpoint names carries the signed hash; and the
head is the last event. The job also finds events the chainer never chained.

The job runs in the audit verify worker (SQS): it saves where it stands after every few hundred
events and, before its time is up, queues itself to continue; a worker that dies is redelivered the
message and continues from the last save. The job record's version keeps two deliveries of one job
from both advancing it."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from pynamodb.exceptions import PutError

from tessera.audit import repository
from tessera.audit.models import GENESIS_HASH, VerifyCode, VerifyJob, VerifyProgress, VerifyResult, parse_at
from tessera.audit.records import RETENTION_DAYS, VerifyJobRecord
from tessera.audit.repository import Head, Unreadable
from tessera.audit.settings import AuditSettings
from tessera.core import aws, clock
from tessera.core.errors import NotFound
from tessera.core.ids import new_id
from tessera.core.observability import logger
from tessera.core.settings import get_settings

sqs = aws.client("sqs")

if TYPE_CHECKING:
    from tessera.audit.checkpoints import Store

UNCHAINED_AFTER = timedelta(minutes=15)  # the chainer takes seconds; older and still new is a finding
STEP = 500  # events between two saves of a job's progress
TIME_MARGIN_SECONDS = 30  # a worker stops this long before its timeout and continues in a new message


@dataclass
class Walk:
    """Where the verification of one chain stands: enough to continue it in another process."""

    chain: str
    head_seq: int | None
    head_hash: str | None
    head_at: str | None
    first: int = 1  # where the walk began
    expected: int = 1  # the next seq to read
    prev_hash: str | None = GENESIS_HASH  # what that event's prev_hash must be; None: not known (a checkpoint's)
    vouched_seq: int | None = None  # the newest valid checkpoint's seq and hash
    vouched_hash: str | None = None
    vouched_day: str | None = None
    invalid_checkpoints: list[str] = field(default_factory=list)  # newer days whose signature failed
    checked: int = 0
    day: str | None = None  # of the last event checked

    def bad(self, code: VerifyCode, seq: int | None, detail: str) -> VerifyResult:
        return VerifyResult(valid=False, checked=self.checked, chain=self.chain, first_bad_seq=seq, code=code,
                            detail=detail)


def start(chain: str, *, full: bool = False, store: Store | None = None, upto: Head | None = None
          ) -> Walk | VerifyResult:
    """A walk of `chain` up to its head as it is now (or up to `upto`): appends after this moment are
    not checked. From the newest valid checkpoint in `store`, or from genesis when `full` or there is none."""
    head = upto or repository.read_head(chain)
    walk = Walk(chain=chain, head_seq=head.seq if head else None, head_hash=head.hash if head else None,
                head_at=head.at if head else None)
    checkpoint, invalid = store.newest_valid(chain) if store is not None else (None, [])
    walk.invalid_checkpoints = [day.isoformat() for day in invalid]
    if checkpoint is None:
        return walk
    if upto is not None and checkpoint.seq > upto.seq:
        return walk  # a checkpoint past the segment being verified says nothing about it: from genesis
    if head is None or checkpoint.seq > head.seq:
        return walk.bad("checkpoint_mismatch", checkpoint.seq,
                        f"the checkpoint of {checkpoint.day} is at {checkpoint.seq}, the chain ends at "
                        f"{head.seq if head else 0}")
    walk.vouched_seq, walk.vouched_hash, walk.vouched_day = checkpoint.seq, checkpoint.hash, checkpoint.day.isoformat()
    if not full:
        walk.first = walk.expected = checkpoint.seq
        walk.prev_hash = None
    return walk


def advance(walk: Walk, limit: int | None = None) -> VerifyResult | None:
    """Check up to `limit` more events; the chain's result once it is walked to its head, else None."""
    if walk.head_seq is None:
        if next(repository.walk_chain(walk.chain), None) is not None:
            return walk.bad("head_mismatch", 1, "the chain has events but no head")
        return VerifyResult(valid=True, checked=0, chain=walk.chain, code="ok", detail="the chain is empty")
    done = 0
    for event in repository.walk_chain(walk.chain, walk.expected, walk.head_seq):
        if limit is not None and done >= limit:
            return None
        if isinstance(event, Unreadable):
            return walk.bad("hash_mismatch", event.seq, f"event {event.seq} cannot be read ({event.error})")
        assert event.seq is not None
        if event.seq != walk.expected:
            if not (event.seq > walk.expected and event.prev_at is not None and _expired(event.prev_at)):
                return walk.bad("seq_gap", walk.expected, f"event {walk.expected} is missing (next is {event.seq})")
            walk.prev_hash = event.prev_hash  # aged out by TTL: continue from what the survivor says
        if (walk.prev_hash is not None and event.prev_hash != walk.prev_hash) or event.hash != event.computed_hash():
            return walk.bad("hash_mismatch", event.seq, f"event {event.seq} does not match its hash")
        if event.seq == walk.vouched_seq and event.hash != walk.vouched_hash:
            return walk.bad("checkpoint_mismatch", event.seq,
                            f"event {event.seq} differs from the signed checkpoint of {walk.vouched_day}")
        walk.prev_hash, walk.expected = event.hash, event.seq + 1
        walk.checked, walk.day, done = walk.checked + 1, event.at.date().isoformat(), done + 1
    return _end(walk)


def _end(walk: Walk) -> VerifyResult:
    assert walk.head_seq is not None and walk.head_at is not None
    last = walk.expected - 1
    if last != walk.head_seq and not _expired(parse_at(walk.head_at)):
        return walk.bad("head_mismatch", walk.expected, f"the head is at {walk.head_seq}, the events end at {last}")
    if last == walk.head_seq and walk.prev_hash != walk.head_hash:
        return walk.bad("head_mismatch", walk.head_seq, "the head's hash differs from the last event's")
    if walk.invalid_checkpoints:
        return walk.bad("checkpoint_invalid", None, "the signature of the checkpoint of "
                        f"{', '.join(walk.invalid_checkpoints)} does not verify; checked from an older one")
    since = f" (the signed checkpoint of {walk.vouched_day})" if walk.first > 1 else ""
    return VerifyResult(valid=True, checked=walk.checked, chain=walk.chain, code="ok",
                        detail=f"{walk.checked} events verified from {walk.first}{since} up to {walk.head_seq}")


def _expired(at: datetime) -> bool:
    return at + timedelta(days=RETENTION_DAYS) <= clock.now()


def verify_chain(chain: str, *, full: bool = False, store: Store | None = None, upto: Head | None = None
                 ) -> VerifyResult:
    """One chain, walked in this process (the checkpoint job, the verify script, tests)."""
    walk = start(chain, full=full, store=store, upto=upto)
    if isinstance(walk, VerifyResult):
        return walk
    result = advance(walk)
    assert result is not None
    return result


def unchained(chain: str) -> VerifyResult | None:
    """A finding when an event of `chain` written more than UNCHAINED_AFTER ago is still not chained."""
    late = repository.unchained_before(chain, clock.now() - UNCHAINED_AFTER)
    if not late:
        return None
    first = min(late, key=lambda event: event.at)
    return VerifyResult(valid=False, checked=0, chain=chain, code="unchained",
                        detail=f"{len(late)} events are not chained, the first {first.id} written "
                               f"{first.at:%Y-%m-%d %H:%M} UTC")


# --- the job ---------------------------------------------------------------------------------------

def continue_later(job_id: str) -> None:
    """Queue the job for the verify worker (to start it, or to continue it in a fresh invocation)."""
    url = get_settings(AuditSettings).verify_queue_url
    if not url:
        raise RuntimeError("AUDIT_VERIFY_QUEUE_URL is not set for this function")
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"job_id": job_id}))


def start_job(*, full: bool, requested_by: str) -> VerifyJob:
    record = repository.new_job(new_id("vjob"), full, requested_by)
    continue_later(record.job_id)
    return view(record)


def find_job(job_id: str) -> VerifyJob:
    record = repository.find_job(job_id)
    if record is None:
        raise NotFound("No such verification.", code="verification-unknown")
    return view(record)


def view(record: VerifyJobRecord) -> VerifyJob:
    return VerifyJob(id=record.job_id, status=record.status, full=bool(record.full), created_at=record.created_at,
                     updated_at=record.updated_at,
                     progress=VerifyProgress(checked=int(record.checked or 0), chains_done=int(record.chains_done or 0),
                                             chain=record.chain, day=record.day),
                     result=VerifyResult.model_validate(record.result) if record.result else None)


def run_job(job_id: str, seconds_left: Callable[[], float], store: Store) -> bool:
    """Advance the job until it is done (True) or its time is nearly up (False: continue it later)."""
    record = repository.find_job(job_id)
    if record is None or record.status == "done":
        return True
    state: dict[str, Any] = record.position or {}
    walk = Walk(**state["walk"]) if state.get("walk") else None
    record.status = "running"
    while seconds_left() > TIME_MARGIN_SECONDS:
        if walk is None:
            names = repository.chains(state.get("after"), limit=1)
            if not names:
                return _finish(record, VerifyResult(valid=True, checked=0, code="ok", detail=(
                    f"{record.checked} events in {record.chains_done} chains verified")))
            started = start(names[0], full=bool(record.full), store=store)
            if isinstance(started, VerifyResult):
                return _finish(record, started)
            walk, record.chain = started, started.chain
        before = walk.checked
        result = advance(walk, STEP)
        record.checked = int(record.checked or 0) + walk.checked - before
        record.day = walk.day or record.day
        if result is not None:
            if result.valid:
                result = unchained(walk.chain) or result
            if not result.valid:
                return _finish(record, result)
            state, walk = {"after": walk.chain}, None
            record.chains_done = int(record.chains_done or 0) + 1
        record.position = {**state, "walk": asdict(walk) if walk else None}
        if not _save(record):
            return True
    return False


def _finish(record: VerifyJobRecord, result: VerifyResult) -> bool:
    record.status, record.position = "done", None
    record.result = result.model_copy(update={"checked": int(record.checked or 0)}).model_dump(mode="json")
    if _save(record):
        logger.info("audit verification done", extra={"job_id": record.job_id, "code": result.code,
                                                      "chain": result.chain, "checked": record.checked})
    return True


def _save(record: VerifyJobRecord) -> bool:
    """False when another delivery of the job saved it first: that one goes on."""
    try:
        repository.save_job(record)
    except PutError as exc:
        if getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException":
            return False
        raise
    return True
