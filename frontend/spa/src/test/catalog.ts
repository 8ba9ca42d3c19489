import type { License, Product } from '../api/licensing';

/** The demo product as the catalog API answers it (tessera.catalog.service.demo_product). */
export const ITBM: Product = {
  code: 'itbm', name: 'IT Budget Manager', kind: 'on_prem', latest_version: '4.2.0',
  modules: [
    { code: 'core', name: 'Бюджетирование', name_en: 'Budgeting' },
    { code: 'ai_forecast', name: 'AI-прогноз', name_en: 'AI Forecast' },
    { code: 'multi_department', name: 'Мультиотделы', name_en: 'Multi-Department' },
  ],
  plans: [
    {
      code: 'basic', name: 'Базовый', modules: ['core'],
      limits: {
        users: { value: 50, mode: 'soft', overage_ratio: 1.1, alert_thresholds: [80, 100] },
        departments: { value: 3, mode: 'hard', overage_ratio: 1, alert_thresholds: [80, 100] },
        integrations: { value: 1, mode: 'hard', overage_ratio: 1, alert_thresholds: [80, 100] },
        api_rate: { value: 60, mode: 'advisory', overage_ratio: 1, alert_thresholds: [80, 100] },
      },
    },
    {
      code: 'enterprise', name: 'Enterprise', modules: ['core', 'ai_forecast', 'multi_department'],
      limits: {
        users: { value: 2000, mode: 'advisory', overage_ratio: 1, alert_thresholds: [80, 100] },
        departments: { value: 500, mode: 'hard', overage_ratio: 1, alert_thresholds: [80, 100] },
        integrations: { value: 50, mode: 'soft', overage_ratio: 1.2, alert_thresholds: [80, 100] },
        api_rate: { value: 3000, mode: 'advisory', overage_ratio: 1, alert_thresholds: [80, 100] },
      },
    },
  ],
};

export const ORG = 'org_01JABCDEFGHJKMNPQRSTVWXYZ0';
export const LICENSE_ID = 'lic_01JABCDEFGHJKMNPQRSTVWXYZ0';

export function license(overrides: Partial<License> = {}): License {
  return {
    id: LICENSE_ID, org_id: ORG, product: 'itbm', plan: 'basic', modules: ['core'],
    limits: ITBM.plans[0].limits, starts_on: '2026-01-01', ends_on: '2026-12-31', grace_days: 14,
    domain: 'budget.romashka.ru', version_min: '4.0', version_max: null, mandatory_updates: false,
    status: 'active', state: 'VALID', version: 2, key_hint: 'ABCD', created_at: '2026-01-01T09:00:00Z',
    revoked_reason: null,
    ...overrides,
  };
}
