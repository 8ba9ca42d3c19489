"""The way into accounts for other contexts."""

from __future__ import annotations

from pydantic import BaseModel

from tessera.accounts import repository
from tessera.accounts.records import OrganizationRecord
from tessera.core import clock
from tessera.core.ids import new_id


class Organization(BaseModel):
    id: str
    name: str
    status: str


def _view(record: OrganizationRecord) -> Organization:
    return Organization(id=record.org_id, name=record.name, status=record.status)


def new_organization(name: str, created_by: str | None, source: str = "signup") -> OrganizationRecord:
    """An unsaved record, so the caller can write it in the same transaction as its own change."""
    org_id = new_id("org")
    return OrganizationRecord(pk=f"ORG#{org_id}", sk="PROFILE", org_id=org_id, name=name.strip(), source=source,
                              created_at=clock.now(), created_by=created_by)


def find_organization(org_id: str) -> Organization | None:
    record = repository.find_organization(org_id)
    return _view(record) if record is not None else None
