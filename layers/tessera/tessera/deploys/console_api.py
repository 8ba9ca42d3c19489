"""/api/console/* of deploys: releases, installations, deploy runs (read: implementation, developers,
admins and auditors), starting a deploy and rolling one back (implementation, developers, admins; audited
with the reason; the SPA asks for the confirmation)."""

from typing import Annotated

from tessera.core.http import Path, Query, Response, Router
from tessera.core.request import RequestInfo
from tessera.deploys import service
from tessera.deploys.models import (
    ULID,
    VERSION,
    Channel,
    DeployRequest,
    DeployRunPage,
    DeployRunView,
    InstallationPage,
    InstallationView,
    ReleasePage,
    ReleaseView,
    RollbackRequest,
    RunState,
)
from tessera.identity.principal import current, guard

router = Router()
INSTALLATION_ID = Annotated[str, Path(pattern=r"^ins_[A-Z2-7]{26}$")]
RUN_ID = Annotated[str, Path(pattern=rf"^(dep_{ULID}|bct_[0-9a-f]{{32}})$")]  # bct_: reported by budgetctl
CURSOR = Annotated[str | None, Query(max_length=500)]
LIMIT = Annotated[int | None, Query(ge=1, le=100)]


def _request() -> RequestInfo:
    return RequestInfo.from_event(router.current_event)


@router.get("/api/console/releases", summary="Releases, newest first; by channel", tags=["deploys"])
@guard(router, "console.deploys.read")
def releases(channel: Annotated[Channel | None, Query()] = None, cursor: CURSOR = None,
             limit: LIMIT = None) -> ReleasePage:
    return service.list_releases(channel, cursor, limit)


@router.get("/api/console/releases/<version>", summary="A release: changelog, channel, image digests",
            tags=["deploys"])
@guard(router, "console.deploys.read")
def release(version: Annotated[str, Path(pattern=VERSION)]) -> ReleaseView:
    return service.get_release(version)


@router.get("/api/console/installations",
            summary="Installations whose agent called: license, customer, current and target versions",
            tags=["deploys"])
@guard(router, "console.deploys.read")
def installations(cursor: CURSOR = None, limit: LIMIT = None) -> InstallationPage:
    return service.list_installations(cursor, limit)


@router.get("/api/console/installations/<installation_id>", summary="An installation", tags=["deploys"])
@guard(router, "console.deploys.read")
def installation(installation_id: INSTALLATION_ID) -> InstallationView:
    return service.get_installation(installation_id)


@router.post("/api/console/installations/<installation_id>/deploys",
             summary="Deploy a version (queued; 409 while another deploy of the installation runs; audited)",
             tags=["deploys"])
@guard(router, "console.deploys.run")
def start_deploy(installation_id: INSTALLATION_ID, body: DeployRequest) -> Response[DeployRunView]:
    run = service.start_deploy(installation_id, body, current(), _request())
    return Response(202, "application/json", run)


@router.get("/api/console/deploys/runs", summary="Deploy runs, newest first; by state and installation",
            tags=["deploys"])
@guard(router, "console.deploys.read")
def runs(state: Annotated[RunState | None, Query()] = None,
         installation_id: Annotated[str | None, Query(pattern=r"^ins_[A-Z2-7]{26}$")] = None,
         cursor: CURSOR = None, limit: LIMIT = None) -> DeployRunPage:
    return service.list_runs(state, installation_id, cursor, limit)


@router.get("/api/console/deploys/runs/<run_id>", summary="A deploy run with each step and the agent's output",
            tags=["deploys"])
@guard(router, "console.deploys.read")
def run(run_id: RUN_ID) -> DeployRunView:
    return service.get_run(run_id)


@router.post("/api/console/deploy-runs/<run_id>/rollback",
             summary="Roll a deploy that succeeded back to the version it replaced (a new run; audited)",
             tags=["deploys"])
@guard(router, "console.deploys.run")
def rollback(run_id: RUN_ID, body: RollbackRequest) -> Response[DeployRunView]:
    return Response(202, "application/json", service.rollback(run_id, body.reason, current(), _request()))
