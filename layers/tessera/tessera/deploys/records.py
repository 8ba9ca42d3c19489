"""Deploys items (env DEPLOYS_TABLE).

| item | pk | sk |
|---|---|---|
| release (registered by the product's CI) | `REL#<version>` | `RELEASE` |
| installation (known once its agent called) | `INS#<installation_id>` | `INSTALLATION` |
| the installation's running deploy: one at a time | `INS#<installation_id>` | `LOCK` |
| a command for the installation's agent | `INS#<installation_id>` | `CMD#<command_id>` (ULID: oldest first) |
| a deploy run and the steps its tasks recorded (or budgetctl reported) | `RUN#<run_id>` | `RUN` |
| how many deploy runs hold a slot now (the concurrency limit) | `SLOTS` | `RUNNING` |
| a support bundle the agent uploads (ULID: newest last) | `INS#<installation_id>` | `BUNDLE#<bundle_id>` |

GSI `by_kind` (list_key `RELEASES|INSTALLATIONS|RUNS`, created_key `<iso time>#<id>`): every one of a kind,
newest first, for the console (sparse: only those items carry list_key)."""

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from tessera.core.dynamo import BaseRecord, record_meta

META = record_meta("DEPLOYS_TABLE")


class ByKindIndex(GlobalSecondaryIndex["BaseRecord"]):
    class Meta:
        index_name = "by_kind"
        projection = AllProjection()

    list_key = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class ReleaseRecord(BaseRecord):
    Meta = META
    by_kind = ByKindIndex()
    version = UnicodeAttribute()  # X.Y.Z, no leading v
    channel = UnicodeAttribute()  # stable | beta
    git_sha = UnicodeAttribute()
    changelog = UnicodeAttribute()
    images = JSONAttribute()  # {service: "registry/name@sha256:…"}
    registered_at = UTCDateTimeAttribute()
    registered_by = UnicodeAttribute()
    list_key = UnicodeAttribute()
    created_key = UnicodeAttribute()


class InstallationRecord(BaseRecord):
    """What deploys knows of one installation of licensing's fleet: its license (from the agent's
    certificate), the version a deploy aims at, when its agent last asked for work."""

    Meta = META
    by_kind = ByKindIndex()
    installation_id = UnicodeAttribute()
    license_id = UnicodeAttribute()
    target_version = UnicodeAttribute(null=True)
    agent_seen_at = UTCDateTimeAttribute()
    first_seen_at = UTCDateTimeAttribute()
    list_key = UnicodeAttribute()
    created_key = UnicodeAttribute()


class LockRecord(BaseRecord):
    Meta = META
    run_id = UnicodeAttribute()
    locked_at = UTCDateTimeAttribute()


class CommandRecord(BaseRecord):
    """One command for the agent. The Step Functions task token waits here until the agent reports."""

    Meta = META
    command_id = UnicodeAttribute()
    installation_id = UnicodeAttribute()
    run_id = UnicodeAttribute()
    name = UnicodeAttribute()  # preflight | backup | deploy | rollback
    args = JSONAttribute()
    task_token = UnicodeAttribute()
    status = UnicodeAttribute()  # pending | sent | ok | failed
    created_at = UTCDateTimeAttribute()
    sent_at = UTCDateTimeAttribute(null=True)
    finished_at = UTCDateTimeAttribute(null=True)
    output = UnicodeAttribute(null=True)


class RunStep(MapAttribute[str, object]):
    """One step of a deploy run: what it did and how it came out (the agent's output, redacted)."""

    at = UTCDateTimeAttribute()
    step = UnicodeAttribute()  # validate | preflight | backup | deploy | heartbeat | rollback | done | failed
    outcome = UnicodeAttribute()
    detail = UnicodeAttribute(null=True)


class DeployRunRecord(BaseRecord):
    Meta = META
    by_kind = ByKindIndex()
    run_id = UnicodeAttribute()
    # deploy | rollback (a person's rollback of an earlier run); budgetctl also reports prepare | status |
    # modules_sync
    kind = UnicodeAttribute()
    source = UnicodeAttribute(default="portal")  # portal (the deploy machine) | budgetctl (an engineer over SSH)
    # None only for a budgetctl run on a server not activated yet: the license and the domain name it then
    installation_id = UnicodeAttribute(null=True)
    license_id = UnicodeAttribute()
    org_id = UnicodeAttribute(null=True)
    domain = UnicodeAttribute(null=True)
    version = UnicodeAttribute(null=True)  # None: a budgetctl command that installs nothing (prepare, status)
    previous_version = UnicodeAttribute(null=True)
    error = UnicodeAttribute(null=True)
    reason = UnicodeAttribute()
    rollback_of = UnicodeAttribute(null=True)
    state = UnicodeAttribute()  # queued | running | succeeded | rolled_back | failed | rollback_failed
    slot = BooleanAttribute(default=False)  # holds one of the running slots (released when it ends)
    requested_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    started_at = UTCDateTimeAttribute(null=True)
    ended_at = UTCDateTimeAttribute(null=True)
    heartbeat_deadline = NumberAttribute(null=True)  # epoch seconds: the new version must heartbeat by then
    steps = ListAttribute(of=RunStep, default=list)
    list_key = UnicodeAttribute()
    created_key = UnicodeAttribute()


class SlotsRecord(BaseRecord):
    Meta = META
    running = NumberAttribute(default=0)


class SupportBundleRecord(BaseRecord):
    """A support bundle: the archive is `key` in SUPPORT_BUNDLES_BUCKET, uploaded by the agent with a presigned
    PUT; size and SHA-256 are what the agent declared (the console's read checks them against the object)."""

    Meta = META
    bundle_id = UnicodeAttribute()
    installation_id = UnicodeAttribute()
    license_id = UnicodeAttribute()
    key = UnicodeAttribute()
    size_bytes = NumberAttribute()
    sha256 = UnicodeAttribute()
    note = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
