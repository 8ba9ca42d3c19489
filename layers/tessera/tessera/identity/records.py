"""Identity items, all in the identity table (env IDENTITY_TABLE).

| item | pk | sk |
|---|---|---|
| user | `USER#<user_id>` | `PROFILE` |
| e-mail → user (uniqueness) | `EMAIL#<email>` | `USER` |
| Google / Яндекс identity → user | `OIDC#<provider>#<subject>` | `USER` |
| session (= refresh-token family) | `USER#<user_id>` | `SESSION#<session_id>` |
| organization member | `ORG#<org_id>` | `MEMBER#<email>` |
| one-time token (confirm, reset, invite) | `TOKEN#<sha256>` | `TOKEN` |
| login throttle: an address; an (address, e-mail hash) | `THROTTLE#IP#<ip>`; `THROTTLE#PAIR#<ip>#<hash>` | `LOGIN` |
| API rate counter | `RATE#<user_id>` | `<minute>` |

GSI `by_kind` (kind_key, email): staff users listed by e-mail without a scan."""

from __future__ import annotations

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

META = record_meta("IDENTITY_TABLE")


class ByKindIndex(GlobalSecondaryIndex["UserRecord"]):
    class Meta:
        index_name = "by_kind"
        projection = AllProjection()

    kind_key = UnicodeAttribute(hash_key=True)
    email = UnicodeAttribute(range_key=True)


class UserRecord(BaseRecord):
    Meta = META
    user_id = UnicodeAttribute()
    email = UnicodeAttribute()
    name = UnicodeAttribute(default="")
    kind = UnicodeAttribute()  # staff | customer
    kind_key = UnicodeAttribute()  # "STAFF" | "CUSTOMER": the by_kind partition
    status = UnicodeAttribute()  # pending | invited | active | deactivated
    locale = UnicodeAttribute(default="ru")
    password_hash = UnicodeAttribute(null=True)
    staff_roles = UnicodeSetAttribute(null=True)
    # [{org_id, org_name, role}] — a copy of the ORG#/MEMBER# items, so login and /me read one item
    memberships = JSONAttribute(default=list)
    mfa_enabled = BooleanAttribute(default=False)
    mfa_secret = UnicodeAttribute(null=True)  # envelope-encrypted
    mfa_pending_secret = UnicodeAttribute(null=True)  # envelope-encrypted, until verified
    last_totp_step = NumberAttribute(null=True)
    recovery_hashes = UnicodeSetAttribute(null=True)
    login_failures = JSONAttribute(null=True)  # [epoch seconds] of recent failed passwords, oldest first
    second_factor_failures = JSONAttribute(null=True)  # [epoch seconds] of recent wrong 2FA codes
    oidc_subjects = UnicodeSetAttribute(null=True)  # "google:<sub>"
    created_at = UTCDateTimeAttribute()
    confirmed_at = UTCDateTimeAttribute(null=True)
    last_login_at = UTCDateTimeAttribute(null=True)
    version = VersionAttribute()
    by_kind = ByKindIndex()


class EmailRecord(BaseRecord):
    Meta = META
    user_id = UnicodeAttribute()


class OidcLinkRecord(BaseRecord):
    """pk `OIDC#<provider>#<subject>`, sk `USER`: the account a Google / Яндекс identity signs into."""

    Meta = META
    user_id = UnicodeAttribute()


class SessionRecord(BaseRecord):
    Meta = META
    session_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    audience = UnicodeAttribute()  # console | app
    kind = UnicodeAttribute()
    roles = UnicodeSetAttribute(null=True)  # staff roles, or the role in org_id
    org_id = UnicodeAttribute(null=True)
    mfa = BooleanAttribute(default=False)
    display = UnicodeAttribute(null=True)  # "name <e-mail>" for audit trails
    refresh_hash = UnicodeAttribute()
    previous_hash = UnicodeAttribute(null=True)
    generation = NumberAttribute(default=0)
    rotated_at = NumberAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    last_used_at = UTCDateTimeAttribute()
    ip = UnicodeAttribute(null=True)
    user_agent = UnicodeAttribute(null=True)
    revoked_at = UTCDateTimeAttribute(null=True)
    revoked_reason = UnicodeAttribute(null=True)
    expires_at = TTLAttribute()


class MemberRecord(BaseRecord):
    Meta = META
    member_id = UnicodeAttribute()  # what URLs name, so e-mail addresses stay out of paths and logs
    org_id = UnicodeAttribute()
    email = UnicodeAttribute()
    user_id = UnicodeAttribute(null=True)  # None while invited and not yet a user
    name = UnicodeAttribute(default="")
    role = UnicodeAttribute()
    status = UnicodeAttribute()  # invited | active
    invited_by = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    version = VersionAttribute()


class OneTimeTokenRecord(BaseRecord):
    Meta = META
    purpose = UnicodeAttribute()  # confirm | reset | invite
    email = UnicodeAttribute()
    user_id = UnicodeAttribute(null=True)
    data = JSONAttribute(default=dict)
    created_at = UTCDateTimeAttribute()
    used_at = UTCDateTimeAttribute(null=True)
    expires_at = TTLAttribute()


class ThrottleRecord(BaseRecord):
    Meta = META
    failures = JSONAttribute(null=True)  # [epoch seconds], oldest first
    expires_at = TTLAttribute()


class RateRecord(BaseRecord):
    Meta = META
    hits = NumberAttribute(default=0)
    expires_at = TTLAttribute()
