"""The only code that touches the catalog table."""

from pynamodb.exceptions import DoesNotExist

from tessera.catalog.records import ProductRecord
from tessera.core import clock


def products() -> list[ProductRecord]:
    return list(ProductRecord.query("CATALOG", ProductRecord.sk.startswith("PRODUCT#")))


def find_product(code: str) -> ProductRecord | None:
    try:
        return ProductRecord.get("CATALOG", f"PRODUCT#{code}")
    except DoesNotExist:
        return None


def save_product(code: str, document: dict[str, object]) -> None:
    record = find_product(code) or ProductRecord(pk="CATALOG", sk=f"PRODUCT#{code}", code=code)
    record.document = document
    record.updated_at = clock.now()
    record.save()
