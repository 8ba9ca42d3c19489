"""Licensing reports (seed §4.4): module sales plan vs fact by month, the renewal forecast by month, and
module usage (licensed modules used vs idle, from what installations report in their heartbeats).

Read models, kept in the license's own transaction (`sale_records`, called by the license service):
- a sale per signed version that sells something (`SALE#<YYYY-MM>` in `by_month`): an issue sells every
  module for its term; a renewal sells the existing modules for the added days and any new module from
  today to the end; an upgrade (no later end) sells the added modules from today to the end. Each line
  is valued at the module's list price per year in the catalog (`Module.price`) × days / 365, or left
  without an amount when the module has no price;
- a renewed term (`RENEWED#<YYYY-MM of the previous last day>`), so a month of the forecast knows which of
  its licenses were renewed after they moved on to a later month.

Fact = the lines sold in the month (counts, amounts). Plan = what staff set per module and month."""

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pynamodb.exceptions import TransactWriteError

from tessera.accounts.service import find_organization
from tessera.audit import service as audit
from tessera.catalog import service as catalog
from tessera.catalog.models import Product
from tessera.core import clock
from tessera.core.errors import Conflict, FieldError, ValidationFailed
from tessera.core.i18n import register
from tessera.core.money import Money
from tessera.core.request import RequestInfo
from tessera.identity.principal import Principal
from tessera.licensing import repository
from tessera.licensing.dashboard import business_day, live_license_months, months_between
from tessera.licensing.records import LicenseRecord, RenewedTermRecord, SaleRecord, SalesPlanRecord
from tessera.licensing.state import state_of

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
MAX_MONTHS = 24
USAGE_WINDOW_DAYS = 30
Kind = Literal["new", "renewal", "upgrade"]

register({
    "report-period-invalid": {"ru": "Проверьте период отчёта: с месяца не позже, чем по месяц, не больше 24 месяцев.",
                              "en": "Check the report period: from no later than to, 24 months at most."},
    "sales-plan-invalid": {"ru": "Проверьте план продаж.", "en": "Check the sales plan."},
})


# --- sales, written with the license -----------------------------------------------------------------

def _days(first: date, last: date) -> int:
    """Days from first to last, both included (0 when last is before first)."""
    return max(0, (last - first).days + 1)


def _amount(price: int | None, days: int) -> int | None:
    return None if price is None else Money(price).prorate(days, 365).kopecks


def sale_records(action: str, before: dict[str, Any] | None, record: LicenseRecord) -> list[Any]:
    """The sale (and the renewed term) a newly signed version makes; nothing when it sells nothing."""
    prices = {m.code: m.price for m in catalog.get_product(record.product).modules}
    today = business_day()
    starts, ends = date.fromisoformat(record.starts_on), date.fromisoformat(record.ends_on)
    modules = sorted(record.modules)
    kind: Kind
    if action == "license.issue" or before is None:
        kind, lines = "new", [(m, _days(starts, ends)) for m in modules]
    else:
        old_ends, old_modules = date.fromisoformat(before["ends_on"]), set(before.get("modules") or [])
        from_today = _days(max(starts, today), ends)
        if ends > old_ends:
            kind = "renewal"
            extension = _days(max(old_ends + timedelta(days=1), starts), ends)
            lines = [(m, extension if m in old_modules else from_today) for m in modules]
        else:
            kind, lines = "upgrade", [(m, from_today) for m in modules if m not in old_modules]
    lines = [(m, d) for m, d in lines if d > 0]
    if not lines:
        return []
    month = f"{today:%Y-%m}"
    version = int(record.version)
    sale = SaleRecord(
        pk=f"LIC#{record.license_id}", sk=f"SALE#{version:06d}", license_id=record.license_id, org_id=record.org_id,
        product=record.product, version=version, kind=kind, sold_on=today.isoformat(),
        lines=[{"module": m, "days": d, "amount": _amount(prices.get(m), d)} for m, d in lines],
        created_at=clock.now(), month_key=f"SALE#{month}",
        month_sort=f"{today.isoformat()}#{record.license_id}#{version:06d}")
    found: list[Any] = [sale]
    if kind == "renewal" and before is not None:
        amounts = [line["amount"] for line in sale.lines if line["amount"] is not None]
        previous = before["ends_on"]
        found.append(RenewedTermRecord(
            pk=f"LIC#{record.license_id}", sk=f"RENEWED#{previous}", license_id=record.license_id,
            org_id=record.org_id, product=record.product, previous_ends_on=previous, ends_on=record.ends_on,
            renewed_on=today.isoformat(), amount=sum(amounts) if amounts else None,
            month_key=f"RENEWED#{previous[:7]}", month_sort=f"{previous}#{record.license_id}"))
    return found


# --- periods --------------------------------------------------------------------------------------------

def period(first: str | None, last: str | None, *, default_ahead: bool) -> list[str]:
    """The months of a report: given, or the current year (sales) / the next 12 months (renewals)."""
    today = business_day()
    if first is None:
        first = f"{today:%Y-%m}" if default_ahead else f"{today.year}-01"
    if last is None:
        year, month = int(first[:4]), int(first[5:7]) + 11
        last = f"{year + (month - 1) // 12:04d}-{(month - 1) % 12 + 1:02d}"
    months = months_between(first, last) if first <= last else []
    if not months or len(months) > MAX_MONTHS:
        raise ValidationFailed("Check the report period.", code="report-period-invalid",
                               errors=[FieldError("query.to", "from ≤ to, at most 24 months", "range")])
    return months


def _product(code: str) -> Product:
    return catalog.get_product(code)


# --- plan vs fact ---------------------------------------------------------------------------------------

class PlanLine(BaseModel):
    model_config = ConfigDict(extra="forbid")

    count: int = Field(0, ge=0, le=100_000, description="licenses with the module")
    amount: int = Field(0, ge=0, le=10**13, description="kopecks")


class SalesPlanRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    product: str = Field("itbm", pattern=r"^[a-z][a-z0-9_]{1,39}$")
    modules: dict[str, PlanLine] = Field(description="module code → the month's plan; a module left out: no plan")


class SalesPlan(BaseModel):
    month: str
    product: str
    modules: dict[str, PlanLine]
    updated_at: datetime | None = None
    updated_by: str | None = None


def set_plan(month: str, command: SalesPlanRequest, actor: Principal, request: RequestInfo) -> SalesPlan:
    """Replace one month's plan of a product; audited in the same transaction."""
    product = _product(command.product)
    unknown = sorted(set(command.modules) - product.module_codes())
    if unknown:
        raise ValidationFailed("Check the sales plan.", code="sales-plan-invalid",
                               errors=[FieldError("body.modules", f"unknown modules: {', '.join(unknown)}",
                                                  "unknown")])
    existing = repository.find_sales_plan(month, product.code)
    before = dict(existing.modules) if existing is not None else None
    now = clock.now()
    after = {code: line.model_dump() for code, line in sorted(command.modules.items())}
    record = SalesPlanRecord(pk=repository.SALES_PLAN, sk=f"{month}#{product.code}", month=month,
                             product=product.code, modules=after, updated_at=now, updated_by=actor.user_id)
    try:
        audit.record_change(lambda tx: repository.add_records(tx, [record]), "sales_plan.set", "sales_plan",
                            f"{month}#{product.code}", actor_id=actor.user_id, actor_kind="staff",
                            actor_display=actor.display or None, request=request, before=before, after=after)
    except TransactWriteError as exc:
        raise Conflict("Someone changed this at the same time. Reload and try again.",
                       code="concurrent-change") from exc
    return SalesPlan(month=month, product=product.code, modules=command.modules, updated_at=now,
                     updated_by=actor.user_id)


class ModuleInfo(BaseModel):
    code: str
    name: str
    name_en: str
    price: int | None


class PlanFactRow(BaseModel):
    month: str
    module: str
    plan_count: int | None = Field(description="None: no plan set")
    plan_amount: int | None
    fact_count: int
    fact_amount: int
    new: int
    renewals: int
    upgrades: int


class MonthTotal(BaseModel):
    month: str
    plan_count: int
    plan_amount: int
    fact_count: int
    fact_amount: int


class PlanFactReport(BaseModel):
    product: str
    months: list[str]
    currency: str = "RUB"
    modules: list[ModuleInfo]
    rows: list[PlanFactRow]
    totals: list[MonthTotal]
    unpriced_lines: int = Field(description="sold lines without a list price (counted, not valued)")


def plan_fact(first: str | None, last: str | None, product_code: str = "itbm") -> PlanFactReport:
    months = period(first, last, default_ahead=False)
    product = _product(product_code)
    plans = {r.month: r.modules for r in repository.sales_plans(months[0], months[-1]) if r.product == product.code}
    facts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    unpriced = 0
    for month in months:
        for sale in repository.sales_in_month(month):
            if sale.product != product.code:
                continue
            for line in sale.lines:
                cell = facts[(month, line["module"])]
                cell["count"] += 1
                cell[{"new": "new", "renewal": "renewals", "upgrade": "upgrades"}[sale.kind]] += 1
                if line["amount"] is None:
                    unpriced += 1
                else:
                    cell["amount"] += int(line["amount"])
    rows, totals = [], []
    for month in months:
        plan = plans.get(month, {})
        total = MonthTotal(month=month, plan_count=0, plan_amount=0, fact_count=0, fact_amount=0)
        for module in product.modules:
            cell, planned = facts.get((month, module.code), {}), plan.get(module.code)
            rows.append(PlanFactRow(
                month=month, module=module.code, plan_count=planned["count"] if planned else None,
                plan_amount=planned["amount"] if planned else None, fact_count=cell.get("count", 0),
                fact_amount=cell.get("amount", 0), new=cell.get("new", 0), renewals=cell.get("renewals", 0),
                upgrades=cell.get("upgrades", 0)))
            total.plan_count += planned["count"] if planned else 0
            total.plan_amount += planned["amount"] if planned else 0
            total.fact_count += cell.get("count", 0)
            total.fact_amount += cell.get("amount", 0)
        totals.append(total)
    return PlanFactReport(product=product.code, months=months, modules=_modules(product), rows=rows, totals=totals,
                          unpriced_lines=unpriced)


def _modules(product: Product) -> list[ModuleInfo]:
    return [ModuleInfo(code=m.code, name=m.name, name_en=m.name_en, price=m.price) for m in product.modules]


# --- the renewal forecast --------------------------------------------------------------------------------

RenewalStatus = Literal["renewed", "pending", "lapsed"]


class RenewalItem(BaseModel):
    license_id: str
    org_id: str
    customer: str | None
    ends_on: date = Field(description="the last day of the term that ends (or ended) in the month")
    status: RenewalStatus = Field(description="renewed; pending (ends today or later); lapsed (ended, not renewed)")
    renewed_until: date | None = None
    amount: int | None = Field(description="kopecks: the renewal's value (renewed) or a year at list prices")


class RenewalMonth(BaseModel):
    month: str
    expiring: int
    renewed: int
    pending: int
    lapsed: int
    renewed_amount: int
    pending_amount: int
    lapsed_amount: int
    items: list[RenewalItem]


class RenewalReport(BaseModel):
    months: list[RenewalMonth]
    currency: str = "RUB"


def renewals(first: str | None, last: str | None) -> RenewalReport:
    """Per month: the licenses whose term ends in it; renewed (moved on), pending or lapsed. Revoked and
    suspended licenses are not forecast to renew."""
    months = period(first, last, default_ahead=True)
    today = business_day()
    names: dict[str, str | None] = {}
    prices: dict[str, dict[str, int | None]] = {}

    def customer(org_id: str) -> str | None:
        if org_id not in names:
            organization = find_organization(org_id)
            names[org_id] = organization.name if organization else None
        return names[org_id]

    def yearly(record: LicenseRecord) -> int | None:
        if record.product not in prices:
            prices[record.product] = {m.code: m.price for m in _product(record.product).modules}
        known = [prices[record.product].get(m) for m in record.modules]
        values = [p for p in known if p is not None]
        return sum(values) if values else None

    result = []
    for month in months:
        items: list[RenewalItem] = []
        for record in repository.ending_in_month(month):
            if record.status != "active":
                continue
            ends = date.fromisoformat(record.ends_on)
            items.append(RenewalItem(license_id=record.license_id, org_id=record.org_id,
                                     customer=customer(record.org_id), ends_on=ends,
                                     status="pending" if ends >= today else "lapsed", amount=yearly(record)))
        for term in repository.renewed_in_month(month):
            items.append(RenewalItem(license_id=term.license_id, org_id=term.org_id, customer=customer(term.org_id),
                                     ends_on=date.fromisoformat(term.previous_ends_on), status="renewed",
                                     renewed_until=date.fromisoformat(term.ends_on),
                                     amount=int(term.amount) if term.amount is not None else None))
        items.sort(key=lambda i: (i.ends_on, i.license_id))

        def total(status: str, items: list[RenewalItem] = items) -> tuple[int, int]:
            chosen = [i for i in items if i.status == status]
            return len(chosen), sum(i.amount or 0 for i in chosen)

        (renewed, renewed_amount), (pending, pending_amount), (lapsed, lapsed_amount) = (
            total("renewed"), total("pending"), total("lapsed"))
        result.append(RenewalMonth(month=month, expiring=len(items), renewed=renewed, pending=pending, lapsed=lapsed,
                                   renewed_amount=renewed_amount, pending_amount=pending_amount,
                                   lapsed_amount=lapsed_amount, items=items))
    return RenewalReport(months=result)


# --- module usage -----------------------------------------------------------------------------------------

class ModuleUsage(BaseModel):
    module: str
    name: str
    name_en: str
    licensed: int = Field(description="live licenses (valid or in grace) that include the module")
    used: int = Field(description="of those, licenses with an installation reporting the module in use")
    idle: int = Field(description="licensed but not reported in use by any installation")
    installations: int = Field(description="installations reporting the module in use")
    unlicensed_installations: int = Field(description="installations reporting it although their license lacks it")


class UsageReport(BaseModel):
    product: str
    as_of: datetime
    window_days: int = Field(description="installations heard from in this many days count")
    live_licenses: int
    reporting_licenses: int = Field(description="live licenses with an installation heard from in the window")
    modules: list[ModuleUsage]


def module_usage(product_code: str = "itbm") -> UsageReport:
    product = _product(product_code)
    now = clock.now()
    live: dict[str, LicenseRecord] = {}
    for month in live_license_months(now):
        for record in repository.ending_in_month(month):
            if record.product == product.code and state_of(record.status, record, now) in ("VALID", "IN_GRACE"):
                live[record.license_id] = record
    reported: dict[str, set[str]] = defaultdict(set)  # license → modules in use
    installations: dict[str, int] = defaultdict(int)
    unlicensed: dict[str, int] = defaultdict(int)
    for installation in repository.fleet(now - timedelta(days=USAGE_WINDOW_DAYS), None, None):
        holder = live.get(installation.license_id)
        if holder is None:
            continue
        heard = reported[holder.license_id]  # a license heard from, even with no module in use
        for module in set(installation.active_modules or []):
            installations[module] += 1
            if module in holder.modules:
                heard.add(module)
            else:
                unlicensed[module] += 1
    modules = []
    for module in product.modules:
        licensed = [lid for lid, r in live.items() if module.code in r.modules]
        used = sum(1 for lid in licensed if module.code in reported.get(lid, set()))
        modules.append(ModuleUsage(module=module.code, name=module.name, name_en=module.name_en,
                                   licensed=len(licensed), used=used, idle=len(licensed) - used,
                                   installations=installations.get(module.code, 0),
                                   unlicensed_installations=unlicensed.get(module.code, 0)))
    return UsageReport(product=product.code, as_of=now, window_days=USAGE_WINDOW_DAYS, live_licenses=len(live),
                       reporting_licenses=len(reported), modules=modules)
