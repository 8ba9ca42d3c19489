"""/api/console/audit: search, export and verification jobs of the hash chains (admin and auditor)."""

import itertools
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from tessera.audit import export as exporting
from tessera.audit import service, verification
from tessera.audit.models import AuditEvent, AuditFilters, VerifyJob, VerifyRequest
from tessera.core import clock
from tessera.core.errors import FieldError, PayloadTooLarge, ValidationFailed
from tessera.core.http import Path, Query, Response, Router
from tessera.core.i18n import register
from tessera.core.request import RequestInfo
from tessera.identity.principal import current, guard

router = Router()
MAX_EXPORT_EVENTS = 20_000  # a Lambda answer is at most 6 MB; larger exports need narrower filters

register({
    "export-too-large": {"ru": "Слишком много событий для выгрузки (больше {max_events}). Сузьте фильтры.",
                         "en": "Too many events to export (more than {max_events}). Narrow the filters."},
    "audit-range-too-long": {"ru": "Без фильтра по сотруднику, объекту или организации период — "
                                   "не больше {max_days} дней.",
                             "en": "Without an actor, entity or organization the range is at most {max_days} days."},
    "invalid-filters": {"ru": "Проверьте фильтры.", "en": "Some filters are not valid."},
    "verification-unknown": {"ru": "Такой проверки нет.", "en": "No such verification."},
})


class AuditPage(BaseModel):
    items: list[AuditEvent]
    next_cursor: str | None


def _filters(actor: str | None, entity: str | None, org: str | None, action: str | None, date_from: date | None,
             date_to: date | None) -> AuditFilters:
    entity_type, _, entity_id = (entity or "").partition(":")
    if entity and not (entity_type and entity_id):
        raise ValidationFailed("entity is type:id, e.g. user:usr_01….", code="invalid-filters",
                               errors=[FieldError("query.entity", "type:id, e.g. user:usr_01…", "invalid")])
    try:
        return AuditFilters(actor=actor or None, entity=(entity_type, entity_id) if entity else None,
                            org=org or None, action=action or None, date_from=date_from, date_to=date_to)
    except PydanticValidationError as exc:
        raise ValidationFailed("Some filters are not valid.", code="invalid-filters", errors=[
            FieldError(f"query.{'.'.join(str(p) for p in e['loc']) or 'date_from'}", e["msg"], e["type"])
            for e in exc.errors()]) from exc


ACTOR = Annotated[str | None, Query(max_length=200, description="user id of who did it")]
ENTITY = Annotated[str | None, Query(max_length=360, description='"type:id", e.g. "user:usr_01…"')]
ORG = Annotated[str | None, Query(max_length=100, description="the customer organization concerned")]
ACTION = Annotated[str | None, Query(max_length=100, description='exact ("staff.invite") or a prefix ("auth.*")')]
DATE_FROM = Annotated[date | None, Query(alias="from", description="first UTC day, inclusive")]
DATE_TO = Annotated[date | None, Query(alias="to", description="last UTC day, inclusive")]


@router.get("/api/console/audit", summary="Search the audit log", tags=["audit"])
@guard(router, "console.audit.read")
def search(actor: ACTOR = None, entity: ENTITY = None, org: ORG = None, action: ACTION = None,
           date_from: DATE_FROM = None, date_to: DATE_TO = None,
           cursor: Annotated[str | None, Query(max_length=2000)] = None,
           limit: Annotated[int | None, Query(ge=1, le=100)] = None) -> AuditPage:
    filters = _filters(actor, entity, org, action, date_from, date_to)
    items, next_cursor = service.search_filtered(filters, cursor=cursor, limit=limit)
    return AuditPage(items=items, next_cursor=next_cursor)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/api/console/audit/export", summary="Export the matching events (CSV or XLSX)", tags=["audit"],
            responses={200: {"description": "the file", "content": {"text/csv": {}, XLSX: {}}}})
@guard(router, "console.audit.export")
def export(format: Literal["csv", "xlsx"] = "csv", actor: ACTOR = None, entity: ENTITY = None,
           org: ORG = None, action: ACTION = None, date_from: DATE_FROM = None,
           date_to: DATE_TO = None):  # a file: no return annotation, so the bytes pass through
    filters = _filters(actor, entity, org, action, date_from, date_to)
    events = list(itertools.islice(service.iterate(filters), MAX_EXPORT_EVENTS + 1))
    if len(events) > MAX_EXPORT_EVENTS:
        raise PayloadTooLarge("Too many events to export.", code="export-too-large", max_events=MAX_EXPORT_EVENTS)
    principal = current()
    service.record("audit.export", "audit", "log", actor_id=principal.user_id, actor_kind="staff",
                   actor_display=principal.display, request=RequestInfo.from_event(router.current_event),
                   after={"format": format, "events": len(events),
                          **filters.model_dump(mode="json", exclude_none=True)})
    body = exporting.to_csv(events) if format == "csv" else exporting.to_xlsx(events)
    name = f"tessera-audit-{clock.today().isoformat()}.{format}"
    media = "text/csv; charset=utf-8" if format == "csv" else XLSX
    return Response(200, media, body, headers={"Content-Disposition": f'attachment; filename="{name}"'})


JOB_ID = Annotated[str, Path(pattern=r"^vjob_[0-9A-HJKMNP-TV-Z]{26}$")]


@router.post("/api/console/audit/verify", summary="Start verifying the audit chains", tags=["audit"],
             responses={202: {"description": "the verification job, started; GET its URL for its progress"}})
@guard(router, "console.audit.verify")
def verify(body: VerifyRequest | None = None) -> Response[VerifyJob]:
    principal = current()
    full = body is not None and body.full
    job = verification.start_job(full=full, requested_by=principal.user_id)
    service.record("audit.verify", "audit", job.id, actor_id=principal.user_id, actor_kind="staff",
                   actor_display=principal.display, request=RequestInfo.from_event(router.current_event),
                   after={"full": full})
    return Response(202, "application/json", job, headers={"Location": f"/api/console/audit/verify/{job.id}"})


@router.get("/api/console/audit/verify/<job_id>", summary="A verification's progress and result", tags=["audit"])
@guard(router, "console.audit.verify")
def verification_job(job_id: JOB_ID) -> VerifyJob:
    return verification.find_job(job_id)
