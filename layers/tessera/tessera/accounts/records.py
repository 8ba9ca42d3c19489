from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute

from tessera.core.dynamo import BaseRecord, record_meta


class OrganizationRecord(BaseRecord):
    """pk `ORG#<org_id>`, sk `PROFILE`."""

    Meta = record_meta("ACCOUNTS_TABLE")
    org_id = UnicodeAttribute()
    name = UnicodeAttribute()
    status = UnicodeAttribute(default="active")  # active | suspended | blocked | archived
    source = UnicodeAttribute(default="signup")  # signup | staff
    created_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute(null=True)
