import type { Dayjs } from 'dayjs';
import type { FieldError } from '../../../api/errors';
import { limitNames, type LicenseRequest, type Limit, type LimitMode, type Product } from '../../../api/licensing';

/**
 * The license wizard without React: its steps, which field belongs to which step, the client-side
 * rules of each step (the same rules the server applies, so most mistakes are caught before sending),
 * the request it sends, and where the server's 422 field errors land.
 */

export const STEPS = ['customer', 'plan', 'modules', 'limits', 'dates', 'installation', 'review'] as const;
export type StepKey = (typeof STEPS)[number];

export interface LimitValues {
  value?: number | null;
  mode?: LimitMode;
  overage_ratio?: number | null;
  alert_thresholds?: number[];
}

export interface WizardValues {
  org_id?: string;
  product?: string;
  plan?: string;
  modules?: string[];
  /** By limit name (users, departments…: the plan's). */
  limits?: Record<string, LimitValues>;
  starts_on?: Dayjs | null;
  ends_on?: Dayjs | null;
  grace_days?: number | null;
  domain?: string;
  version_min?: string;
  version_max?: string | null;
  mandatory_updates?: boolean;
}

export type FieldName = (string | number)[];

/** One problem with one field: an i18n key under `licenseWizard.errors` and its parameters. */
export interface Issue {
  name: FieldName;
  key: string;
  params?: Record<string, string | number>;
}

/** The top-level request fields of each step; the server's `body.<field>…` errors go to that step. */
export const STEP_FIELDS: Record<StepKey, string[]> = {
  customer: ['org_id'],
  plan: ['product', 'plan'],
  modules: ['modules'],
  limits: ['limits'],
  dates: ['starts_on', 'ends_on', 'grace_days'],
  installation: ['domain', 'version_min', 'version_max', 'mandatory_updates'],
  review: [],
};

export const ORG_ID = /^org_[0-9A-HJKMNP-TV-Z]{26}$/;
export const VERSION = /^\d+\.\d+(\.\d+)?$/;
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
export const MAX_LIMIT = 1_000_000;
export const MAX_GRACE_DAYS = 90;

export function stepIndex(step: StepKey): number {
  return STEPS.indexOf(step);
}

/** The host name as the server will store it: trimmed, lower case, without a trailing dot. */
export function normalizeDomain(value: string | undefined | null): string {
  return (value ?? '').trim().toLowerCase().replace(/\.$/, '');
}

export function versionKey(value: string): number[] {
  return value.split('.').map(Number);
}

export function compareVersions(a: string, b: string): number {
  const left = versionKey(a);
  const right = versionKey(b);
  for (let i = 0; i < Math.max(left.length, right.length); i += 1) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

function limitIssues(name: string, limit: LimitValues | undefined): Issue[] {
  const issues: Issue[] = [];
  const at = (field: string): FieldName => ['limits', name, field];
  if (!isInteger(limit?.value) || limit.value < 0 || limit.value > MAX_LIMIT) {
    issues.push({ name: at('value'), key: 'limitValue', params: { max: MAX_LIMIT } });
  }
  const mode = limit?.mode;
  if (!mode) issues.push({ name: at('mode'), key: 'required' });
  if (mode === 'soft') {
    const ratio = limit?.overage_ratio;
    if (typeof ratio !== 'number' || ratio < 1 || ratio > 10) issues.push({ name: at('overage_ratio'), key: 'overageRatio' });
  }
  const thresholds = limit?.alert_thresholds ?? [];
  if (thresholds.some((t) => !isInteger(t) || t < 1 || t > 1000)) {
    issues.push({ name: at('alert_thresholds'), key: 'thresholds' });
  }
  return issues;
}

/**
 * The problems of one step. `product` is the chosen product from the catalog (undefined while the
 * catalog loads: the steps that depend on it then only check what they can).
 */
export function validateStep(step: StepKey, values: WizardValues, product: Product | undefined): Issue[] {
  const issues: Issue[] = [];
  switch (step) {
    case 'customer':
      if (!values.org_id) issues.push({ name: ['org_id'], key: 'customerRequired' });
      else if (!ORG_ID.test(values.org_id.trim())) issues.push({ name: ['org_id'], key: 'orgId' });
      break;
    case 'plan':
      if (!values.product) issues.push({ name: ['product'], key: 'productRequired' });
      if (!values.plan) issues.push({ name: ['plan'], key: 'planRequired' });
      else if (product && !product.plans.some((p) => p.code === values.plan)) issues.push({ name: ['plan'], key: 'planUnknown' });
      break;
    case 'modules': {
      const modules = values.modules ?? [];
      if (modules.length === 0) issues.push({ name: ['modules'], key: 'modulesRequired' });
      const unknown = product ? modules.filter((code) => !product.modules.some((m) => m.code === code)) : [];
      if (unknown.length > 0) issues.push({ name: ['modules'], key: 'modulesUnknown', params: { modules: unknown.join(', ') } });
      break;
    }
    case 'limits':
      for (const name of product ? limitNames(product) : Object.keys(values.limits ?? {})) {
        issues.push(...limitIssues(name, values.limits?.[name]));
      }
      break;
    case 'dates': {
      const { starts_on: starts, ends_on: ends, grace_days: grace } = values;
      if (!starts) issues.push({ name: ['starts_on'], key: 'required' });
      if (!ends) issues.push({ name: ['ends_on'], key: 'required' });
      else if (starts && !ends.isAfter(starts, 'day')) issues.push({ name: ['ends_on'], key: 'endsBeforeStart' });
      if (!isInteger(grace) || grace < 0 || grace > MAX_GRACE_DAYS) {
        issues.push({ name: ['grace_days'], key: 'graceDays', params: { max: MAX_GRACE_DAYS } });
      }
      break;
    }
    case 'installation': {
      const domain = normalizeDomain(values.domain);
      if (!domain) issues.push({ name: ['domain'], key: 'required' });
      else if (!HOSTNAME.test(domain)) issues.push({ name: ['domain'], key: 'domain' });
      const min = (values.version_min ?? '').trim();
      const max = (values.version_max ?? '').trim();
      if (!min) issues.push({ name: ['version_min'], key: 'required' });
      else if (!VERSION.test(min)) issues.push({ name: ['version_min'], key: 'version' });
      if (max && !VERSION.test(max)) issues.push({ name: ['version_max'], key: 'version' });
      else if (max && VERSION.test(min) && compareVersions(max, min) < 0) issues.push({ name: ['version_max'], key: 'versionRange' });
      break;
    }
    case 'review':
      break;
  }
  return issues;
}

/** The first step with a problem, checking every step before `upTo` (for the review step's submit). */
export function firstInvalidStep(values: WizardValues, product: Product | undefined, upTo: StepKey = 'review'): StepKey | null {
  for (const step of STEPS.slice(0, stepIndex(upTo))) {
    if (validateStep(step, values, product).length > 0) return step;
  }
  return null;
}

/** The plan's defaults, for the modules and limits steps after a plan is chosen. */
export function planDefaults(product: Product, planCode: string): Pick<WizardValues, 'modules' | 'limits'> {
  const plan = product.plans.find((p) => p.code === planCode);
  if (!plan) return { modules: [], limits: {} };
  const limits: Record<string, LimitValues> = {};
  for (const [name, limit] of Object.entries(plan.limits)) {
    limits[name] = { value: limit.value, mode: limit.mode, overage_ratio: limit.overage_ratio ?? 1, alert_thresholds: [...(limit.alert_thresholds ?? [80, 100])] };
  }
  return { modules: [...plan.modules], limits };
}

function toLimit(values: LimitValues): Limit {
  const mode = values.mode ?? 'hard';
  return {
    value: values.value ?? 0,
    mode,
    overage_ratio: mode === 'soft' ? values.overage_ratio ?? 1 : 1,
    alert_thresholds: [...new Set(values.alert_thresholds ?? [])].sort((a, b) => a - b),
  };
}

/** The POST /api/console/licenses body. Modules and limits are always sent in full: what the review showed is what is signed. */
export function toLicenseRequest(values: WizardValues): LicenseRequest & { product: string } {
  const limits: Record<string, Limit> = {};
  for (const [name, limit] of Object.entries(values.limits ?? {})) {
    if (limit) limits[name] = toLimit(limit);
  }
  const max = (values.version_max ?? '').trim();
  return {
    org_id: (values.org_id ?? '').trim(),
    product: values.product ?? 'itbm',
    plan: values.plan ?? '',
    modules: [...(values.modules ?? [])].sort(),
    limits,
    starts_on: values.starts_on?.format('YYYY-MM-DD') ?? '',
    ends_on: values.ends_on?.format('YYYY-MM-DD') ?? '',
    grace_days: values.grace_days ?? 0,
    domain: normalizeDomain(values.domain),
    version_min: (values.version_min ?? '').trim(),
    version_max: max || null,
    mandatory_updates: !!values.mandatory_updates,
  };
}

export interface PlacedErrors {
  /** For antd `form.setFields`. */
  fields: { name: FieldName; errors: string[] }[];
  /** The earliest step that has one of the errors. */
  step: StepKey | null;
  /** Errors no field can show (cross-field checks of the whole body). */
  unmatched: FieldError[];
}

/**
 * The server's 422 field errors onto the wizard's fields: `body.limits.users.value` lands on that very
 * input; `body.limits.users` (a limit's own consistency) on the limit's value; the step of the first
 * error is where the wizard goes back to. `limits` names the limits the form has.
 */
export function placeServerErrors(errors: FieldError[], limits: readonly string[]): PlacedErrors {
  const byField = new Map<string, { name: FieldName; errors: string[] }>();
  const unmatched: FieldError[] = [];
  let first: number | null = null;
  for (const error of errors) {
    const [origin, top, ...rest] = error.loc.split('.');
    const step = STEPS.find((s) => STEP_FIELDS[s].includes(top));
    if (origin !== 'body' || !top || !step) {
      unmatched.push(error);
      continue;
    }
    let name: FieldName = [top];
    if (top === 'limits') {
      const [limit, field] = rest;
      if (limit && limits.includes(limit)) {
        name = ['limits', limit, field && ['value', 'mode', 'overage_ratio', 'alert_thresholds'].includes(field) ? field : 'value'];
      } else {
        unmatched.push(error);
        continue;
      }
    }
    const key = name.join('.');
    const entry = byField.get(key) ?? { name, errors: [] };
    entry.errors.push(error.msg);
    byField.set(key, entry);
    const index = stepIndex(step);
    first = first === null ? index : Math.min(first, index);
  }
  return { fields: [...byField.values()], step: first === null ? null : STEPS[first], unmatched };
}
