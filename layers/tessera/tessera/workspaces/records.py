"""Workspaces items (env WORKSPACES_TABLE).

| item | pk | sk |
|---|---|---|
| workspace | `ORG#<org_id>` | `WS#<workspace_id>` |
| the organization's count of active workspaces (the plan's limit) | `ORG#<org_id>` | `WSCOUNT` |
| the organization's onboarding wizard: steps done or skipped, who has seen the tour | `ORG#<org_id>` | `ONBOARDING` |
| the widget: saved settings (head, optimistic locking by `version`) | `WS#<workspace_id>` | `WIDGET` |
| each saved version of the settings (immutable) | `WS#<workspace_id>` | `WCFG#<000001>` |
| each consent text, by its version (immutable: a lead's consent names one) | `WS#<workspace_id>` | `CONSENT#<v1>` |
| a logo or avatar: pending upload, then its kind's current image | `WS#<workspace_id>` | `ASSET#<asset_id>` |
| bytes of the widget's images, current and pending (the quota) | `WS#<workspace_id>` | `ASSETBYTES` |
| what the public ingest needs of a widget, in one GetItem | `WGT#<widget_id>` | `RUNTIME` |
| a stored lead's client id: the idempotency key of `POST /api/public/leads` | `WGT#<widget_id>` | `CLIENT#<uuid>` |
| bots dropped silently, by month | `WGT#<widget_id>` | `BOTS#<YYYY-MM>` |
| lead | `WS#<workspace_id>` | `LEAD#<lead_id>` |
| a lead's timeline event | `WS#<workspace_id>` | `LEADEV#<lead_id>#<event ulid>` |
| leads of an organization in a month (the plan's monthly limit) | `ORG#<org_id>` | `LEADS#<YYYY-MM>` |
| the widgets that allow an origin (the CORS preflight carries no widget id) | `ORIGIN#<origin>` | `ORIGIN` |
| a rate-limit window (TTL) | `RATE#<ip\\|widget>#<key>#<window start>` | `RATE` |
| a connected channel (one per kind), credentials envelope-encrypted | `WS#<workspace_id>` | `CHANNEL#<kind>` |
| the Cal.com connection: API key and webhook secret, encrypted | `WS#<workspace_id>` | `CALCOM` |
| an operator's reply by its client id (idempotency) | `WS#<workspace_id>` | `MSG#<client_id>` |
| a Cal.com delivery applied (uid + trigger) | `WS#<workspace_id>` | `CALBOOK#<uid>#<trigger>` |
| a lead's inbound message applied, by the provider's message id | `WS#<workspace_id>` | `INMSG#<kind>#<message id>` |
| a lead by e-mail or phone (bookings, inbound messages) | `WS#<workspace_id>` | `CONTACT#<email\\|phone>#<value>` |
| a leads export asked for: the stream's barrier for its rows (TTL) | `WS#<workspace_id>` | `EXPORTREQ#<export_id>` |

Lead ids are ULIDs, so a workspace's leads are in time order in its partition and a date range is a
key condition on their time prefix. GSI `by_status` (status_key `WS#<workspace_id>#<status>`, lead_key
`<lead_id>`): a workspace's leads of one status, also by date."""

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from tessera.core.dynamo import BaseRecord, record_meta

META = record_meta("WORKSPACES_TABLE")


class WorkspaceRecord(BaseRecord):
    Meta = META
    workspace_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    name = UnicodeAttribute()
    domain = UnicodeAttribute(null=True)
    allowed_origins = JSONAttribute(default=list)
    status = UnicodeAttribute()  # active | archived
    widget_id = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute()
    updated_at = UTCDateTimeAttribute()
    row_version = VersionAttribute()


class CounterRecord(BaseRecord):
    """A number kept by atomic ADDs: active workspaces, leads of a month, a rate window, dropped bots,
    a widget's image bytes."""

    Meta = META
    value = NumberAttribute(default=0)
    locked = NumberAttribute(null=True)  # leads of the month kept locked over the plan's limit
    limit_notice_at = UTCDateTimeAttribute(null=True)  # the month's over-limit notice went out
    honeypot = NumberAttribute(null=True)
    too_fast = NumberAttribute(null=True)
    expires_at = TTLAttribute(null=True)


class WidgetRecord(BaseRecord):
    Meta = META
    widget_id = UnicodeAttribute()
    workspace_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    version = NumberAttribute()
    settings = JSONAttribute()  # WidgetSettings as JSON, consent with its version
    consent_versions = NumberAttribute(default=0)  # how many consent texts there have been
    published_version = NumberAttribute(null=True)
    published_at = UTCDateTimeAttribute(null=True)
    updated_at = UTCDateTimeAttribute()
    updated_by = UnicodeAttribute()


class WidgetVersionRecord(BaseRecord):
    Meta = META
    version = NumberAttribute()
    settings = JSONAttribute()
    saved_at = UTCDateTimeAttribute()
    saved_by = UnicodeAttribute()


class ConsentTextRecord(BaseRecord):
    Meta = META
    version = UnicodeAttribute()
    text = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()


class WidgetRuntimeRecord(BaseRecord):
    """The ingest's view of a widget, written with every change to what it checks."""

    Meta = META
    widget_id = UnicodeAttribute()
    workspace_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    status = UnicodeAttribute()  # active | archived
    allowed_origins = JSONAttribute(default=list)
    published_version = NumberAttribute(null=True)  # None: never published, the widget takes no leads
    consent_required = BooleanAttribute(default=True)
    consent_version = UnicodeAttribute(null=True)
    fields = JSONAttribute(null=True)  # {name: required|optional|hidden} as published


class WidgetAssetRecord(BaseRecord):
    """A logo or an avatar in the widget bucket (`widgets/<widget_id>/assets/<asset_id>.<ext>`)."""

    Meta = META
    asset_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # logo | avatar
    state = UnicodeAttribute()  # pending | current
    key = UnicodeAttribute()
    url = UnicodeAttribute()
    content_type = UnicodeAttribute()
    size = NumberAttribute()  # bytes reserved: declared while pending, as stored once current
    upload_expires_at = UTCDateTimeAttribute()
    created_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute()
    width = NumberAttribute(null=True)
    height = NumberAttribute(null=True)


class OnboardingRecord(BaseRecord):
    """Sets changed by atomic ADD/DELETE: two tabs marking steps never lose each other's."""

    Meta = META
    done = UnicodeSetAttribute(null=True)
    skipped = UnicodeSetAttribute(null=True)
    workspace_id = UnicodeAttribute(null=True)
    dismissed = BooleanAttribute(null=True)
    tour_seen_by = UnicodeSetAttribute(null=True)
    updated_at = UTCDateTimeAttribute(null=True)


class OriginRecord(BaseRecord):
    Meta = META
    widgets = UnicodeSetAttribute(null=True)  # DynamoDB drops the attribute when its last widget goes


class ClientLeadRecord(BaseRecord):
    Meta = META
    lead_id = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()


class ByStatusIndex(GlobalSecondaryIndex["LeadRecord"]):
    class Meta:
        index_name = "by_status"
        projection = AllProjection()

    status_key = UnicodeAttribute(hash_key=True)
    lead_key = UnicodeAttribute(range_key=True)


class LeadRecord(BaseRecord):
    Meta = META
    lead_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    workspace_id = UnicodeAttribute()
    widget_id = UnicodeAttribute(null=True)
    client_lead_id = UnicodeAttribute(null=True)
    channel = UnicodeAttribute()
    status = UnicodeAttribute()
    locked = BooleanAttribute(default=False)
    name = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    message = UnicodeAttribute(null=True)
    consent = JSONAttribute(null=True)  # {accepted, text_version, at, ip}: 152-ФЗ ст. 9 proof
    page_url = UnicodeAttribute(null=True)
    referrer = UnicodeAttribute(null=True)
    utm = JSONAttribute(default=dict)
    locale = UnicodeAttribute(null=True)
    search_text = UnicodeAttribute(null=True)  # name, phone, e-mail and message in lower case: the list's search
    first_contact_at = UTCDateTimeAttribute(null=True)  # the first reply through a channel (analytics)
    first_contact_seconds = NumberAttribute(null=True)  # from the lead's creation to that reply
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    status_key = UnicodeAttribute()
    lead_key = UnicodeAttribute()
    row_version = VersionAttribute()
    by_status = ByStatusIndex()


class LeadEventRecord(BaseRecord):
    Meta = META
    lead_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # form | status | message | booking
    at = UTCDateTimeAttribute()
    actor = UnicodeAttribute(null=True)
    data = JSONAttribute(default=dict)


class ChannelRecord(BaseRecord):
    """Credentials are one sealed JSON object (tessera.core.crypto; context: workspace and kind)."""

    Meta = META
    workspace_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    name = UnicodeAttribute()
    status = UnicodeAttribute()  # active | failed
    notify_new_leads = BooleanAttribute(default=True)
    settings = JSONAttribute(default=dict)
    credentials_sealed = UnicodeAttribute(null=True)  # none for e-mail: SES is the platform's
    credentials_hint = JSONAttribute(default=dict)
    account = UnicodeAttribute(null=True)
    last_tested_at = UTCDateTimeAttribute(null=True)
    last_error = JSONAttribute(null=True)  # {reason, detail}
    connected_at = UTCDateTimeAttribute()
    connected_by = UnicodeAttribute()
    row_version = VersionAttribute()


class CalcomRecord(BaseRecord):
    Meta = META
    workspace_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    api_key_sealed = UnicodeAttribute()
    api_key_hint = UnicodeAttribute()
    webhook_secret_sealed = UnicodeAttribute()
    connected_at = UTCDateTimeAttribute()
    connected_by = UnicodeAttribute()


class OutgoingMessageRecord(BaseRecord):
    """Claimed before the send (state `sending`), completed with the timeline event after it."""

    Meta = META
    lead_id = UnicodeAttribute()
    channel = UnicodeAttribute()
    state = UnicodeAttribute()  # sending | sent
    to = UnicodeAttribute(null=True)
    text = UnicodeAttribute(null=True)
    provider_message_id = UnicodeAttribute(null=True)
    sent_at = UTCDateTimeAttribute()  # the claim's time while `sending`: a stale claim may be taken again
    sent_by = UnicodeAttribute()


class BookingMarkerRecord(BaseRecord):
    Meta = META
    lead_id = UnicodeAttribute(null=True)
    received_at = UTCDateTimeAttribute()


class InboundMarkerRecord(BaseRecord):
    """A provider's inbound message applied once: its id, the lead it went to."""

    Meta = META
    lead_id = UnicodeAttribute()
    received_at = UTCDateTimeAttribute()


class ContactRecord(BaseRecord):
    Meta = META
    lead_id = UnicodeAttribute()


class ExportMarkerRecord(BaseRecord):
    """Written with a leads export job, under the workspace's leads' partition key: when the stream brings
    it to the analytics, every lead change before it has come through (tessera.reporting.lead_rows)."""

    Meta = META
    workspace_id = UnicodeAttribute()
    export_id = UnicodeAttribute()
    expires_at = TTLAttribute()
