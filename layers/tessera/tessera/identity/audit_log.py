"""Identity's side of the audit: every mutation and sign-in event, written in the request that makes it
— and, with `also_save`, in the same DynamoDB transaction as the change itself."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.models import Model

from tessera.core.errors import Conflict
from tessera.core.request import RequestInfo


def audit(action: str, entity_type: str, entity_id: str, *, actor_id: str | None, actor_kind: str,
          request: RequestInfo, org_id: str | None = None, before: dict[str, Any] | None = None,
          after: dict[str, Any] | None = None, reason: str | None = None, actor_display: str | None = None,
          also_save: Sequence[Model] = ()) -> None:
    from tessera.audit import service as audit_service

    if not also_save:
        audit_service.record(action=action, entity_type=entity_type, entity_id=entity_id,
                             actor_id=actor_id or "anonymous", actor_kind=actor_kind, actor_display=actor_display,
                             request=request, org_id=org_id, before=before, after=after, reason=reason)
        return
    entry = audit_service.AuditEntry(
        actor=audit_service.AuditActor(id=actor_id or "anonymous", kind=actor_kind, display=actor_display),
        action=action, entity_type=entity_type, entity_id=entity_id, org_id=org_id, before=before, after=after,
        reason=reason, request_id=request.request_id, ip=request.ip, user_agent=request.user_agent)
    from tessera.identity import repository

    try:
        audit_service.append(entry, also=lambda tx: repository.add_saves(tx, also_save))
    except TransactWriteError as exc:
        raise Conflict("Someone changed this at the same time. Reload and try again.",
                       code="concurrent-change") from exc


def audit_system(action: str, entity_type: str, entity_id: str, user_id: str, request: RequestInfo) -> None:
    audit(action, entity_type, entity_id, actor_id=user_id, actor_kind="system", request=request)
