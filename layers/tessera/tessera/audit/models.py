"""Audit entries (what a mutation reports), events (what is stored and shown), the field diff and
the hash that chains events together."""

from __future__ import annotations

import _strptime  # noqa: F401  (parse_at's datetime.strptime would import it on first use: at init instead)
import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError, to_jsonable_python

from tessera.core.i18n import register_fields
from tessera.core.ids import sha256_hex
from tessera.core.observability import MASK, SENSITIVE_KEYS

register_fields({
    "date_range_invalid": {"ru": "Начальная дата позже конечной.", "en": "The first day is after the last."},
})

ActorKind = Literal["staff", "customer", "installation", "system"]
# stable: scripts, alarms and the console match on them
VerifyCode = Literal["ok", "hash_mismatch", "seq_gap", "head_mismatch", "checkpoint_mismatch", "checkpoint_invalid",
                     "unchained"]
JobStatus = Literal["queued", "running", "done"]
ACTION_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$"  # "staff.invite", "customer_data.read"
CHAIN_PATTERN = r"^[A-Za-z0-9_-]{1,80}$"  # "platform", "org_01J…"
GENESIS_HASH = "0" * 64  # the prev_hash of seq 1
_AT_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"  # fixed width, so it sorts as text and hashes the same every time


class AuditActor(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=200)
    kind: ActorKind
    display: str | None = Field(None, max_length=300)
    roles: list[str] = Field(default_factory=list)


class AuditEntry(BaseModel):
    """What a mutation reports, after validation, in the request that makes it."""

    model_config = ConfigDict(extra="forbid")

    actor: AuditActor
    action: str = Field(pattern=ACTION_PATTERN, max_length=100)
    entity_type: str = Field(min_length=1, max_length=60)
    entity_id: str = Field(min_length=1, max_length=300)
    org_id: str | None = Field(None, max_length=100)  # the customer organization the entity belongs to
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    reason: str | None = Field(None, max_length=1000)
    request_id: str | None = Field(None, max_length=200)
    ip: str | None = Field(None, max_length=100)
    user_agent: str | None = Field(None, max_length=300)


class AuditEvent(AuditEntry):
    """A stored event. `before`/`after` are masked snapshots; `diff` was computed from the unmasked ones.
    seq, prev_hash and hash are null until the chainer has given the event its place in its chain,
    seconds after it was written."""

    id: str  # aud_<ULID>
    chain: str
    seq: int | None = None
    at: datetime
    prev_at: datetime | None = None  # `at` of seq-1: tells an expired (TTL) gap from a deletion
    prev_hash: str | None = None
    hash: str | None = None
    diff: dict[str, list[Any]] = Field(default_factory=dict)

    def document(self) -> dict[str, Any]:
        """Everything the hash covers. Listed explicitly: adding a view field must not change old hashes."""
        return {"id": self.id, "chain": self.chain, "seq": self.seq, "at": format_at(self.at),
                "prev_at": format_at(self.prev_at) if self.prev_at else None, "prev_hash": self.prev_hash,
                "actor": self.actor.model_dump(mode="json"), "action": self.action,
                "entity_type": self.entity_type, "entity_id": self.entity_id, "org_id": self.org_id,
                "before": self.before, "after": self.after, "diff": self.diff, "reason": self.reason,
                "request_id": self.request_id, "ip": self.ip, "user_agent": self.user_agent}

    def computed_hash(self) -> str:
        return chain_hash(self.prev_hash or "", self.document())


class AuditFilters(BaseModel):
    """Search and export filters. One of actor / entity / org / days is the query; the rest filter it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    actor: str | None = Field(None, min_length=1, max_length=200)
    entity: tuple[str, str] | None = None  # (entity_type, entity_id)
    org: str | None = Field(None, min_length=1, max_length=100)
    actor_kind: ActorKind | None = None  # e.g. "staff": what a customer sees of staff access to its data
    action: str | None = Field(None, pattern=r"^[a-z0-9_.]+(\.\*)?$", max_length=100)  # exact, or "auth.*"
    date_from: date | None = None  # inclusive, UTC
    date_to: date | None = None  # inclusive, UTC

    @model_validator(mode="after")
    def _range_in_order(self) -> AuditFilters:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise PydanticCustomError("date_range_invalid", "The first day is after the last.")
        return self


class VerifyResult(BaseModel):
    valid: bool
    checked: int  # events whose hash was recomputed
    chain: str | None = None  # where the problem is
    first_bad_seq: int | None = None
    code: VerifyCode
    detail: str


class VerifyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    full: bool = Field(False, description="from each chain's first event instead of its newest signed checkpoint")


class VerifyProgress(BaseModel):
    checked: int = Field(description="events whose hash was recomputed so far")
    chains_done: int
    chain: str | None = Field(None, description="the chain being verified")
    day: date | None = Field(None, description="the day of the last event checked")


class VerifyJob(BaseModel):
    id: str
    status: JobStatus
    full: bool
    created_at: datetime
    updated_at: datetime
    progress: VerifyProgress
    result: VerifyResult | None = None


def format_at(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(_AT_FORMAT)


def parse_at(text: str) -> datetime:
    return datetime.strptime(text, _AT_FORMAT).replace(tzinfo=UTC)


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(prev_hash: str, document: Mapping[str, Any]) -> str:
    return sha256_hex(prev_hash + canonical_json(document))


def jsonable(value: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Plain JSON types (datetimes, decimals, sets, models converted), so hashing is reproducible."""
    return None if value is None else to_jsonable_python(dict(value))


def mask_snapshot(value: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A before/after snapshot as stored: fields named like secrets or personal data masked."""
    plain = jsonable(value)
    return None if plain is None else _mask_keys(plain)


def _mask_keys(value: Any) -> Any:
    # By key only, unlike the log redactor, whose value patterns would mask dates and amounts
    # ("2026-01-02" looks like a phone number to it); the audit must show those.
    if isinstance(value, dict):
        return {k: MASK if SENSITIVE_KEYS.search(str(k)) else _mask_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_keys(v) for v in value]
    return value


def diff(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> dict[str, list[Any]]:
    """`{"a.b": [old, new]}` for every changed leaf. A secret field shows only that it changed: its
    values are "***" (or None where absent); the audit log never holds a password or a token."""
    old, new = _flatten(jsonable(before) or {}), _flatten(jsonable(after) or {})
    changes: dict[str, list[Any]] = {}
    for path in sorted(old.keys() | new.keys()):
        secret_a, a = old.get(path, (False, None))
        secret_b, b = new.get(path, (False, None))
        if a == b:
            continue
        if secret_a or secret_b:
            changes[path] = [None if a is None else MASK, None if b is None else MASK]
        else:
            changes[path] = [_mask_keys(a), _mask_keys(b)]
    return changes


def _flatten(value: dict[str, Any], prefix: str = "") -> dict[str, tuple[bool, Any]]:
    """Dotted leaf paths → (secret, value). Lists are leaves; a secret key's whole subtree is one leaf."""
    leaves: dict[str, tuple[bool, Any]] = {}
    for key, item in value.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if SENSITIVE_KEYS.search(str(key)):
            leaves[path] = (True, item)
        elif isinstance(item, dict) and item:
            leaves.update(_flatten(item, path))
        else:
            leaves[path] = (False, item)
    return leaves
