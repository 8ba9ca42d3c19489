"""/api/app/orgs/{org_id}/onboarding: the organization's onboarding wizard and the caller's guided tour."""

from typing import Annotated

from tessera.core.http import Path, Router
from tessera.identity.principal import current, guard
from tessera.workspaces import onboarding
from tessera.workspaces.models import OnboardingStep, OnboardingView, StepOutcome

router = Router()
ORG_ID = Annotated[str, Path(pattern=r"^org_[0-9A-HJKMNP-TV-Z]{26}$")]
BASE = "/api/app/orgs/<org_id>/onboarding"


@router.get(BASE, summary="The onboarding wizard's progress and whether the caller has seen the tour",
            tags=["onboarding"])
@guard(router, "app.onboarding.read")
def get_onboarding(org_id: ORG_ID) -> OnboardingView:
    return onboarding.view(org_id, current().user_id)


@router.post(f"{BASE}/steps/<step>", summary="Mark a wizard step done or skipped", tags=["onboarding"])
@guard(router, "app.onboarding.update")
def mark_step(org_id: ORG_ID, step: OnboardingStep, body: StepOutcome) -> OnboardingView:
    return onboarding.mark_step(org_id, step, body, current().user_id)


@router.post(f"{BASE}/dismiss", summary="Close the wizard for the organization (its pages stay reachable)",
             tags=["onboarding"])
@guard(router, "app.onboarding.update")
def dismiss(org_id: ORG_ID) -> OnboardingView:
    return onboarding.dismiss(org_id, current().user_id)


@router.post(f"{BASE}/tour-seen", summary="The caller has seen the guided tour of the Fast Lead pages",
             tags=["onboarding"])
@guard(router, "app.onboarding.read")
def tour_seen(org_id: ORG_ID) -> OnboardingView:
    return onboarding.tour_seen(org_id, current().user_id)
