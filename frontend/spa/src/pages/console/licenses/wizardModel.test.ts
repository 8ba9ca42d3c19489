import dayjs from 'dayjs';
import { describe, expect, it } from 'vitest';
import { ITBM, ORG } from '../../../test/catalog';
import { limitNames } from '../../../api/licensing';
import { firstInvalidStep, placeServerErrors, planDefaults, toLicenseRequest, validateStep, type WizardValues } from './wizardModel';

const valid: WizardValues = {
  org_id: ORG,
  product: 'itbm',
  plan: 'basic',
  ...planDefaults(ITBM, 'basic'),
  starts_on: dayjs('2026-01-01'),
  ends_on: dayjs('2026-12-31'),
  grace_days: 14,
  domain: 'Budget.Romashka.RU.',
  version_min: '4.0',
  version_max: '',
  mandatory_updates: true,
};

const keys = (issues: { name: (string | number)[]; key: string }[]) => issues.map((i) => `${i.name.join('.')}:${i.key}`);

describe('the license wizard, step by step', () => {
  it('passes a complete, consistent license through every step', () => {
    expect(firstInvalidStep(valid, ITBM)).toBeNull();
  });

  it('needs a customer, given as an organization id', () => {
    expect(keys(validateStep('customer', { ...valid, org_id: undefined }, ITBM))).toEqual(['org_id:customerRequired']);
    expect(keys(validateStep('customer', { ...valid, org_id: 'org_123' }, ITBM))).toEqual(['org_id:orgId']);
  });

  it('needs a plan the product has', () => {
    expect(keys(validateStep('plan', { ...valid, plan: undefined }, ITBM))).toEqual(['plan:planRequired']);
    expect(keys(validateStep('plan', { ...valid, plan: 'platinum' }, ITBM))).toEqual(['plan:planUnknown']);
  });

  it('needs at least one module, and only the product’s', () => {
    expect(keys(validateStep('modules', { ...valid, modules: [] }, ITBM))).toEqual(['modules:modulesRequired']);
    const unknown = validateStep('modules', { ...valid, modules: ['core', 'teleport'] }, ITBM);
    expect(unknown).toEqual([{ name: ['modules'], key: 'modulesUnknown', params: { modules: 'teleport' } }]);
  });

  it('checks every limit: a whole value, a mode, the overage ratio only for soft ones, thresholds', () => {
    const limits = {
      users: { value: 10.5, mode: 'hard' as const, alert_thresholds: [80] },
      departments: { value: 5, mode: 'soft' as const, overage_ratio: 12, alert_thresholds: [80] },
      integrations: { value: 5, mode: undefined, alert_thresholds: [0] },
      api_rate: { value: 100, mode: 'advisory' as const, overage_ratio: 12, alert_thresholds: [] },
    };
    expect(keys(validateStep('limits', { ...valid, limits }, ITBM))).toEqual([
      'limits.users.value:limitValue',
      'limits.departments.overage_ratio:overageRatio',
      'limits.integrations.mode:required',
      'limits.integrations.alert_thresholds:thresholds',
    ]);
  });

  it('wants the end after the start and a grace period of 0–90 days', () => {
    const issues = validateStep('dates', { ...valid, ends_on: dayjs('2026-01-01'), grace_days: 91 }, ITBM);
    expect(keys(issues)).toEqual(['ends_on:endsBeforeStart', 'grace_days:graceDays']);
    expect(keys(validateStep('dates', { ...valid, starts_on: null, ends_on: null }, ITBM))).toEqual(['starts_on:required', 'ends_on:required']);
  });

  it('wants a host name and a version range that is not upside down', () => {
    expect(keys(validateStep('installation', { ...valid, domain: 'not a host' }, ITBM))).toEqual(['domain:domain']);
    expect(keys(validateStep('installation', { ...valid, version_min: 'four' }, ITBM))).toEqual(['version_min:version']);
    expect(keys(validateStep('installation', { ...valid, version_max: '3.9' }, ITBM))).toEqual(['version_max:versionRange']);
    expect(validateStep('installation', { ...valid, version_min: '4.2', version_max: '4.10' }, ITBM)).toEqual([]);
  });

  it('reports the first step with a problem for the review’s submit', () => {
    expect(firstInvalidStep({ ...valid, domain: '' }, ITBM)).toBe('installation');
    expect(firstInvalidStep({ ...valid, modules: [], domain: '' }, ITBM)).toBe('modules');
  });

  it('takes the plan’s modules and limits as the defaults', () => {
    const defaults = planDefaults(ITBM, 'enterprise');
    expect(defaults.modules).toEqual(['core', 'ai_forecast', 'multi_department']);
    expect(defaults.limits?.integrations).toEqual({ value: 50, mode: 'soft', overage_ratio: 1.2, alert_thresholds: [80, 100] });
  });

  it('sends exactly what the review shows', () => {
    const request = toLicenseRequest({ ...valid, limits: { ...valid.limits, users: { value: 80, mode: 'hard', overage_ratio: 1.5, alert_thresholds: [100, 80, 80] } } });
    expect(request).toMatchObject({
      org_id: ORG, product: 'itbm', plan: 'basic', modules: ['core'], starts_on: '2026-01-01', ends_on: '2026-12-31',
      grace_days: 14, domain: 'budget.romashka.ru', version_min: '4.0', version_max: null, mandatory_updates: true,
    });
    // a hard limit has no overage; thresholds sorted and unique
    expect(request.limits?.users).toEqual({ value: 80, mode: 'hard', overage_ratio: 1, alert_thresholds: [80, 100] });
  });
});

describe('the server’s 422 field errors', () => {
  it('land on the field they name and send the wizard back to its step', () => {
    const placed = placeServerErrors([
      { loc: 'body.domain', msg: 'not a host name', code: 'value_error' },
      { loc: 'body.limits.users.value', msg: 'less than or equal to 1000000', code: 'less_than_equal' },
      { loc: 'body.limits.departments', msg: 'overage_ratio applies to soft limits only', code: 'value_error' },
      { loc: 'body.limits.seats.value', msg: 'unknown limit', code: 'value_error' },
    ], limitNames(ITBM));
    expect(placed.step).toBe('limits');
    expect(placed.fields).toEqual([
      { name: ['domain'], errors: ['not a host name'] },
      { name: ['limits', 'users', 'value'], errors: ['less than or equal to 1000000'] },
      { name: ['limits', 'departments', 'value'], errors: ['overage_ratio applies to soft limits only'] },
    ]);
    expect(placed.unmatched.map((e) => e.loc)).toEqual(['body.limits.seats.value']);  // a limit the form does not have
  });

  it('keep what no field can show (the whole body, the query) apart', () => {
    const placed = placeServerErrors([
      { loc: 'body', msg: 'ends_on must be after starts_on', code: 'value_error' },
      { loc: 'body.org_id', msg: 'no such customer', code: 'unknown' },
    ], limitNames(ITBM));
    expect(placed.step).toBe('customer');
    expect(placed.unmatched.map((e) => e.msg)).toEqual(['ends_on must be after starts_on']);
  });
});
