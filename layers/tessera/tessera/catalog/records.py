"""Catalog items (env CATALOG_TABLE): `CATALOG` / `PRODUCT#<code>` holds the whole product with its
modules and plans as one document: small, read together, changed rarely; one query lists them all."""

from pynamodb.attributes import JSONAttribute, UnicodeAttribute, UTCDateTimeAttribute, VersionAttribute

from tessera.core.dynamo import BaseRecord, record_meta


class ProductRecord(BaseRecord):
    Meta = record_meta("CATALOG_TABLE")
    code = UnicodeAttribute()
    document = JSONAttribute()
    updated_at = UTCDateTimeAttribute()
    version = VersionAttribute()
