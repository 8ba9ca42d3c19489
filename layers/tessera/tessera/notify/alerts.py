"""Limit-violation alerts. The heartbeat worker queues what it saw (licensing.heartbeats); the notify
worker turns each violation into a notice to the customer and the staff who follow it — once per
installation × limit × level (a threshold percentage, or "over") × Moscow day."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from tessera.accounts.service import find_organization
from tessera.core.errors import NotFound
from tessera.core.observability import count, logger
from tessera.licensing import service as licensing
from tessera.licensing.models import LimitViolation
from tessera.notify import service

KEEP_MARKERS = timedelta(days=8)


class LimitAlert(BaseModel):
    """What the heartbeat worker queues (kind "limit")."""

    license_id: str = Field(pattern=r"^lic_[0-9A-HJKMNP-TV-Z]{26}$")
    installation_id: str = Field(pattern=r"^ins_[A-Z2-7]{26}$")
    day: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    violations: list[LimitViolation] = Field(max_length=20)


def level(violation: LimitViolation) -> str:
    return "over" if violation.over else str(violation.threshold)


def handle(body: dict[str, Any]) -> int:
    """Dispatch the alerts of one queued message; answers the number of deliveries made."""
    try:
        alert = LimitAlert.model_validate(body)
    except ValidationError:
        logger.warning("malformed limit alert dropped")
        return 0
    try:
        license_view = licensing.get(alert.license_id)
    except NotFound:
        return 0
    organization = find_organization(license_view.org_id)
    made = 0
    for violation in alert.violations:
        notice = service.Notice(
            event="license.limit", org_id=license_view.org_id, template="limit_violation", license_id=alert.license_id,
            once_key=f"limit#{alert.installation_id}#{violation.limit}#{level(violation)}#{alert.day}",
            once_ttl=KEEP_MARKERS,
            context={"license_id": alert.license_id, "installation_id": alert.installation_id,
                     "domain": license_view.domain, "org_name": organization.name if organization else "",
                     "limit": violation.limit, "used": violation.used, "value": violation.value,
                     "allowed_up_to": violation.allowed_up_to, "mode": violation.mode, "over": violation.over,
                     "threshold": violation.threshold,
                     "percent": violation.used * 100 // violation.value if violation.value else 0,
                     "day": alert.day})
        deliveries = service.dispatch(notice)
        if deliveries:
            count("limit_alert_sent")
        made += len(deliveries)
    return made
