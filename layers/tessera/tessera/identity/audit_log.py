"""Identity's side of the audit: every mutation and sign-in event, written in the request that makes it."""

from __future__ import annotations

from typing import Any

from tessera.core.request import RequestInfo


def audit(action: str, entity_type: str, entity_id: str, *, actor_id: str | None, actor_kind: str,
          request: RequestInfo, org_id: str | None = None, before: dict[str, Any] | None = None,
          after: dict[str, Any] | None = None, reason: str | None = None, actor_display: str | None = None) -> None:
    from tessera.audit import service as audit_service

    audit_service.record(action=action, entity_type=entity_type, entity_id=entity_id, actor_id=actor_id or "anonymous",
                         actor_kind=actor_kind, actor_display=actor_display, request=request, org_id=org_id,
                         before=before, after=after, reason=reason)


def audit_system(action: str, entity_type: str, entity_id: str, user_id: str, request: RequestInfo) -> None:
    audit(action, entity_type, entity_id, actor_id=user_id, actor_kind="system", request=request)
