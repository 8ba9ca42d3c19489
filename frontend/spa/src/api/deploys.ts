import { answer, api, type Answer, type Body, type Query } from './client';
import * as schema from './schema';

// The enumerations the deploys pages filter by and label, as docs/openapi.json lists them.
const values = <T>(list: readonly T[]) => list as readonly NonNullable<T>[];
export const RELEASE_CHANNELS = values(schema.pathsApiConsoleReleasesGetParametersQueryChannelAnyOf0Values);
export const RUN_STATES = values(schema.deployRunViewStateValues);

/** Cache keys of the deploys pages (everything under `deploys`, so one invalidation refreshes them all). */
export const deploysKeys = {
  all: ['deploys'] as const,
  releases: (filters: ReleaseFilters) => ['deploys', 'releases', filters] as const,
  /** One page of releases for the deploy dialog (not the list's paged cache). */
  releasesOffered: ['deploys', 'releases', 'offered'] as const,
  installations: ['deploys', 'installations'] as const,
  installation: (id: string) => ['deploys', 'installation', id] as const,
  runs: (filters: RunFilters) => ['deploys', 'runs', filters] as const,
  run: (id: string) => ['deploys', 'run', id] as const,
  bundles: (installationId: string) => ['deploys', 'bundles', installationId] as const,
  bundle: (installationId: string, bundleId: string) => ['deploys', 'bundle', installationId, bundleId] as const,
};

// --- releases (registered by the product's CI), installations, deploy runs -------------------------

export type Release = Answer<'/api/console/releases/{version}', 'get'>;
export type Channel = Release['channel'];
export type Installation = Answer<'/api/console/installations/{installation_id}', 'get'>;
export type DeployRun = Answer<'/api/console/deploys/runs/{run_id}', 'get'>;
export type RunState = DeployRun['state'];
export type RunStep = DeployRun['steps'][number];
export type DeployRequest = Body<'/api/console/installations/{installation_id}/deploys', 'post'>;

export type ReleaseFilters = Omit<Query<'/api/console/releases', 'get'>, 'cursor' | 'limit'>;
export type RunFilters = Omit<Query<'/api/console/deploys/runs', 'get'>, 'cursor' | 'limit'>;

const installation = (installationId: string) => ({ params: { path: { installation_id: installationId } } });

export const listReleases = (filters: ReleaseFilters, cursor?: string, limit?: number) =>
  answer(api.GET('/api/console/releases', { params: { query: { ...filters, cursor, limit } } }));

export const listInstallations = (cursor?: string) =>
  answer(api.GET('/api/console/installations', { params: { query: { cursor } } }));
export const getInstallation = (installationId: string) =>
  answer(api.GET('/api/console/installations/{installation_id}', installation(installationId)));
/** Queued at once (202); 422 `deploy-not-allowed` names each reason on `body.version`, 409 `deploy-running`. */
export const startDeploy = (installationId: string, body: DeployRequest) =>
  answer(api.POST('/api/console/installations/{installation_id}/deploys', { ...installation(installationId), body }));

export const listRuns = (filters: RunFilters, cursor?: string) =>
  answer(api.GET('/api/console/deploys/runs', { params: { query: { ...filters, cursor } } }));
export const getRun = (runId: string) =>
  answer(api.GET('/api/console/deploys/runs/{run_id}', { params: { path: { run_id: runId } } }));
/** A new run of kind `rollback` to the version the succeeded deploy replaced (audited with the reason). */
export const rollbackRun = (runId: string, reason: string) =>
  answer(api.POST('/api/console/deploy-runs/{run_id}/rollback', { params: { path: { run_id: runId } }, body: { reason } }));

/**
 * The agent's release window as the license reads it (tessera.deploys.machine.admits): at least `min`,
 * at most `max` by major.minor (a max of 4.2 admits 4.2.x).
 */
export function admits(version: string, min: string, max: string | null | undefined): boolean {
  const key = (value: string) => value.split('.').map(Number);
  const compare = (a: number[], b: number[]) => {
    for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
      if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
    }
    return 0;
  };
  if (compare(key(version), key(min)) < 0) return false;
  return !max || compare(key(version).slice(0, 2), key(max).slice(0, 2)) <= 0;
}

// --- support bundles -------------------------------------------------------------------------------

export type SupportBundle = Answer<'/api/console/installations/{installation_id}/support-bundles', 'get'>['items'][number];
export type SupportBundleDetail = Answer<'/api/console/installations/{installation_id}/support-bundles/{bundle_id}', 'get'>;

export const listSupportBundles = (installationId: string) =>
  answer(api.GET('/api/console/installations/{installation_id}/support-bundles', installation(installationId)));
export const getSupportBundle = (installationId: string, bundleId: string) =>
  answer(api.GET('/api/console/installations/{installation_id}/support-bundles/{bundle_id}', {
    params: { path: { installation_id: installationId, bundle_id: bundleId } },
  }));
