"""Notify items (env NOTIFY_TABLE).

| item | pk | sk |
|---|---|---|
| a customer organization's preferences | `ORG#<org_id>` | `PREFS` |
| a staff user's preferences (one partition: every subscriber in one query) | `STAFF` | `USER#<user_id>` |
| a delivery (one message to one recipient over one channel) | `DLV#<delivery_id>` | `DELIVERY` |
| "this notice went out" marker: the once-only guard | `ONCE#<event key>` | `ONCE` |

GSIs:
- `by_list` (list_key = "LOG", at_key `<created iso>#<delivery_id>`): every delivery, newest first (console log);
- `by_org` (org_key `ORG#<org_id>`, at_key): the deliveries concerning one customer;
- `by_retry` (retry_key = "RETRY", at_key): sparse — failed deliveries still due a retry.

Channel secrets (Telegram bot token, Slack webhook URL) are envelope-encrypted (tessera.core.crypto) with
the owner and channel as encryption context; only a hint is kept in clear."""

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from tessera.core.dynamo import BaseRecord, record_meta

META = record_meta("NOTIFY_TABLE")


class ByListIndex(GlobalSecondaryIndex["DeliveryRecord"]):
    class Meta:
        index_name = "by_list"
        projection = AllProjection()

    list_key = UnicodeAttribute(hash_key=True)
    at_key = UnicodeAttribute(range_key=True)


class ByOrgIndex(GlobalSecondaryIndex["DeliveryRecord"]):
    class Meta:
        index_name = "by_org"
        projection = AllProjection()

    org_key = UnicodeAttribute(hash_key=True)
    at_key = UnicodeAttribute(range_key=True)


class ByRetryIndex(GlobalSecondaryIndex["DeliveryRecord"]):
    class Meta:
        index_name = "by_retry"
        projection = AllProjection()

    retry_key = UnicodeAttribute(hash_key=True)
    at_key = UnicodeAttribute(range_key=True)


class PreferencesRecord(BaseRecord):
    Meta = META
    owner_kind = UnicodeAttribute()  # org | staff
    owner_id = UnicodeAttribute()  # org_id | user_id
    events = JSONAttribute(default=list)  # ["license.expiry", "license.limit"]
    language = UnicodeAttribute(default="ru")
    email_enabled = BooleanAttribute(default=True)
    email_recipients = JSONAttribute(default=list)  # org: extra addresses; empty = the license contacts
    telegram_enabled = BooleanAttribute(default=False)
    telegram_chat_id = UnicodeAttribute(null=True)
    telegram_token_sealed = UnicodeAttribute(null=True)
    telegram_token_hint = UnicodeAttribute(null=True)
    slack_enabled = BooleanAttribute(default=False)
    slack_webhook_sealed = UnicodeAttribute(null=True)
    slack_webhook_hint = UnicodeAttribute(null=True)
    customers = JSONAttribute(default=list)  # staff: only these organizations (empty = all)
    updated_at = UTCDateTimeAttribute()
    updated_by = UnicodeAttribute()
    row_version = VersionAttribute()


class DeliveryRecord(BaseRecord):
    Meta = META
    delivery_id = UnicodeAttribute()
    event = UnicodeAttribute()  # license.expiry | license.limit | license.file | channel.test
    channel = UnicodeAttribute()  # email | telegram | slack
    audience = UnicodeAttribute()  # customer | staff
    owner_key = UnicodeAttribute()  # whose preferences hold the channel: ORG#… | STAFF#…
    org_id = UnicodeAttribute(null=True)  # the customer the event concerns
    license_id = UnicodeAttribute(null=True)
    recipient = UnicodeAttribute(null=True)  # e-mail address or Telegram chat id (Slack: in the preferences)
    recipient_masked = UnicodeAttribute()
    template = UnicodeAttribute()
    language = UnicodeAttribute()
    context = JSONAttribute()  # what the template renders (no secrets)
    attach_license = BooleanAttribute(default=False)
    attachment = JSONAttribute(null=True)  # {key, filename, content_type}: a file in the documents bucket
    dedup_key = UnicodeAttribute(null=True)
    status = UnicodeAttribute()  # pending | sent | failed
    attempts = NumberAttribute(default=0)
    provider_message_id = UnicodeAttribute(null=True)
    error = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    sent_at = UTCDateTimeAttribute(null=True)
    list_key = UnicodeAttribute(default="LOG")
    at_key = UnicodeAttribute()
    org_key = UnicodeAttribute(null=True)
    retry_key = UnicodeAttribute(null=True)
    by_list = ByListIndex()
    by_org = ByOrgIndex()
    by_retry = ByRetryIndex()


class OnceRecord(BaseRecord):
    """Written with the deliveries of a notice, on the condition that it does not exist yet."""

    Meta = META
    created_at = UTCDateTimeAttribute()
    deliveries = NumberAttribute(default=0)
    expires_at = TTLAttribute(null=True)  # limit-alert markers go after a while; expiry markers stay
