import { describe, expect, it } from 'vitest';
import {
  CHANNEL_TYPES, FIELD_MODES, LEAD_CHANNELS, LEAD_STATUSES, STATUS_MOVES, WIDGET_LOCALES, WIDGET_POSITIONS,
} from '../../../api/fastlead';
import { EXPORT_FORMATS, FUNNEL_STAGES } from '../../../api/fastleadReporting';
import en from '../../../i18n/en.json';
import ru from '../../../i18n/ru.json';
import { expectSameKeysAndPlaceholders, flatten } from '../../../test/i18nNamespace';
import { WORKSPACE_TABS } from './paths';
import { FORM_FIELDS, TEXT_KEYS } from './widgetForm';

const ruKeys = flatten(ru.fastlead);
const enKeys = flatten(en.fastlead);

describe('the fastlead texts', () => {
  it('have the same keys and placeholders in ru and en', () => {
    expectSameKeysAndPlaceholders(ruKeys, enKeys);
  });

  it('name every value the API answers or takes and every key the pages build', () => {
    const wanted = [
      ...LEAD_STATUSES.map((status) => `status.${status}`),
      ...LEAD_CHANNELS.map((channel) => `channel.${channel}`),
      ...Object.values(STATUS_MOVES).flat().map((status) => `lead.moveTo.${status}`),
      ...CHANNEL_TYPES.map((type) => `widget.channelTypes.${type}`),
      ...FIELD_MODES.map((mode) => `widget.fieldMode.${mode}`),
      ...WIDGET_LOCALES.map((locale) => `widget.locales.${locale}`),
      ...WIDGET_POSITIONS.map((position) => `widget.positions.${position}`),
      ...FORM_FIELDS.map((field) => `widget.fields.${field}`),
      ...TEXT_KEYS.map((key) => `widget.texts.${key}`),
      ...WORKSPACE_TABS.map((tab) => `tabs.${tab}`),
      ...EXPORT_FORMATS.map((format) => `analytics.export.${format}`),
      ...FUNNEL_STAGES.map((stage) => `analytics.funnel.${stage}`),
      'workspaceStatus.active', 'workspaceStatus.archived',
    ];
    expect(wanted.filter((key) => !ruKeys.has(key))).toEqual([]);
  });
});
