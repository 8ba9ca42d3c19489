"""Audit items, all in the audit table (env AUDIT_TABLE).

| item | pk | sk |
|---|---|---|
| event | `CHAIN#<chain>` | `<seq, zero-padded to 12>` |
| chain head | `CHAIN#<chain>` | `HEAD` (sorts after every seq) |

Access patterns (GSIs, projection ALL, every sort key `<at>#<id>` so newest-first is one query):

| GSI | pk | serves |
|---|---|---|
| `gsi_actor` | `ACTOR#<actor_id>` | what did this person / installation do |
| `gsi_entity` | `ENTITY#<type>#<id>` | the history of one license, user, invoice… |
| `gsi_org` | `ORG#<org_id>` (sparse) | what happened to an organization's data, staff access included |
| `gsi_day` | `DAY#YYYY-MM-DD` | everything on a day (a date range queries each day) |

Events expire through TTL `expires_at` = at + RETENTION_DAYS; the head never expires. Verification
walks the base table in seq order (no GSI)."""

from __future__ import annotations

from pynamodb.attributes import ListAttribute, NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from tessera.core.dynamo import BaseRecord, record_meta

RETENTION_DAYS = 400  # ≥ 400 days by policy; TTL deletes later, never earlier
SEQ_WIDTH = 12

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
    Meta = META
    event_id = UnicodeAttribute(attr_name="id")
    chain = UnicodeAttribute()
    seq = NumberAttribute()
    at = UnicodeAttribute()  # models.format_at: fixed-width UTC, exactly what was hashed
    prev_at = UnicodeAttribute(null=True)
    prev_hash = UnicodeAttribute()
    hash = UnicodeAttribute()
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


class ChainHeadRecord(BaseRecord):
    """The last event of a chain. Every append moves it in the same transaction, on condition that it
    still points where the writer read it: that condition is what serializes a chain."""

    Meta = META
    seq = NumberAttribute()
    hash = UnicodeAttribute()
    at = UnicodeAttribute()
