"""/api/app/orgs/{org_id}/features: the feature flags evaluated for the caller's organization (its id and
its Fast Lead plan), so the app hides what a flag turns off (tessera.core.features)."""

from typing import Annotated

from pydantic import BaseModel, Field

from tessera.core.http import Path, Router
from tessera.identity.principal import guard
from tessera.workspaces.service import features_of

router = Router()
ORG_ID = Annotated[str, Path(pattern=r"^org_[0-9A-HJKMNP-TV-Z]{26}$")]


class FeatureFlagsView(BaseModel):
    dashboard: bool = Field(description="the Fast Lead analytics dashboard and its export")
    onboarding: bool = Field(description="the onboarding wizard and the guided tour")
    billing: bool = Field(description="the app's plan, invoices and payments pages")


@router.get("/api/app/orgs/<org_id>/features", summary="The feature flags for the caller's organization",
            tags=["features"])
@guard(router, "app.features.read")
def get_features(org_id: ORG_ID) -> FeatureFlagsView:
    return FeatureFlagsView(**features_of(org_id))
