import { answer, api, type Answer } from './client';
import * as schema from './schema';

/** The organization's onboarding wizard (docs/design/workspaces.md, "Onboarding"). */
export type Onboarding = Answer<'/api/app/orgs/{org_id}/onboarding', 'get'>;
export type OnboardingStep = Onboarding['steps'][number]['step'];
export const ONBOARDING_STEPS = schema.onboardingStepViewStepValues;

const org = (orgId: string) => ({ params: { path: { org_id: orgId } } });

export const getOnboarding = (orgId: string) => answer(api.GET('/api/app/orgs/{org_id}/onboarding', org(orgId)));
/** `workspace_id` names the workspace the wizard created (required to finish the first step). */
export const markStep = (orgId: string, step: OnboardingStep, outcome: 'done' | 'skipped', workspaceId?: string) =>
  answer(api.POST('/api/app/orgs/{org_id}/onboarding/steps/{step}', {
    params: { path: { org_id: orgId, step } }, body: { outcome, workspace_id: workspaceId ?? null },
  }));
export const dismissOnboarding = (orgId: string) =>
  answer(api.POST('/api/app/orgs/{org_id}/onboarding/dismiss', org(orgId)));
export const markTourSeen = (orgId: string) =>
  answer(api.POST('/api/app/orgs/{org_id}/onboarding/tour-seen', org(orgId)));

export const onboardingKeys = {
  state: (orgId: string) => ['onboarding', orgId] as const,
};
