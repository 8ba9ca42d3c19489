"""Expiry notices: T-90, T-60, T-30, T-7 and T-1 days before a license's last day, and when its grace
period has ended — once per (license, version, milestone).

Days are the customer's calendar (Moscow). A milestone is due from its day until the next milestone's
day (T-1: through the last day; the end of grace: for a week), so a run missed while the job was down
is caught up, a notice never goes out once a later milestone has superseded it, and at most one
milestone of a license is due on any day. Milestones that passed before the license's newest version
was signed are skipped: a license issued 40 days before its end gets T-30, not a late T-60."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from tessera.accounts.service import find_organization
from tessera.core import clock
from tessera.core.observability import count, logger
from tessera.licensing import service as licensing
from tessera.notify import service

MOSCOW = ZoneInfo("Europe/Moscow")
BEFORE = (("t-90", 90), ("t-60", 60), ("t-30", 30), ("t-7", 7), ("t-1", 1))
GRACE_END = "grace_end"
GRACE_END_WINDOW_DAYS = 7
MAX_GRACE_DAYS = 90  # LicenseTerms.grace_days
LOOK_BACK_DAYS = MAX_GRACE_DAYS + 1 + GRACE_END_WINDOW_DAYS
LOOK_AHEAD_DAYS = BEFORE[0][1]


@dataclass(frozen=True)
class Milestone:
    name: str  # t-90 … t-1 | grace_end
    first_day: date
    last_day: date  # the last day it may still go out


def milestones(ends_on: date, grace_days: int) -> list[Milestone]:
    days = [(name, ends_on - timedelta(days=n)) for name, n in BEFORE]
    found = [Milestone(name, first, days[i + 1][1] - timedelta(days=1) if i + 1 < len(days) else ends_on)
             for i, (name, first) in enumerate(days)]
    grace_end = ends_on + timedelta(days=grace_days + 1)  # the first day after the grace period
    found.append(Milestone(GRACE_END, grace_end, grace_end + timedelta(days=GRACE_END_WINDOW_DAYS - 1)))
    return found


def due(ends_on: date, grace_days: int, today: date, version_signed_on: date) -> Milestone | None:
    """The milestone to notify today, if any."""
    for milestone in milestones(ends_on, grace_days):
        if milestone.first_day <= today <= milestone.last_day and milestone.first_day >= version_signed_on:
            return milestone
    return None


def moscow_day(moment: datetime) -> date:
    return moment.astimezone(MOSCOW).date()


def scan(now: datetime | None = None) -> dict[str, int]:
    """The daily job: every license with a milestone due today gets its notice (once); then the
    retries that are due. Answers counts for the log."""
    now = now or clock.now()
    today = moscow_day(now)
    candidates = licensing.expiring(today - timedelta(days=LOOK_BACK_DAYS), today + timedelta(days=LOOK_AHEAD_DAYS))
    counts = {"candidates": len(candidates), "notices": 0, "deliveries": 0, "retried": 0}
    names: dict[str, str] = {}
    for item in candidates:
        view = item.license
        if view.status != "active":
            continue
        milestone = due(view.ends_on, view.grace_days, today, moscow_day(item.version_issued_at))
        if milestone is None:
            continue
        if view.org_id not in names:
            organization = find_organization(view.org_id)
            names[view.org_id] = organization.name if organization else view.org_id
        grace_until = view.ends_on + timedelta(days=view.grace_days)
        notice = service.Notice(
            event="license.expiry", org_id=view.org_id, template="license_expiry", license_id=view.id,
            once_key=f"expiry#{view.id}#v{view.version}#{milestone.name}",
            context={"license_id": view.id, "version": view.version, "milestone": milestone.name,
                     "org_name": names[view.org_id], "product": view.product, "plan": view.plan,
                     "ends_on": view.ends_on.isoformat(), "grace_days": view.grace_days,
                     "grace_until": grace_until.isoformat(), "days_left": max((view.ends_on - today).days, 0)})
        try:
            sent = service.dispatch(notice)
        except Exception:  # one license's trouble must not stop the others; the next run catches up
            logger.exception("expiry notice failed", extra={"license_id": view.id, "milestone": milestone.name})
            continue
        if sent:
            count("expiry_notice_sent", milestone=milestone.name)
            counts["notices"] += 1
            counts["deliveries"] += len(sent)
    counts["retried"] = service.sweep_retries(now)
    logger.info("expiry scan", extra={"day": today.isoformat(), **counts})
    return counts
