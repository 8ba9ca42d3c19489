import { describe, expect, it } from 'vitest';
import { ConfigError, configUrl, parseConfig } from '../src/config';
import { CONFIG_URL, rawConfig } from './helpers';

describe('parseConfig', () => {
  it('reads the published config', () => {
    const config = parseConfig(rawConfig(), CONFIG_URL);
    expect(config).toMatchObject({
      widgetId: 'wgt_1',
      version: 3,
      apiBase: 'https://api.example.ru',
      locale: 'ru',
      position: 'right',
      colors: { primary: '#123456', onPrimary: '#ffffff' },
      texts: { title: 'Окна Плюс', thankYou: 'Спасибо, перезвоним!' },
      consent: { required: true, version: 'v7', policyUrl: 'https://example.ru/pd' },
      quickReplies: ['Хочу замер', 'Сколько стоит?'],
    });
    expect(config.channels.map((channel) => channel.type)).toEqual(['telegram', 'whatsapp']);
  });

  it('defaults to Russian and takes English only when the config says so', () => {
    expect(parseConfig(rawConfig({ locale: 'de' }), CONFIG_URL).locale).toBe('ru');
    expect(parseConfig(rawConfig({ locale: 'en' }), CONFIG_URL).locale).toBe('en');
  });

  it('keeps unsafe values out: script URLs, CSS in colours, unknown channels, plain-http channel links', () => {
    const config = parseConfig(
      rawConfig({
        logo_url: 'javascript:alert(1)',
        avatar_url: '/media/anna.png',
        colors: { primary: 'red;} body{display:none', on_primary: '#000' },
        channels: [
          { type: 'telegram', url: 'javascript:alert(1)' },
          { type: 'icq', url: 'https://icq.com/x' },
          { type: 'max', url: 'http://max.ru/x' },
          { type: 'whatsapp', url: 'https://wa.me/79991234567' },
        ],
      }),
      CONFIG_URL,
    );
    expect(config.logoUrl).toBeNull();
    expect(config.avatarUrl).toBe('https://cdn.example.ru/media/anna.png');
    expect(config.colors).toEqual({ primary: '#2f6fed', onPrimary: '#000' });
    expect(config.channels).toEqual([{ type: 'whatsapp', url: 'https://wa.me/79991234567' }]);
  });

  it.each([
    [[], 'config is not a JSON object'],
    [{ ...rawConfig(), widget_id: undefined }, 'config.widget_id is missing'],
    [{ ...rawConfig(), version: 0 }, 'config.version is not a positive integer'],
    [{ ...rawConfig(), api_base: 'ftp://x' }, 'config.api_base is not an http(s) URL'],
    [{ ...rawConfig(), fields: { phone: 'maybe' } }, 'config.fields.phone is not one of required, optional, hidden'],
    [{ ...rawConfig(), fields: { phone: 'hidden', email: 'hidden' } }, 'config.fields: phone and email are both hidden, a lead could not be contacted'],
    [{ ...rawConfig(), consent: { required: true, version: 'v1' } }, 'config.consent needs text and version when consent is required'],
  ])('refuses a config that cannot be shown safely (%#)', (raw, message) => {
    expect(() => parseConfig(raw, CONFIG_URL)).toThrow(new ConfigError(message));
  });

  it('shows no consent checkbox when there is no consent text and none is required', () => {
    expect(parseConfig(rawConfig({ consent: { required: false } }), CONFIG_URL).consent).toBeNull();
  });
});

describe('configUrl', () => {
  it('is <base>/widgets/<id>/config.json, with a version that busts caches', () => {
    expect(configUrl('https://cdn.example.ru/', 'wgt_1')).toBe('https://cdn.example.ru/widgets/wgt_1/config.json');
    expect(configUrl('https://cdn.example.ru/fl', 'wgt 1', 9)).toBe('https://cdn.example.ru/fl/widgets/wgt%201/config.json?v=9');
  });
});
