"""/api/app/orgs/{org_id}/workspaces/{workspace_id}/…: the Fast Lead dashboard, export jobs (leads and
the dashboard's days) and the owner's alert settings, served by WorkspacesApiFunction (one function for the
app's Fast Lead API; the stack is near CloudFormation's 500 resources). Another organization's workspace
answers 404."""

from datetime import date
from typing import Annotated

from tessera.core.http import Path, Query, Response, Router
from tessera.core.request import RequestInfo
from tessera.identity.principal import current, guard
from tessera.reporting import service
from tessera.reporting.models import AlertSettings, AnalyticsExportCreate, ExportView, LeadExportCreate, LeadsDashboard
from tessera.workspaces.models import WORKSPACE_ID
from tessera.workspaces.service import Actor, require_feature

router = Router()
ORG_ID = Annotated[str, Path(pattern=r"^org_[0-9A-HJKMNP-TV-Z]{26}$")]
WS_ID = Annotated[str, Path(pattern=WORKSPACE_ID)]
EXPORT_ID = Annotated[str, Path(pattern=r"^exp_[0-9A-HJKMNP-TV-Z]{26}$")]
DATE_FROM = Annotated[date | None, Query(alias="from", description="first day (Moscow), inclusive; default: "
                                                                  "29 days before `to`")]
DATE_TO = Annotated[date | None, Query(alias="to", description="last day (Moscow), inclusive; default: today")]
ONE = "/api/app/orgs/<org_id>/workspaces/<workspace_id>"


def _actor() -> Actor:
    return Actor.of(current(), RequestInfo.from_event(router.current_event))


@router.get(f"{ONE}/analytics", tags=["analytics"],
            summary="The dashboard: totals, conversion, time to first contact, channels, funnel, days (Moscow)")
@guard(router, "app.analytics.read")
def dashboard(org_id: ORG_ID, workspace_id: WS_ID, date_from: DATE_FROM = None,
              date_to: DATE_TO = None) -> LeadsDashboard:
    require_feature(org_id, "dashboard")
    return service.dashboard(org_id, workspace_id, date_from, date_to)


@router.post(f"{ONE}/leads/exports", tags=["exports"],
             summary="Start exporting the leads (the list's filters) to CSV or XLSX; poll the job")
@guard(router, "app.exports.create")
def export_leads(org_id: ORG_ID, workspace_id: WS_ID, body: LeadExportCreate) -> Response[ExportView]:
    return Response(202, "application/json", service.start_leads_export(org_id, workspace_id, body, _actor()))


@router.post(f"{ONE}/analytics/exports", tags=["exports"],
             summary="Start exporting the dashboard's days of a range to CSV or XLSX; poll the job")
@guard(router, "app.exports.create")
def export_analytics(org_id: ORG_ID, workspace_id: WS_ID, body: AnalyticsExportCreate) -> Response[ExportView]:
    require_feature(org_id, "dashboard")
    return Response(202, "application/json", service.start_analytics_export(org_id, workspace_id, body, _actor()))


@router.get(f"{ONE}/exports/<export_id>", tags=["exports"],
            summary="An export's progress (rows written) and, when done, a presigned download URL (15 min)")
@guard(router, "app.exports.read")
def get_export(org_id: ORG_ID, workspace_id: WS_ID, export_id: EXPORT_ID) -> ExportView:
    return service.get_export(org_id, workspace_id, export_id)


@router.get(f"{ONE}/analytics/alerts", tags=["analytics"], summary="The weekly e-mail and the alerts chosen")
@guard(router, "app.analytics.read")
def get_alerts(org_id: ORG_ID, workspace_id: WS_ID) -> AlertSettings:
    return service.get_alerts(org_id, workspace_id)


@router.put(f"{ONE}/analytics/alerts", tags=["analytics"],
            summary="Choose the weekly e-mail and the alerts: no leads for N days, conversion below X %")
@guard(router, "app.analytics.alerts")
def save_alerts(org_id: ORG_ID, workspace_id: WS_ID, body: AlertSettings) -> AlertSettings:
    return service.save_alerts(org_id, workspace_id, body, _actor())
