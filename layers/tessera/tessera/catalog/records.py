"""Catalog items (env CATALOG_TABLE): `CATALOG` / `PRODUCT#<code>` holds the whole product with its
modules and plans as one document: small, read together, changed rarely; one query lists them all."""

from tessera.core.dynamo import (
    BaseRecord,
    JSONAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
    record_meta,
)


class ProductRecord(BaseRecord):
    Meta = record_meta("CATALOG_TABLE")
    code = UnicodeAttribute()
    document = JSONAttribute()
    updated_at = UTCDateTimeAttribute()
    version = VersionAttribute()
