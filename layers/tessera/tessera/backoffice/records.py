"""Back-office items (env BACKOFFICE_TABLE).

| item | pk | sk |
|---|---|---|
| access grant | `GRANT#<grant_id>` | `GRANT` |

GSIs: `by_grantee` (`GRANTEE#<user_id>#<org_id>`, created_key): checking a staff user's access to one
organization is one query; `by_created` ("GRANT", created_key = `<created_at>#<grant_id>`): every grant,
newest first, for the console."""

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from tessera.core.dynamo import BaseRecord, record_meta


class ByCreatedIndex(GlobalSecondaryIndex["GrantRecord"]):
    class Meta:
        index_name = "by_created"
        projection = AllProjection()

    list_key = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class ByGranteeIndex(GlobalSecondaryIndex["GrantRecord"]):
    class Meta:
        index_name = "by_grantee"
        projection = AllProjection()

    grantee_key = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class GrantRecord(BaseRecord):
    Meta = record_meta("BACKOFFICE_TABLE")
    grant_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    grantee_id = UnicodeAttribute()
    grantee_email = UnicodeAttribute()
    granted_by = UnicodeAttribute()
    reason = UnicodeAttribute()
    scope = UnicodeAttribute()  # read | write
    created_at = UTCDateTimeAttribute()
    expires_at = UTCDateTimeAttribute()
    revoked_at = UTCDateTimeAttribute(null=True)
    revoked_by = UnicodeAttribute(null=True)
    list_key = UnicodeAttribute(default="GRANT")
    grantee_key = UnicodeAttribute()
    created_key = UnicodeAttribute()
    by_created = ByCreatedIndex()
    by_grantee = ByGranteeIndex()
