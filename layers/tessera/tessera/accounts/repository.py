"""The only code that touches the accounts table."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from tessera.accounts.records import OrganizationRecord


def find_organization(org_id: str) -> OrganizationRecord | None:
    try:
        return OrganizationRecord.get(f"ORG#{org_id}", "PROFILE")
    except DoesNotExist:
        return None
