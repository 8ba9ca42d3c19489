"""Audit items, all in the audit table (env AUDIT_TABLE). A chain is one organization's events
(`org_…`) or the platform's (`platform`); its items share the partition `CHAIN#<chain>`.

| item | pk | sk |
|---|---|---|
| event, as the change wrote it | `CHAIN#<chain>` | `NEW#<event id>` |
| event, chained (the chainer moved it here) | `CHAIN#<chain>` | `<seq, zero-padded to 12>` |
| marker: this event was chained as seq n | `CHAIN#<chain>` | `NEW#<event id>` (replaces the event) |
| chain head | `CHAIN#<chain>` | `HEAD` (sorts after every seq) |
| the chain exists | `CHAINS` | `<chain>` |
| verification job | `JOB#<job id>` | `JOB` |

A request writes its event under a key of its own (no read, no shared item). The chainer
(tessera.audit.chaining, fed by the table's stream) gives it seq, prev_hash and hash, writes it at its
seq, replaces the new item with a marker and moves the head, in one transaction.

Access patterns (GSIs, projection ALL, every sort key `<at>#<id>` so newest-first is one query); an
event is in them from its write on, chained or not yet:

| GSI | pk | serves |
|---|---|---|
| `gsi_actor` | `ACTOR#<actor_id>` | what did this person / installation do |
| `gsi_entity` | `ENTITY#<type>#<id>` | the history of one license, user, invoice… |
| `gsi_org` | `ORG#<org_id>` (sparse) | what happened to an organization's data, staff access included |
| `gsi_day` | `DAY#YYYY-MM-DD` | everything on a day (a date range queries each day) |

Events expire through TTL `expires_at` = at + RETENTION_DAYS; markers after MARKER_DAYS; heads never.
Verification walks the base table in seq order (no GSI)."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from tessera.core.dynamo import BaseRecord, record_meta

RETENTION_DAYS = 400  # ≥ 400 days by policy; TTL deletes later, never earlier
MARKER_DAYS = 2  # longer than the stream keeps a record (24 h): a redelivery always finds its marker
JOB_DAYS = 30
SEQ_WIDTH = 12
PLATFORM_CHAIN = "platform"  # events about no organization: staff, sign-ins, the platform itself

META = record_meta("AUDIT_TABLE")


class _ByAtIndex(GlobalSecondaryIndex["AuditEventRecord"]):
    at_key = UnicodeAttribute(range_key=True)


class ActorIndex(_ByAtIndex):
    class Meta:
        index_name = "gsi_actor"
        projection = AllProjection()

    actor_key = UnicodeAttribute(hash_key=True)


class EntityIndex(_ByAtIndex):
    class Meta:
        index_name = "gsi_entity"
        projection = AllProjection()

    entity_key = UnicodeAttribute(hash_key=True)


class OrgIndex(_ByAtIndex):
    class Meta:
        index_name = "gsi_org"
        projection = AllProjection()

    org_key = UnicodeAttribute(hash_key=True)


class DayIndex(_ByAtIndex):
    class Meta:
        index_name = "gsi_day"
        projection = AllProjection()

    day_key = UnicodeAttribute(hash_key=True)


class AuditEventRecord(BaseRecord):
    """An event; seq, prev_at, prev_hash and hash are set when it is chained."""

    Meta = META
    event_id = UnicodeAttribute(attr_name="id")
    chain = UnicodeAttribute()
    seq = NumberAttribute(null=True)
    at = UnicodeAttribute()  # models.format_at: fixed-width UTC, exactly what is hashed
    prev_at = UnicodeAttribute(null=True)
    prev_hash = UnicodeAttribute(null=True)
    hash = UnicodeAttribute(null=True)
    actor_id = UnicodeAttribute()
    actor_kind = UnicodeAttribute()
    actor_display = UnicodeAttribute(null=True)
    actor_roles = ListAttribute(of=UnicodeAttribute, default=list)
    action = UnicodeAttribute()
    entity_type = UnicodeAttribute()
    entity_id = UnicodeAttribute()
    org_id = UnicodeAttribute(null=True)
    before = UnicodeAttribute(null=True)  # JSON, masked
    after = UnicodeAttribute(null=True)  # JSON, masked
    diff = UnicodeAttribute(default="{}")  # JSON
    reason = UnicodeAttribute(null=True)
    request_id = UnicodeAttribute(null=True)
    ip = UnicodeAttribute(null=True)
    user_agent = UnicodeAttribute(null=True)
    # index keys, derived from the fields above
    at_key = UnicodeAttribute()
    actor_key = UnicodeAttribute()
    entity_key = UnicodeAttribute()
    org_key = UnicodeAttribute(null=True)
    day_key = UnicodeAttribute()
    expires_at = TTLAttribute()

    gsi_actor = ActorIndex()
    gsi_entity = EntityIndex()
    gsi_org = OrgIndex()
    gsi_day = DayIndex()


class ChainedMarkerRecord(BaseRecord):
    """Left at a new event's key once it is chained: a redelivered stream record finds it and stops."""

    Meta = META
    chained_seq = NumberAttribute()
    expires_at = TTLAttribute()


class ChainHeadRecord(BaseRecord):
    """The last chained event of a chain. Only the chainer moves it, on condition that it is where it
    was read, so an event is never chained twice."""

    Meta = META
    seq = NumberAttribute()
    hash = UnicodeAttribute()
    at = UnicodeAttribute()


class ChainRecord(BaseRecord):
    """One per chain (pk `CHAINS`): what checkpoints and verification go through."""

    Meta = META
    created_at = UnicodeAttribute()


class VerifyJobRecord(BaseRecord):
    """A verification run: where it stands, so that a restarted worker continues from there."""

    Meta = META
    job_id = UnicodeAttribute()
    status = UnicodeAttribute()  # queued | running | done
    full = BooleanAttribute(default=False)  # from genesis, not from the newest checkpoint
    requested_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    checked = NumberAttribute(default=0)
    chains_done = NumberAttribute(default=0)
    chain = UnicodeAttribute(null=True)  # the chain being verified
    day = UnicodeAttribute(null=True)  # the day of the last event checked
    position = JSONAttribute(null=True)  # verification.Position: the chain walk to continue
    result = JSONAttribute(null=True)  # models.VerifyResult once done
    version = VersionAttribute()
    expires_at = TTLAttribute()
