"""The daily digest (ReportingDigestFunction, EventBridge at 09:00 Moscow): on Mondays the owners of each
workspace get last week's metrics by e-mail (unless turned off); every day the alerts they chose are
checked — no lead for N days (once per quiet spell), last 7 days' conversion below X % (once a week).
The workspaces come from the registry the aggregator keeps (no scan); e-mails go through notify, each
with a once-key, so a retried run sends nothing twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from tessera.core import clock
from tessera.core.errors import NotFound
from tessera.core.observability import logger
from tessera.core.settings import web_url
from tessera.identity.team import owner_emails
from tessera.notify.service import Notice, dispatch
from tessera.reporting import repository, service
from tessera.reporting.aggregation import local_day
from tessera.reporting.models import AlertSettings, Dashboard
from tessera.reporting.records import RegistryRecord
from tessera.workspaces import service as workspaces

MIN_LEADS_FOR_CONVERSION_ALERT = 5  # fewer leads make a conversion rate noise, not news


@dataclass
class DigestRun:
    weekly: int = 0
    alerts: int = 0
    failed: int = 0


def _context(workspace_name: str, board: Dashboard) -> dict[str, Any]:
    totals = board.totals
    return {"workspace": workspace_name, "from": board.date_from.isoformat(), "to": board.date_to.isoformat(),
            "leads": totals.leads, "contacted": totals.contacted, "booked": totals.booked, "lost": totals.lost,
            "conversion": round(100 * totals.conversion, 1),
            "first_contact_minutes": None if totals.avg_first_contact_seconds is None
            else round(totals.avg_first_contact_seconds / 60),
            "channels": [{"channel": c.channel, "leads": c.leads, "conversion": round(100 * c.conversion, 1)}
                         for c in board.by_channel],
            "link": web_url(f"/app/analytics?workspace={board.workspace_id}")}


def alerts_due(settings: AlertSettings, last_lead_at: datetime | None, week: Dashboard, today: date) -> list[str]:
    """The alerts whose condition holds today: `no_leads` and/or `low_conversion`."""
    due = []
    if settings.no_leads_days and last_lead_at is not None \
            and (today - local_day(last_lead_at)).days >= settings.no_leads_days:
        due.append("no_leads")
    if settings.min_conversion_percent and week.totals.leads >= MIN_LEADS_FOR_CONVERSION_ALERT \
            and 100 * week.totals.conversion < settings.min_conversion_percent:
        due.append("low_conversion")
    return due


def _one(entry: RegistryRecord, today: date, run: DigestRun) -> None:
    workspace_id, org_id = entry.workspace_id, entry.org_id
    try:
        workspace = workspaces.get_workspace(org_id, workspace_id)
    except NotFound:
        return
    if workspace.status != "active":
        return
    settings = service.get_alerts(org_id, workspace_id)
    owners = owner_emails(org_id)
    if not owners:
        return
    week = service.dashboard(org_id, workspace_id, today - timedelta(days=7), today - timedelta(days=1))
    context = _context(workspace.name, week)
    if today.isoweekday() == 1 and settings.weekly_report:
        run.weekly += len(dispatch(Notice(
            event="analytics.weekly", org_id=org_id, template="analytics_weekly", context=context, emails=owners,
            staff=False, once_key=f"analytics-weekly:{workspace_id}:{today.isoformat()}",
            once_ttl=timedelta(days=30))))
    for alert in alerts_due(settings, entry.last_lead_at, week, today):
        # no_leads: once per quiet spell (until a lead comes); low_conversion: once per ISO week
        spell = entry.last_lead_at.isoformat() if alert == "no_leads" and entry.last_lead_at else \
            "{}-W{:02d}".format(*today.isocalendar()[:2])
        run.alerts += len(dispatch(Notice(
            event="analytics.alert", org_id=org_id, template="analytics_alert", emails=owners, staff=False,
            context={**context, "alert": alert, "days": settings.no_leads_days,
                     "threshold": settings.min_conversion_percent},
            once_key=f"analytics-alert:{workspace_id}:{alert}:{spell}", once_ttl=timedelta(days=90))))


def run_digest(now: datetime | None = None) -> DigestRun:
    """Every registered workspace once; one failing workspace is logged and the others go on."""
    today = local_day(now or clock.now())
    run = DigestRun()
    for entry in repository.registered_workspaces():
        try:
            _one(entry, today, run)
        except Exception:
            run.failed += 1
            logger.exception("analytics digest failed for a workspace", extra={"workspace_id": entry.workspace_id})
    return run
