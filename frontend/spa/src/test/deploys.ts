import type { DeployRun, Installation, Release, SupportBundleDetail } from '../api/deploys';
import { LICENSE_ID, ORG } from './catalog';

/** Deploys data as the console's API answers it (tessera.deploys.models), for the deploys pages' tests. */
export const INSTALLATION_ID = 'ins_AAAAAAAAAAAAAAAAAAAAAAAAAA';
export const RUN_ID = 'dep_01JDDDDDDDDDDDDDDDDDDDDDD1';
export const ROLLBACK_RUN_ID = 'dep_01JDDDDDDDDDDDDDDDDDDDDDD2';
export const BUNDLE_ID = 'bnd_01JBBBBBBBBBBBBBBBBBBBBBB1';

const digest = (service: string, version: string) => `registry.example/itbm/${service}:v${version}@sha256:${'ab'.repeat(32)}`;

export function release(overrides: Partial<Release> = {}): Release {
  const version = overrides.version ?? '4.2.1';
  return {
    version, channel: 'stable', git_sha: '1a2b3c4d5e6f', changelog: 'Исправлен импорт бюджета\nУскорены отчёты',
    images: { backend: digest('backend', version), frontend: digest('frontend', version) },
    registered_at: '2026-12-01T09:00:00Z', registered_by: 'crd_ci',
    ...overrides,
  };
}

export function installation(overrides: Partial<Installation> = {}): Installation {
  return {
    id: INSTALLATION_ID, license_id: LICENSE_ID, org_id: ORG, domain: 'budget.romashka.ru',
    current_version: '4.1.0', target_version: '4.1.0', last_seen_at: '2026-12-03T08:00:00Z',
    agent_seen_at: '2026-12-03T08:01:00Z', running_run_id: null,
    ...overrides,
  };
}

export function deployRun(overrides: Partial<DeployRun> = {}): DeployRun {
  return {
    id: RUN_ID, kind: 'deploy', source: 'portal', installation_id: INSTALLATION_ID, license_id: LICENSE_ID, org_id: ORG,
    domain: null, error: null,
    version: '4.2.1', previous_version: '4.1.0', reason: 'Плановое обновление', rollback_of: null, state: 'running',
    requested_by: 'usr_1', created_at: '2026-12-03T09:00:00Z', started_at: '2026-12-03T09:00:05Z', ended_at: null,
    steps: [
      { at: '2026-12-03T09:00:06Z', step: 'validate', outcome: 'ok', detail: null },
      { at: '2026-12-03T09:00:07Z', step: 'preflight', outcome: 'sent', detail: 'waiting for the agent (cmd_1_preflight)' },
      { at: '2026-12-03T09:00:20Z', step: 'preflight', outcome: 'ok', detail: 'docker 27.1\nports 80, 443 free\npassword=[REDACTED]' },
    ],
    ...overrides,
  };
}

export const BUDGETCTL_RUN_ID = 'bct_0123456789abcdef0123456789abcdef';

/** A deploy an engineer ran with budgetctl over SSH and reported: before activation, so no installation yet. */
export function budgetctlRun(overrides: Partial<DeployRun> = {}): DeployRun {
  return deployRun({
    id: BUDGETCTL_RUN_ID, source: 'budgetctl', installation_id: null, domain: 'budget.new.ru', previous_version: null,
    reason: 'budgetctl deploy', requested_by: 'ivan@laptop', state: 'rolled_back', ended_at: '2026-12-03T09:02:00Z',
    error: 'migrate: relation exists',
    steps: [
      { at: '2026-12-03T09:02:00Z', step: 'pull', outcome: 'ok', detail: 'pulling the images of v4.2.1' },
      { at: '2026-12-03T09:02:00Z', step: 'failed', outcome: 'failed', detail: 'migrate: relation exists' },
    ],
    ...overrides,
  });
}

/** A run that went through every step and succeeded. */
export function succeededRun(overrides: Partial<DeployRun> = {}): DeployRun {
  const steps = deployRun().steps;
  return deployRun({
    state: 'succeeded', ended_at: '2026-12-03T09:05:00Z',
    steps: [
      ...steps,
      { at: '2026-12-03T09:01:00Z', step: 'backup', outcome: 'ok', detail: 'pg_dump 12 MB' },
      { at: '2026-12-03T09:03:00Z', step: 'deploy', outcome: 'ok', detail: 'migrations applied' },
      { at: '2026-12-03T09:03:01Z', step: 'heartbeat', outcome: 'waiting', detail: 'until 1796289481' },
      { at: '2026-12-03T09:04:00Z', step: 'heartbeat', outcome: 'ok', detail: 'version 4.2.1 reported' },
      { at: '2026-12-03T09:05:00Z', step: 'done', outcome: 'succeeded', detail: null },
    ],
    ...overrides,
  });
}

export function supportBundle(overrides: Partial<SupportBundleDetail> = {}): SupportBundleDetail {
  return {
    id: BUNDLE_ID, installation_id: INSTALLATION_ID, license_id: 'lic_01JDEMO00000000000000000000', created_at: '2026-12-03T07:00:00Z',
    size_bytes: 2_500_000, sha256: 'a'.repeat(64), note: 'ticket 42: slow reports', uploaded: true, sha256_matches: true,
    download_url: 'https://bundles.s3.example/bnd_1.tar.gz?X-Amz-Signature=abc', download_expires_at: '2026-12-03T07:15:00Z',
    files: [{ name: 'logs/backend.log', size: 120_000 }, { name: 'versions.json', size: 300 }], files_truncated: false,
    ...overrides,
  };
}
