import { createElement, type ReactNode } from 'react';
import { Navigate } from 'react-router';
import type { Me } from '../api/auth';
import type { Lead, LeadDetail, Widget, Workspace } from '../api/fastlead';
import { MeContext } from '../auth/session';
import Dashboard from '../pages/app/fastlead/Dashboard';
import LeadCard from '../pages/app/fastlead/LeadCard';
import LeadsList from '../pages/app/fastlead/LeadsList';
import WidgetConfigurator from '../pages/app/fastlead/WidgetConfigurator';
import WorkspaceLayout from '../pages/app/fastlead/WorkspaceLayout';
import Workspaces from '../pages/app/fastlead/Workspaces';
import WorkspaceSettings from '../pages/app/fastlead/WorkspaceSettings';
import { WorkspaceSwitcher } from '../pages/app/fastlead/WorkspaceSwitcher';
import { ORG } from './catalog';
import { renderRoutes } from './render';

/** The Fast Lead API's answers as the app's pages get them (tessera.workspaces, docs/design/workspaces.md). */
export const WS = 'ws_01JABCDEFGHJKMNPQRSTVWXYZ0';
export const WS2 = 'ws_01JABCDEFGHJKMNPQRSTVWXYZ1';
export const WIDGET_ID = 'wgt_01JABCDEFGHJKMNPQRSTVWXYZ0';
export const LEAD_ID = 'lead_01JABCDEFGHJKMNPQRSTVWXYZ0';
export const OPERATOR_USER = 'usr_01JABCDEFGHJKMNPQRSTVWXYZ5';
/** Where the workspace routes of the organization `ORG` are. */
export const WS_BASE = `/api/app/orgs/${ORG}/workspaces`;

export function workspace(overrides: Partial<Workspace> = {}): Workspace {
  return {
    id: WS, org_id: ORG, name: 'Окна на заказ', domain: 'okna.example.ru', allowed_origins: ['https://okna.example.ru'],
    status: 'active', widget_id: WIDGET_ID, created_at: '2026-11-20T09:00:00Z', updated_at: '2026-11-20T09:00:00Z',
    ...overrides,
  };
}

export const CONSENT_TEXT = 'Я даю согласие на обработку моих персональных данных (имя, телефон, e-mail, сообщение) для ответа на мою заявку.';

/** The settings a new workspace's widget starts with (tessera.workspaces.service._default_settings), version 3. */
export function widget(overrides: Partial<Widget> = {}, settings: Record<string, unknown> = {}): Widget {
  return {
    widget_id: WIDGET_ID, workspace_id: WS, version: 3, published_version: 2, published_at: '2026-11-21T09:00:00Z',
    config_url: `http://localhost:3000/widgets/${WIDGET_ID}/config.json`, updated_at: '2026-11-22T09:00:00Z',
    settings: {
      locale: 'ru', position: 'right', colors: { primary: '#2f6fed', on_primary: '#ffffff' },
      texts: { launcher: null, title: 'Окна на заказ', greeting: 'Здравствуйте! Перезвоним за 15 минут.', submit: null, thank_you: null },
      logo_url: null, avatar_url: null, operator_name: null, quick_replies: ['Нужен замер'],
      fields: { name: 'optional', phone: 'required', email: 'optional', message: 'optional' },
      consent: { required: true, text: CONSENT_TEXT, version: 'v1', policy_url: null },
      channels: [],
      ...settings,
    },
    ...overrides,
  };
}

export function lead(overrides: Partial<Lead> = {}): Lead {
  return {
    id: LEAD_ID, workspace_id: WS, channel: 'widget', status: 'new', locked: false, name: 'Иван Петров',
    phone: '+79991234567', email: null, message: 'Нужен замер окон', page_url: 'https://okna.example.ru/catalog',
    utm: { utm_source: 'yandex' }, created_at: '2026-12-02T09:30:00Z', updated_at: '2026-12-02T09:30:00Z',
    ...overrides,
  };
}

/** What a lead over the plan's limit looks like: its contacts withheld by the server. */
export function lockedLead(overrides: Partial<Lead> = {}): Lead {
  return lead({ id: 'lead_01JABCDEFGHJKMNPQRSTVWXYZ9', locked: true, name: null, phone: null, email: null, message: null, ...overrides });
}

export function leadDetail(overrides: Partial<LeadDetail> = {}): LeadDetail {
  return {
    ...lead(),
    referrer: 'https://ya.ru/',
    consent: { accepted: true, text_version: 'v1', at: '2026-12-02T09:30:00Z', ip: '203.0.113.7' },
    timeline: [
      { at: '2026-12-02T09:30:00Z', kind: 'form', actor: null, data: { page_url: 'https://okna.example.ru/catalog', config_version: 2 } },
      { at: '2026-12-02T10:00:00Z', kind: 'status', actor: OPERATOR_USER, data: { from: 'new', to: 'contacted', note: 'Перезвонить в пятницу' } },
    ],
    ...overrides,
  };
}

export const members = {
  items: [{
    id: 'mem_01', email: 'olga@okna.example.ru', user_id: OPERATOR_USER, name: 'Ольга Смирнова', role: 'operator' as const,
    status: 'active' as const, created_at: '2026-11-20T09:00:00Z',
  }],
  next_cursor: null,
};

/**
 * The Fast Lead pages as routes.tsx registers them, signed in as `me`, at `path`; the header's workspace
 * switcher above them, and the billing page as a stub to follow its link to.
 */
export function renderFastlead(me: Me, path: string) {
  const page = (element: ReactNode) => createElement(MeContext.Provider, { value: me },
    createElement(WorkspaceSwitcher), element);
  return renderRoutes([
    { path: '/app/fastlead', element: page(createElement(Workspaces)) },
    {
      path: '/app/fastlead/:workspaceId',
      element: page(createElement(WorkspaceLayout)),
      children: [
        { index: true, element: createElement(Navigate, { to: 'leads', replace: true }) },
        { path: 'leads', element: createElement(LeadsList) },
        { path: 'leads/:leadId', element: createElement(LeadCard) },
        { path: 'dashboard', element: createElement(Dashboard) },
        { path: 'widget', element: createElement(WidgetConfigurator) },
        { path: 'settings', element: createElement(WorkspaceSettings) },
      ],
    },
    { path: '/app/billing', element: createElement('p', null, 'the billing page') },
  ], path);
}
