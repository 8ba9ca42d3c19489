import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createElement, type ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Me } from '../../../api/auth';
import type { Onboarding, OnboardingStep } from '../../../api/onboarding';
import { MeContext } from '../../../auth/session';
import { customerMe, PLANS, subscription } from '../../../test/appBilling';
import { ORG } from '../../../test/catalog';
import { renderFastlead, widget, WIDGET_ID, workspace, WS, WS_BASE } from '../../../test/fastlead';
import { json, problem, stubFetch, type Call } from '../../../test/fetch';
import { renderRoutes } from '../../../test/render';
import AppHome from './AppHome';
import DemoPage, { embedWidget } from './DemoPage';
import OnboardingWizard from './OnboardingWizard';

vi.setConfig({ testTimeout: 60_000 });
configure({ asyncUtilTimeout: 10_000 });
afterEach(() => vi.unstubAllGlobals());

const BASE = `/api/app/orgs/${ORG}/onboarding`;
const STEPS: OnboardingStep[] = ['workspace', 'widget', 'channel', 'calendar', 'snippet', 'test'];

/** The server's wizard: marks steps as the API does (tessera.workspaces.onboarding). */
function server(state: { done: Set<string>; skipped: Set<string>; workspaceId: string | null; dismissed?: boolean }) {
  const view = (): Onboarding => {
    const steps = STEPS.map((step) => ({
      step, skippable: step !== 'workspace',
      state: state.done.has(step) ? 'done' as const : state.skipped.has(step) ? 'skipped' as const : 'pending' as const,
    }));
    const current = steps.find((s) => s.state === 'pending')?.step ?? null;
    return { status: state.dismissed ? 'dismissed' : current ? 'active' : 'finished', steps, current, workspace_id: state.workspaceId, tour_seen: false };
  };
  return (call: Call): Response | undefined => {
    if (call.url === BASE) return json(view());
    const marked = /\/onboarding\/steps\/(\w+)$/.exec(call.url);
    if (marked) {
      const body = call.body as { outcome: 'done' | 'skipped'; workspace_id: string | null };
      (body.outcome === 'done' ? state.done : state.skipped).add(marked[1]);
      (body.outcome === 'done' ? state.skipped : state.done).delete(marked[1]);
      if (body.workspace_id) state.workspaceId = body.workspace_id;
      return json(view());
    }
    if (call.url === `${BASE}/dismiss`) {
      state.dismissed = true;
      return json(view());
    }
    return undefined;
  };
}

function render(me: Me, path: string) {
  const page = (element: ReactNode) => createElement(MeContext.Provider, { value: me }, element);
  return renderRoutes([
    { path: '/app', element: page(createElement(AppHome)) },
    { path: '/app/onboarding', element: page(createElement(OnboardingWizard)) },
    { path: '/app/onboarding/demo/:workspaceId', element: page(createElement(DemoPage)) },
    { path: '/app/team', element: createElement('p', null, 'the team page') },
    { path: '/app/fastlead', element: createElement('p', null, 'the workspaces page') },
    { path: '/app/fastlead/:workspaceId/channels', element: createElement('p', null, 'the channels page') },
  ], path);
}

describe('the onboarding wizard', () => {
  it('takes a new owner from /app through creating a workspace and the widget basics', async () => {
    const state = { done: new Set<string>(), skipped: new Set<string>(), workspaceId: null };
    const wizard = server(state);
    let current = widget({ version: 1, published_version: null });
    const calls = stubFetch((call) => {
      const answer = wizard(call);
      if (answer) return answer;
      if (call.url === WS_BASE && call.method === 'POST') return json(workspace(), 201);
      if (call.url === `${WS_BASE}/${WS}/widget` && call.method === 'GET') return json(current);
      if (call.url === `${WS_BASE}/${WS}/widget` && call.method === 'PUT') {
        const { version, ...settings } = call.body as { version: number };
        current = widget({ version: version + 1, published_version: null }, settings);
        return json(current);
      }
      if (call.url === `${WS_BASE}/${WS}/widget/publish`) {
        current = { ...current, published_version: current.version };
        return json(current);
      }
      return problem(404);
    });
    render(customerMe('owner'), '/app');
    await userEvent.type(await screen.findByLabelText('Название'), 'Окна Москва');
    await userEvent.type(screen.getByLabelText('Домен сайта'), 'okna.example.ru');
    expect(screen.queryByRole('button', { name: 'Пропустить шаг' })).toBeNull(); // the workspace cannot be skipped
    await userEvent.click(screen.getByRole('button', { name: 'Создать' }));
    const greeting = await screen.findByLabelText('Приветствие');
    expect(calls.find((c) => c.url === WS_BASE && c.method === 'POST')?.body).toEqual({ name: 'Окна Москва', domain: 'okna.example.ru' });
    expect(calls.find((c) => c.url.endsWith('/steps/workspace'))?.body).toEqual({ outcome: 'done', workspace_id: WS });
    await userEvent.clear(greeting);
    await userEvent.type(greeting, 'Добрый день!');
    await userEvent.click(screen.getByRole('button', { name: 'Сохранить и опубликовать' }));
    // the channel step links to the channels page; it may be skipped
    expect(await screen.findByRole('link', { name: 'Подключите канал' })).toHaveProperty('pathname', `/app/fastlead/${WS}/channels`);
    const put = calls.find((c) => c.method === 'PUT')?.body as { version: number; texts: { greeting: string } };
    expect([put.version, put.texts.greeting]).toEqual([1, 'Добрый день!']);
    expect(calls.find((c) => c.url.endsWith('/widget/publish'))?.body).toEqual({ version: 2 });
    await userEvent.click(screen.getByRole('button', { name: 'Пропустить шаг' }));
    expect(await screen.findByRole('link', { name: 'Подключить Cal.com' })).toBeTruthy();
    expect(state.skipped.has('channel')).toBe(true);
  });

  it('offers a free trial up front when the new organization has no plan yet, then creates the workspace', async () => {
    const state = { done: new Set<string>(), skipped: new Set<string>(), workspaceId: null };
    const wizard = server(state);
    let trial = false;
    const calls = stubFetch((call) => {
      const answer = wizard(call);
      if (answer) return answer;
      if (call.url === WS_BASE && call.method === 'POST') {
        return trial ? json(workspace(), 201) : problem(403, { code: 'plan-required', detail: 'Сначала выберите тариф Fast Lead или начните пробный период.' });
      }
      if (call.url === `/api/app/orgs/${ORG}/billing/plans`) return json(PLANS);
      if (call.url === `${WS_BASE}/${WS}/widget`) return json(widget());
      if (call.url.startsWith(`/api/app/orgs/${ORG}/billing/subscriptions`) && call.method === 'GET') {
        return json({ items: trial ? [subscription({ state: 'trial', plan: 'fastlead_start' })] : [], next_cursor: null });
      }
      if (call.url === `/api/app/orgs/${ORG}/billing/subscriptions` && call.method === 'POST') {
        trial = true;
        return json(subscription({ state: 'trial', plan: (call.body as { plan: string }).plan }), 201);
      }
      return problem(404);
    });
    render(customerMe('owner'), '/app/onboarding');
    await userEvent.type(await screen.findByLabelText('Название'), 'Окна');
    await waitFor(() => expect(document.querySelector('[data-plan="fastlead_start"]')).toBeTruthy());
    const card = document.querySelector<HTMLElement>('[data-plan="fastlead_start"]')!;
    await userEvent.click(within(card).getByRole('button', { name: 'Попробовать бесплатно (14 дн.)' }));
    await waitFor(() => expect(trial).toBe(true));
    await waitFor(() => expect(document.querySelector('[data-plan="fastlead_start"]')).toBeNull());  // the offer is gone
    await userEvent.click(screen.getByRole('button', { name: 'Создать' }));
    expect(await screen.findByLabelText('Приветствие')).toBeTruthy();
    expect(calls.filter((c) => c.url === WS_BASE && c.method === 'POST')).toHaveLength(1);
  });

  it('still offers the trial when «Создать» is refused for want of a plan', async () => {
    const state = { done: new Set<string>(), skipped: new Set<string>(), workspaceId: null };
    const wizard = server(state);
    stubFetch((call) => {
      const answer = wizard(call);
      if (answer) return answer;
      if (call.url === WS_BASE && call.method === 'POST') {
        return problem(403, { code: 'plan-required', detail: 'Сначала выберите тариф Fast Lead или начните пробный период.' });
      }
      if (call.url === `/api/app/orgs/${ORG}/billing/plans`) return json(PLANS);
      return problem(404);  // the subscriptions could not be read: no offer until the server says why
    });
    render(customerMe('owner'), '/app/onboarding');
    await userEvent.type(await screen.findByLabelText('Название'), 'Окна');
    expect(document.querySelector('[data-plan="fastlead_start"]')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Создать' }));
    await waitFor(() => expect(document.querySelector('[data-plan="fastlead_start"]')).toBeTruthy());
  });

  it('resumes at the server\'s first pending step and finishes with the snippet and the demo page', async () => {
    const state = { done: new Set(['workspace', 'widget', 'channel']), skipped: new Set(['calendar']), workspaceId: WS };
    const wizard = server(state);
    stubFetch((call) => wizard(call) ?? (call.url === `${WS_BASE}/${WS}/widget/snippet`
      ? json({ widget_id: WIDGET_ID, script_url: 'http://localhost:3000/widget/widget.js', html: '<!-- Fast Lead widget -->' })
      : problem(404)));
    render(customerMe('admin'), '/app/onboarding');
    expect((await screen.findByTestId('onboarding-snippet')).textContent).toBe('<!-- Fast Lead widget -->');
    await userEvent.click(screen.getByRole('button', { name: 'Код скопирован' }));
    const demo = await screen.findByRole('link', { name: 'Открыть демо-страницу' });
    expect(demo.getAttribute('href')).toBe(`/app/onboarding/demo/${WS}`);
    expect(demo.getAttribute('target')).toBe('_blank');
    await userEvent.click(screen.getByRole('button', { name: 'Заявка пришла — завершить' }));
    expect(await screen.findByText('Всё готово')).toBeTruthy();
  });

  it('may be dismissed as a whole, and leads on to the workspaces', async () => {
    const state: Parameters<typeof server>[0] = { done: new Set<string>(), skipped: new Set<string>(), workspaceId: null };
    const wizard = server(state);
    stubFetch((call) => wizard(call) ?? problem(404));
    render(customerMe('owner'), '/app/onboarding');
    await userEvent.click(await screen.findByRole('button', { name: 'Пропустить мастер' }));
    expect(await screen.findByText('the workspaces page')).toBeTruthy();
    expect(state.dismissed).toBe(true);
  });

  it('is not offered while its feature flag is off', async () => {
    const state = { done: new Set<string>(), skipped: new Set<string>(), workspaceId: null };
    const wizard = server(state);
    stubFetch((call) => (call.url === `/api/app/orgs/${ORG}/features`
      ? json({ dashboard: false, onboarding: false, billing: true })
      : wizard(call) ?? problem(404)));
    render(customerMe('owner'), '/app/onboarding');
    expect(await screen.findByText('the workspaces page')).toBeTruthy();
  });

  it('sends an operator from /app to the team page without asking', async () => {
    const calls = stubFetch(() => problem(404));
    render(customerMe('operator'), '/app');
    expect(await screen.findByText('the team page')).toBeTruthy();
    expect(calls.some((c) => c.url === BASE)).toBe(false);
  });
});

describe('the demo page', () => {
  it('runs the widget as the snippet does and offers to allow this origin', async () => {
    const calls = stubFetch((call) => {
      if (call.url === `${WS_BASE}/${WS}` && call.method === 'GET') return json(workspace({ allowed_origins: ['https://okna.example.ru'] }));
      if (call.url === `${WS_BASE}/${WS}` && call.method === 'PATCH') {
        return json(workspace({ allowed_origins: (call.body as { allowed_origins: string[] }).allowed_origins }));
      }
      if (call.url === `${WS_BASE}/${WS}/widget`) return json(widget({ published_version: 3 }));
      if (call.url === `${WS_BASE}/${WS}/widget/snippet`) return json({ widget_id: WIDGET_ID, script_url: 'http://localhost:3000/widget/widget.js', html: '' });
      return problem(404);
    });
    render(customerMe('owner'), `/app/onboarding/demo/${WS}`);
    await waitFor(() => expect(document.querySelector(`script[data-fastlead-demo="${WIDGET_ID}"]`)?.getAttribute('src')).toBe('http://localhost:3000/widget/widget.js'));
    const queued = (window as unknown as { FastLead: { q: unknown[][] } }).FastLead.q;
    expect(queued).toContainEqual(['init', { widgetId: WIDGET_ID }]);
    await userEvent.click(await screen.findByRole('button', { name: 'Разрешить для проверки' }));
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Разрешить для проверки' })).toBeNull());
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ allowed_origins: ['https://okna.example.ru', window.location.origin] });
  });

  it('takes the widget off the page when left', () => {
    const remove = embedWidget('http://localhost:3000/widget/widget.js', WIDGET_ID);
    expect(document.querySelector('script[data-fastlead-demo]')).toBeTruthy();
    remove();
    expect(document.querySelector('script[data-fastlead-demo]')).toBeNull();
    expect((window as unknown as { FastLead?: unknown }).FastLead).toBeUndefined();
  });
});

describe('the guided tour', () => {
  it('shows once on a workspace\'s pages and tells the server when closed', async () => {
    let seen = false;
    const calls = stubFetch((call) => {
      if (call.url === BASE) return json({ status: 'finished', steps: [], current: null, workspace_id: WS, tour_seen: seen });
      if (call.url === `${BASE}/tour-seen`) {
        seen = true;
        return json({ status: 'finished', steps: [], current: null, workspace_id: WS, tour_seen: true });
      }
      if (call.url === `${WS_BASE}/${WS}`) return json(workspace());
      if (call.url.startsWith(`${WS_BASE}/${WS}/leads`)) return json({ items: [], next_cursor: null });
      return problem(404);
    });
    renderFastlead(customerMe('analyst'), `/app/fastlead/${WS}/leads`);
    expect(await screen.findByText('Добро пожаловать в Fast Lead')).toBeTruthy();
    await userEvent.click(document.querySelector<HTMLElement>('.ant-tour-close')!);
    await waitFor(() => expect(calls.some((c) => c.url === `${BASE}/tour-seen` && c.method === 'POST')).toBe(true));
    await waitFor(() => expect(screen.queryByText('Добро пожаловать в Fast Lead')).toBeNull());
  });
});
