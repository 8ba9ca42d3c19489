"""/api/console/billing/dunning-runs: the dunning runs as their tasks recorded them (BillingTable; never a
Step Functions call from the API), for the billing staff and auditors."""

from typing import Annotated

from tessera.billing import service
from tessera.billing.models import DunningRunPage, DunningRunState, DunningRunView
from tessera.core.http import Path, Query, Router
from tessera.identity.principal import guard

router = Router()
ULID = r"[0-9A-HJKMNP-TV-Z]{26}"


@router.get("/api/console/billing/dunning-runs",
            summary="Dunning runs, newest first; by state and customer", tags=["billing"])
@guard(router, "console.billing.read")
def dunning_runs(state: Annotated[DunningRunState | None, Query()] = None,
                 org_id: Annotated[str | None, Query(pattern=rf"^org_{ULID}$")] = None,
                 cursor: Annotated[str | None, Query(max_length=500)] = None,
                 limit: Annotated[int | None, Query(ge=1, le=100)] = None) -> DunningRunPage:
    return service.list_dunning_runs(state=state, org_id=org_id, cursor=cursor, limit=limit)


@router.get("/api/console/billing/dunning-runs/<run_id>", summary="A dunning run with its steps", tags=["billing"])
@guard(router, "console.billing.read")
def dunning_run(run_id: Annotated[str, Path(pattern=rf"^dun_{ULID}$")]) -> DunningRunView:
    return service.get_dunning_run(run_id)
