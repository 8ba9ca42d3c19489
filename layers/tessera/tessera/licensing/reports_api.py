"""/api/console/licensing/*: the dashboard's KPIs, fleet-wide monitoring of installations, and the reports
(module sales plan vs fact, renewal forecast, module usage) as JSON and as XLSX / PDF files."""

from typing import Annotated, Any, Literal

from tessera.core.http import Path, Query, Response, Router
from tessera.core.request import RequestInfo
from tessera.identity.principal import current, guard
from tessera.licensing import dashboard, report_files, reports
from tessera.licensing.dashboard import Dashboard, FleetFilters, FleetPage
from tessera.licensing.reports import (
    MONTH_PATTERN,
    PlanFactReport,
    RenewalReport,
    SalesPlan,
    SalesPlanRequest,
    UsageReport,
)

router = Router()
MONTH = Annotated[str | None, Query(pattern=MONTH_PATTERN, description="YYYY-MM")]
PRODUCT = Annotated[str, Query(pattern=r"^[a-z][a-z0-9_]{1,39}$")]
FILE: dict[int, Any] = {200: {"description": "the report as a file", "content": {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}, "application/pdf": {}}}}


def _request() -> RequestInfo:
    return RequestInfo.from_event(router.current_event)


@router.get("/api/console/licensing/dashboard", summary="Licensing KPIs: licenses by state, new requests, "
            "installations by state", tags=["licensing-monitoring"])
@guard(router, "console.licensing.dashboard")
def kpis() -> Dashboard:
    return dashboard.kpis()


@router.get("/api/console/licensing/activations", summary="Every installation across licenses (fleet monitoring)",
            tags=["licensing-monitoring"])
@guard(router, "console.licenses.read")
def fleet(state: Annotated[Literal["active", "stale", "inactive"] | None, Query()] = None,
          org_id: Annotated[str | None, Query(pattern=r"^org_[0-9A-HJKMNP-TV-Z]{26}$")] = None,
          software_version: Annotated[str | None, Query(pattern=r"^\d+\.\d+(\.\d+)?$")] = None,
          behind_latest: Annotated[bool | None, Query()] = None,
          clone_suspected: Annotated[bool | None, Query()] = None,
          with_violations: Annotated[bool | None, Query()] = None,
          cursor: Annotated[str | None, Query(max_length=1000)] = None,
          limit: Annotated[int | None, Query(ge=1, le=100)] = None) -> FleetPage:
    filters = FleetFilters(state=state, org_id=org_id, software_version=software_version, behind_latest=behind_latest,
                           clone_suspected=clone_suspected, with_violations=with_violations)
    return dashboard.fleet(filters, cursor, limit)


@router.get("/api/console/licensing/reports/sales", summary="Module sales: plan vs fact by month",
            tags=["licensing-reports"])
@guard(router, "console.reports.read")
def sales(from_month: Annotated[str | None, Query(alias="from", pattern=MONTH_PATTERN)] = None,
          to_month: Annotated[str | None, Query(alias="to", pattern=MONTH_PATTERN)] = None,
          product: PRODUCT = "itbm") -> PlanFactReport:
    return reports.plan_fact(from_month, to_month, product)


@router.get("/api/console/licensing/reports/renewals", summary="Renewal forecast by month",
            tags=["licensing-reports"])
@guard(router, "console.reports.read")
def renewals(from_month: Annotated[str | None, Query(alias="from", pattern=MONTH_PATTERN)] = None,
             to_month: Annotated[str | None, Query(alias="to", pattern=MONTH_PATTERN)] = None) -> RenewalReport:
    return reports.renewals(from_month, to_month)


@router.get("/api/console/licensing/reports/usage", summary="Module usage: licensed modules used vs idle",
            tags=["licensing-reports"])
@guard(router, "console.reports.read")
def usage(product: PRODUCT = "itbm") -> UsageReport:
    return reports.module_usage(product)


@router.get("/api/console/licensing/reports/<report>/export", summary="A report as XLSX or PDF",
            tags=["licensing-reports"], responses=FILE)
@guard(router, "console.reports.read")
def export(report: Annotated[Literal["sales", "renewals", "usage"], Path()],
           format: Annotated[Literal["xlsx", "pdf"], Query()] = "xlsx",
           from_month: Annotated[str | None, Query(alias="from", pattern=MONTH_PATTERN)] = None,
           to_month: Annotated[str | None, Query(alias="to", pattern=MONTH_PATTERN)] = None,
           product: PRODUCT = "itbm"):  # a file: no return annotation, so the bytes pass through
    language: Literal["ru", "en"] = "en" if _request().language == "en" else "ru"
    data: PlanFactReport | RenewalReport | UsageReport
    if report == "sales":
        data = reports.plan_fact(from_month, to_month, product)
    elif report == "renewals":
        data = reports.renewals(from_month, to_month)
    else:
        data = reports.module_usage(product)
    media_type, body = report_files.render(report_files.table_for(data, language), format, language)
    name = f"{report}-{dashboard.business_day().isoformat()}.{format}"
    return Response(200, media_type, body, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.put("/api/console/licensing/sales-plan/<month>", summary="Set a month's module sales plan (audited)",
            tags=["licensing-reports"])
@guard(router, "console.reports.plan")
def set_plan(month: Annotated[str, Path(pattern=MONTH_PATTERN)], body: SalesPlanRequest) -> SalesPlan:
    return reports.set_plan(month, body, current(), _request())
