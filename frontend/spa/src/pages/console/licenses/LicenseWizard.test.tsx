import { configure, screen } from '@testing-library/react';
import { Form } from 'antd';
import dayjs from 'dayjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import i18n from '../../../i18n';
import { ITBM, ORG } from '../../../test/catalog';
import { card, pathOf } from '../../../test/customers';
import { json, stubFetch } from '../../../test/fetch';
import { renderRoutes } from '../../../test/render';
import { Review } from './LicenseWizard';
import { planDefaults, type WizardValues } from './wizardModel';

vi.setConfig({ testTimeout: 30_000 });
configure({ asyncUtilTimeout: 5_000 });
afterEach(() => vi.unstubAllGlobals());

const VALUES: WizardValues = {
  org_id: ORG, product: 'itbm', plan: 'basic', ...planDefaults(ITBM, 'basic'),
  starts_on: dayjs('2026-04-01'), ends_on: dayjs('2027-03-31'), grace_days: 14,
  domain: 'budget.romashka.ru', version_min: '4.0', mandatory_updates: false,
};

function ReviewOf({ values }: { values: WizardValues }) {
  const [form] = Form.useForm<WizardValues>();
  return <Form form={form} initialValues={values}><Review form={form} products={[ITBM]} /></Form>;
}

function show() {
  const calls = stubFetch((call) => (pathOf(call.url) === `/api/console/customers/${ORG}` ? json(card()) : json({}, 404)));
  renderRoutes([{ path: '/console/licenses/new', element: <ReviewOf values={VALUES} /> }], '/console/licenses/new');
  return calls;
}

describe("the license wizard's review", () => {
  it('names the customer, with its id under the name, and shows dates for people', async () => {
    const calls = show();
    expect(await screen.findByText('ООО «Ромашка»')).toBeTruthy();
    expect(screen.getByText(ORG)).toBeTruthy();
    expect(screen.getByText('01.04.2026 — 31.03.2027 · льготный период 14 дн.')).toBeTruthy();
    expect(screen.getByText('IT Budget Manager · Базовый')).toBeTruthy();
    expect(calls.map((c) => c.url)).toEqual([`/api/console/customers/${ORG}`]);
  });

  it('in English too', async () => {
    await i18n.changeLanguage('en');
    show();
    expect(await screen.findByText('ООО «Ромашка»')).toBeTruthy();
    expect(screen.getByText(/^01\/04\/2026 — 31\/03\/2027/)).toBeTruthy();
  });
});
