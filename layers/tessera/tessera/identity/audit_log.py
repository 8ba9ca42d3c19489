"""Identity's side of the audit: every mutation and sign-in event, written in the request that makes it
— and, with `also_save`, in the same DynamoDB transaction as the change itself (tessera.audit.service)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.models import Model

from tessera.audit import service as audit_service
from tessera.core.errors import Conflict
from tessera.core.request import RequestInfo
from tessera.identity import repository


def audit(action: str, entity_type: str, entity_id: str, *, actor_id: str | None, actor_kind: str,
          request: RequestInfo, org_id: str | None = None, before: dict[str, Any] | None = None,
          after: dict[str, Any] | None = None, reason: str | None = None, actor_display: str | None = None,
          also_save: Sequence[Model] = ()) -> None:
    event: dict[str, Any] = {"actor_id": actor_id or "anonymous", "actor_kind": actor_kind,
                             "actor_display": actor_display, "request": request, "org_id": org_id,
                             "before": before, "after": after, "reason": reason}
    if not also_save:
        audit_service.record(action, entity_type, entity_id, **event)
        return
    try:
        audit_service.record_change(lambda tx: repository.add_saves(tx, also_save), action, entity_type, entity_id,
                                    **event)
    except TransactWriteError as exc:
        raise Conflict("Someone changed this at the same time. Reload and try again.",
                       code="concurrent-change") from exc


def audit_system(action: str, entity_type: str, entity_id: str, user_id: str, request: RequestInfo) -> None:
    audit(action, entity_type, entity_id, actor_id=user_id, actor_kind="system", request=request)
