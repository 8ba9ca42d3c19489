"""The onboarding wizard's progress, kept per organization so a reload or another device resumes it:
create a workspace → widget basics → connect and test a channel → calendar → the snippet → a test on the
demo page. Each step is done or skipped (all but the workspace, which the rest needs); the wizard may be
dismissed as a whole. The steps' own work goes through their own routes (workspaces, widget, channels):
this records only where the owner is. Not audited: it is the wizard's place, not the organization's
data. Whether the caller has seen the guided tour is kept per user."""

from __future__ import annotations

from typing import Any

from tessera.core import clock
from tessera.core.errors import FieldError, ValidationFailed
from tessera.core.i18n import register
from tessera.workspaces import repository
from tessera.workspaces.models import (
    ONBOARDING_STEPS,
    OnboardingStep,
    OnboardingStepView,
    OnboardingView,
    StepOutcome,
)
from tessera.workspaces.records import OnboardingRecord

register({
    "onboarding-step-required": {"ru": "Этот шаг нельзя пропустить: без рабочего пространства дальше не пройти.",
                                 "en": "This step cannot be skipped: the rest needs a workspace."},
    "onboarding-workspace-unknown": {"ru": "Сначала создайте рабочее пространство.",
                                     "en": "Create a workspace first."},
})

UNSKIPPABLE: frozenset[OnboardingStep] = frozenset({"workspace"})


def view(org_id: str, user_id: str, record: OnboardingRecord | None = None) -> OnboardingView:
    record = record if record is not None else repository.find_onboarding(org_id)
    done, skipped = set(record.done or ()) if record else set(), set(record.skipped or ()) if record else set()
    steps = [OnboardingStepView(step=step, state="done" if step in done else "skipped" if step in skipped
                                else "pending", skippable=step not in UNSKIPPABLE) for step in ONBOARDING_STEPS]
    current = next((s.step for s in steps if s.state == "pending"), None)
    if record is None:
        # an organization set up before the wizard (or by hand) has nothing to be walked through
        status = "finished" if repository.workspaces_of(org_id) else "active"
    else:
        status = "dismissed" if record.dismissed else "finished" if current is None else "active"
    tour_seen = record is not None and user_id in (record.tour_seen_by or set())
    return OnboardingView(status=status, steps=steps, current=current,
                          workspace_id=record.workspace_id if record else None, tour_seen=tour_seen)


def mark_step(org_id: str, step: OnboardingStep, command: StepOutcome, user_id: str) -> OnboardingView:
    if command.outcome == "skipped" and step in UNSKIPPABLE:
        raise ValidationFailed("This step cannot be skipped.", code="onboarding-step-required",
                               errors=[FieldError("body.outcome", "cannot be skipped", "onboarding-step-required")])
    actions: list[Any] = [OnboardingRecord.updated_at.set(clock.now())]
    if step == "workspace":
        workspace = repository.find_workspace(org_id, command.workspace_id) if command.workspace_id else None
        if workspace is None:
            raise ValidationFailed("Create a workspace first.", code="onboarding-workspace-unknown",
                                   errors=[FieldError("body.workspace_id", "not a workspace of the organization",
                                                      "onboarding-workspace-unknown")])
        actions.append(OnboardingRecord.workspace_id.set(workspace.workspace_id))
    if command.outcome == "done":
        actions += [OnboardingRecord.done.add({step}), OnboardingRecord.skipped.delete({step})]
    else:
        actions += [OnboardingRecord.skipped.add({step}), OnboardingRecord.done.delete({step})]
    return view(org_id, user_id, repository.update_onboarding(org_id, actions))


def dismiss(org_id: str, user_id: str) -> OnboardingView:
    record = repository.update_onboarding(org_id, [OnboardingRecord.dismissed.set(True),
                                                   OnboardingRecord.updated_at.set(clock.now())])
    return view(org_id, user_id, record)


def tour_seen(org_id: str, user_id: str) -> OnboardingView:
    return view(org_id, user_id, repository.update_onboarding(org_id, [OnboardingRecord.tour_seen_by.add({user_id})]))
