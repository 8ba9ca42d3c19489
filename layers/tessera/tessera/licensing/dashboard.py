"""The licensing dashboard (KPIs) and fleet-wide monitoring of installations.

KPIs without a scan: counters kept in the same transaction as every license change (`counter_changes`,
called from the license service), one counter item per day and kind, plus one per status:

- `D#<day>#END` / `#GRACE` / `#START`: active-status licenses whose last day / last day of grace / first day
  is that day (Moscow calendar, as the license's dates are);
- `D#<day>#NEW`: licenses issued that day;
- `STATUS#<active|suspended|revoked>`: licenses by status.

Only days from a week ago onwards are read (one query): of the active-status licenses, those whose grace
has not ended are the GRACE counters from today on, and so on; what ended earlier is the status total
minus what has not ended (see `kpis`). Installations by state are COUNT queries of the `fleet` index
(states are ranges of the last contact); first activations are a COUNT of `by_month` `ACTIVATED#<month>`.

"New requests" (7 days): licenses issued plus installations activated in the last 7 days — what the
seed's «новые запросы» means for a vendor without a request form: new paperwork and new servers."""

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from tessera.accounts.service import find_organization
from tessera.catalog import service as catalog
from tessera.core import clock
from tessera.core.pagination import InvalidCursor, clamp_limit, decode_cursor, encode_cursor
from tessera.licensing import repository
from tessera.licensing.models import ActivationView, version_key
from tessera.licensing.records import ActivationRecord, LicenseRecord
from tessera.licensing.state import state_of, violations

MOSCOW = ZoneInfo("Europe/Moscow")
NEW_REQUEST_DAYS = 7
EXPIRING_DAYS = 30
MAX_EXAMINED = 300  # installations looked at for one page of a filtered fleet listing
STALE_AFTER_SECONDS = 3 * 3600  # missed heartbeats for three hours: stale
INACTIVE_AFTER_SECONDS = 3 * 86400  # for three days: inactive

State = Literal["active", "stale", "inactive"]


def business_day(at: datetime | None = None) -> date:
    """The day in Moscow: license dates are Moscow days (signing.end_of)."""
    return (at or clock.now()).astimezone(MOSCOW).date()


# --- counters, kept with the license ---------------------------------------------------------------

def _contribution(snapshot: dict[str, Any] | None) -> Counter[str]:
    found: Counter[str] = Counter()
    if not snapshot:
        return found
    status = snapshot["status"]
    found[f"STATUS#{status}"] += 1
    if status == "active":
        ends = date.fromisoformat(snapshot["ends_on"])
        found[f"D#{ends.isoformat()}#END"] += 1
        found[f"D#{(ends + timedelta(days=int(snapshot['grace_days']))).isoformat()}#GRACE"] += 1
        found[f"D#{snapshot['starts_on']}#START"] += 1
    return found


def counter_changes(action: str, before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, int]:
    """What a license change does to the counters (the snapshots are the audit's before/after)."""
    deltas: Counter[str] = Counter(_contribution(after))
    deltas.subtract(_contribution(before))
    if action == "license.issue":
        deltas[f"D#{business_day().isoformat()}#NEW"] += 1
    return {k: v for k, v in deltas.items() if v}


# --- the KPIs ----------------------------------------------------------------------------------------

class LicenseKpis(BaseModel):
    active: int = Field(description="valid today")
    expiring_30d: int = Field(description="valid today, last day within 30 days (not yet valid ones included)")
    in_grace: int = Field(description="past the last day, inside the grace period")
    expired: int = Field(description="past the grace period and not renewed (status active)")
    not_yet_valid: int
    suspended: int
    revoked: int
    total: int


class NewRequests(BaseModel):
    days: int
    issued: int = Field(description="licenses issued in the window")
    first_activations: int = Field(description="installations activated in the window")
    total: int


class ActivationStates(BaseModel):
    active: int = Field(description="a heartbeat within 3 hours")
    stale: int = Field(description="silent 3 hours to 3 days")
    inactive: int = Field(description="silent longer than 3 days")
    total: int


class Dashboard(BaseModel):
    as_of: datetime
    today: date = Field(description="the Moscow day the figures are for")
    licenses: LicenseKpis
    new_requests: NewRequests
    activations: ActivationStates
    expiring_by_day: dict[date, int] = Field(description="licenses ending on each of the next 30 days (non-zero)")


def kpis() -> Dashboard:
    now = clock.now()
    today = business_day(now)
    week_start = today - timedelta(days=NEW_REQUEST_DAYS - 1)
    counters = repository.counters_from(f"D#{week_start.isoformat()}")  # + the STATUS# items (S > D)
    not_ended = grace_open = not_yet_valid = issued = expiring = 0
    by_day: dict[date, int] = {}
    horizon = today + timedelta(days=EXPIRING_DAYS)
    for sk, value in counters.items():
        if not sk.startswith("D#") or value == 0:
            continue
        _, day_text, kind = sk.split("#")
        day = date.fromisoformat(day_text)
        if kind == "END" and day >= today:
            not_ended += value
            if day <= horizon:
                expiring += value
                by_day[day] = by_day.get(day, 0) + value
        elif kind == "GRACE" and day >= today:
            grace_open += value
        elif kind == "START" and day > today:
            not_yet_valid += value
        elif kind == "NEW" and week_start <= day <= today:
            issued += value
    active_status = counters.get("STATUS#active", 0)
    suspended, revoked = counters.get("STATUS#suspended", 0), counters.get("STATUS#revoked", 0)
    licenses = LicenseKpis(active=not_ended - not_yet_valid, expiring_30d=expiring, in_grace=grace_open - not_ended,
                           expired=active_status - grace_open, not_yet_valid=not_yet_valid, suspended=suspended,
                           revoked=revoked, total=active_status + suspended + revoked)

    since = now - timedelta(days=NEW_REQUEST_DAYS)
    months = sorted({f"{since:%Y-%m}", f"{now:%Y-%m}"})
    activated = sum(repository.activated_count(month, since) for month in months)

    # three disjoint ranges of last contact: each installation is read once
    stale_at = now - timedelta(seconds=STALE_AFTER_SECONDS)
    inactive_at = now - timedelta(seconds=INACTIVE_AFTER_SECONDS)
    active = repository.fleet_count(seen_from=stale_at)
    stale = repository.fleet_count(seen_from=inactive_at, seen_before=stale_at)
    inactive = repository.fleet_count(seen_before=inactive_at)
    return Dashboard(
        as_of=now, today=today, licenses=licenses,
        new_requests=NewRequests(days=NEW_REQUEST_DAYS, issued=issued, first_activations=activated,
                                 total=issued + activated),
        activations=ActivationStates(active=active, stale=stale, inactive=inactive, total=active + stale + inactive),
        expiring_by_day=dict(sorted(by_day.items())))


def live_license_months(now: datetime | None = None) -> list[str]:
    """The months (YYYY-MM) holding every license that is valid, not yet valid or in grace today: from the
    longest grace ago to the furthest last day the counters know."""
    today = business_day(now)
    counters = repository.counters_from(f"D#{today.isoformat()}")
    last = max((date.fromisoformat(sk.split("#")[1]) for sk, v in counters.items()
                if sk.startswith("D#") and sk.endswith("#GRACE") and v > 0), default=today)
    first = today - timedelta(days=90)  # the longest grace period (LicenseTerms.grace_days ≤ 90)
    return months_between(f"{first:%Y-%m}", f"{last:%Y-%m}")


def months_between(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    found = []
    while f"{year:04d}-{month:02d}" <= last:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


# --- the fleet -----------------------------------------------------------------------------------------

class FleetActivation(ActivationView):
    license_id: str
    org_id: str
    customer: str | None
    product: str
    plan: str
    license_state: str
    latest_version: str
    clone_suspected: bool = Field(description="several servers heartbeat with this installation's license")


class FleetFilters(BaseModel):
    state: State | None = None
    org_id: str | None = None
    software_version: str | None = None
    behind_latest: bool | None = None
    clone_suspected: bool | None = None
    with_violations: bool | None = None


class FleetPage(BaseModel):
    items: list[FleetActivation]
    next_cursor: str | None


class _Context:
    """What the rows of a page share: licenses, their installations (clones), customers, products."""

    def __init__(self) -> None:
        self.licenses: dict[str, LicenseRecord | None] = {}
        self.clones: dict[str, bool] = {}
        self.customers: dict[str, str | None] = {}
        self.latest: dict[str, str] = {}

    def license(self, license_id: str) -> LicenseRecord | None:
        if license_id not in self.licenses:
            self.licenses[license_id] = repository.find(license_id)
        return self.licenses[license_id]

    def clone_suspected(self, license_id: str, now: float) -> bool:
        if license_id not in self.clones:
            servers = {a.fingerprint for a in repository.activations(license_id)
                       if now - a.last_seen_at.timestamp() < STALE_AFTER_SECONDS}
            self.clones[license_id] = len(servers) > 1
        return self.clones[license_id]

    def customer(self, org_id: str) -> str | None:
        if org_id not in self.customers:
            organization = find_organization(org_id)
            self.customers[org_id] = organization.name if organization else None
        return self.customers[org_id]

    def latest_version(self, product: str) -> str:
        if product not in self.latest:
            self.latest[product] = catalog.get_product(product).latest_version
        return self.latest[product]


def state_of_installation(last_seen_at: datetime, now: float) -> State:
    silent = now - last_seen_at.timestamp()
    return "active" if silent < STALE_AFTER_SECONDS else "stale" if silent < INACTIVE_AFTER_SECONDS else "inactive"


def _row(a: ActivationRecord, context: _Context, now: float) -> FleetActivation | None:
    record = context.license(a.license_id)
    if record is None:
        return None
    latest = context.latest_version(record.product)
    usage = dict(a.usage or {})
    return FleetActivation(
        installation_id=a.installation_id, fingerprint=a.fingerprint, software_version=a.software_version,
        domain=a.domain, server_ip=a.server_ip, active_modules=list(a.active_modules or []), usage=usage,
        activated_at=a.activated_at, last_seen_at=a.last_seen_at, state=state_of_installation(a.last_seen_at, now),
        behind_latest=version_key(a.software_version) < version_key(latest),
        violations=violations(usage, record.limits), license_id=record.license_id, org_id=record.org_id,
        customer=context.customer(record.org_id), product=record.product, plan=record.plan,
        license_state=state_of(record.status, record), latest_version=latest,
        clone_suspected=context.clone_suspected(record.license_id, now))


def _matches(row: FleetActivation, filters: FleetFilters) -> bool:
    return ((filters.state is None or row.state == filters.state)
            and (filters.software_version is None or row.software_version == filters.software_version)
            and (filters.behind_latest is None or row.behind_latest == filters.behind_latest)
            and (filters.clone_suspected is None or row.clone_suspected == filters.clone_suspected)
            and (filters.with_violations is None or bool(row.violations) == filters.with_violations))


def fleet(filters: FleetFilters, cursor: str | None, limit: int | None) -> FleetPage:
    """Every installation across licenses, newest contact first, filtered.

    The state is a key condition on the fleet index's shards, merged into one order; the other filters
    apply to what the index yields, at most MAX_EXAMINED installations per page (the cursor continues
    after the last one looked at, in every shard at once).
    With a customer, its licenses (by_org) and their installations are read instead."""
    size = clamp_limit(limit)
    now_dt = clock.now()
    now = now_dt.timestamp()
    context = _Context()
    if filters.org_id:
        return _fleet_of_org(filters, cursor, size, context, now)
    stale_at = now_dt - timedelta(seconds=STALE_AFTER_SECONDS)
    inactive_at = now_dt - timedelta(seconds=INACTIVE_AFTER_SECONDS)
    seen_from, seen_before = {None: (None, None), "active": (stale_at, None), "stale": (inactive_at, stale_at),
                              "inactive": (None, inactive_at)}[filters.state]
    scope = f"fleet:{filters.state or ''}"  # the state bounds the query's range: another state's key is not in it
    items: list[FleetActivation] = []
    examined, last, exhausted = 0, None, True
    filtered = filters.model_dump(exclude_none=True).keys() - {"state"}
    for record in repository.fleet(seen_from, seen_before, _fleet_cursor(cursor, scope),
                                   page_size=MAX_EXAMINED if filtered else size):
        examined, last = examined + 1, record
        row = _row(record, context, now)
        if row is not None and _matches(row, filters):
            items.append(row)
        if len(items) >= size or examined >= MAX_EXAMINED:
            exhausted = False
            break
    next_cursor = None if exhausted or last is None else _encode_fleet_cursor(repository.fleet_position(last), scope)
    return FleetPage(items=items, next_cursor=next_cursor)


def _encode_fleet_cursor(position: repository.FleetPosition, scope: str) -> str | None:
    return encode_cursor({"seen": position.last_seen_at.isoformat(), "pk": position.pk, "sk": position.sk}, scope)


def _fleet_cursor(cursor: str | None, scope: str) -> repository.FleetPosition | None:
    """The position a fleet cursor names: one place in the order over every shard."""
    position = decode_cursor(cursor, scope)
    if position is None:
        return None
    try:
        if set(position) != {"seen", "pk", "sk"} or not all(isinstance(v, str) for v in position.values()):
            raise ValueError("not a fleet cursor")
        seen = datetime.fromisoformat(position["seen"])
        if seen.tzinfo is None:
            raise ValueError("no time zone")
    except ValueError as exc:
        raise InvalidCursor("not a cursor of this listing") from exc
    return repository.FleetPosition(seen, position["pk"], position["sk"])


def _fleet_of_org(filters: FleetFilters, cursor: str | None, size: int, context: _Context, now: float) -> FleetPage:
    rows = []
    for record in repository.all_of_org(filters.org_id or ""):
        context.licenses[record.license_id] = record
        for a in repository.activations(record.license_id):
            row = _row(a, context, now)
            if row is not None and _matches(row, filters):
                rows.append(row)
    rows.sort(key=lambda r: r.last_seen_at, reverse=True)
    scope = f"fleet-org:{filters.org_id}"
    position = decode_cursor(cursor, scope) or {"offset": 0}
    offset = position.get("offset")
    if not isinstance(offset, int) or offset < 0:
        raise InvalidCursor("not a cursor of this listing")
    page = rows[offset:offset + size]
    more = offset + size < len(rows)
    return FleetPage(items=page, next_cursor=encode_cursor({"offset": offset + size}, scope) if more else None)
