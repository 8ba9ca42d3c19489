import { createElement } from 'react';
import type { Me } from '../api/auth';
import type { Calcom, Channel } from '../api/fastleadChannels';
import { MeContext } from '../auth/session';
import Calendar from '../pages/app/fastlead/Calendar';
import Channels from '../pages/app/fastlead/Channels';
import LeadCard from '../pages/app/fastlead/LeadCard';
import WorkspaceLayout from '../pages/app/fastlead/WorkspaceLayout';
import { WS, WS_BASE } from './fastlead';
import { renderRoutes } from './render';

/** The channel routes' answers as the pages get them (tessera.workspaces.channels). */
export const CHANNELS = `${WS_BASE}/${WS}/channels`;
export const CALCOM = `${WS_BASE}/${WS}/calcom`;

export function channel(overrides: Partial<Channel> = {}): Channel {
  return {
    type: 'twilio', name: 'Twilio', status: 'active', notify_new_leads: true,
    settings: { from_number: '+15005550006', notify_phone: '+79991112233' },
    credentials_hint: { account_sid: 'AC…0f3a', auth_token: '…9b1c' },
    account: null, last_tested_at: '2026-12-03T09:00:00Z', last_error: null,
    connected_at: '2026-12-03T09:00:00Z', connected_by: 'usr_01JABCDEFGHJKMNPQRSTVWXYZ2',
    ...overrides,
  };
}

/** Twilio's answer to a number it cannot send from, as the API shows it after a failed test. */
export const TWILIO_REFUSAL = {
  reason: 'rejected' as const,
  provider_detail: "The 'From' number +15005550001 is not a valid phone number (21212)",
  message: "Twilio отклонил сообщение: The 'From' number +15005550001 is not a valid phone number (21212)",
};

export function calcom(overrides: Partial<Calcom> = {}): Calcom {
  return {
    connected: false, api_key_hint: null, webhook_url: `http://localhost:3000/api/webhooks/calcom/${WS}`,
    webhook_secret: null, triggers: ['BOOKING_CREATED', 'BOOKING_RESCHEDULED', 'BOOKING_CANCELLED'], connected_at: null,
    ...overrides,
  };
}

/** The channels, calendar and lead card pages under the workspace layout, as routes.tsx registers them. */
export function renderChannelPages(me: Me, path: string) {
  return renderRoutes([{
    path: '/app/fastlead/:workspaceId',
    element: createElement(MeContext.Provider, { value: me }, createElement(WorkspaceLayout)),
    children: [
      { path: 'channels', element: createElement(Channels) },
      { path: 'calendar', element: createElement(Calendar) },
      { path: 'leads/:leadId', element: createElement(LeadCard) },
    ],
  }], path);
}
