import { afterEach, describe, expect, it, vi } from 'vitest';
import snippetTemplate from '../snippet.html?raw';
import { boot } from '../src/loader';
import { json, rawConfig } from './helpers';

const SCRIPT_URL = 'https://cdn.example.ru/widget/widget.js';

// What getWidgetSnippet does (docs/design/widget.md): each placeholder becomes a JSON string
// literal, with the characters that could end the <script> element escaped.
function renderSnippet(scriptUrl: string, widgetId: string): string {
  const literal = (value: string) =>
    JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
  return snippetTemplate.replace('{{script_url}}', literal(scriptUrl)).replace('{{widget_id}}', literal(widgetId));
}

// Runs the snippet's inline script as the page would.
function runSnippet(html: string): void {
  const code = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1];
  if (!code) throw new Error('no inline script in the snippet');
  new Function(code)();
}

afterEach(() => {
  delete window.FastLead;
  document.head.replaceChildren();
  document.body.replaceChildren();
});

describe('the async snippet', () => {
  it('queues init with the widget id and inserts the widget script, async', () => {
    const html = renderSnippet(SCRIPT_URL, 'wgt_01JABC');
    expect(html).not.toContain('{{');
    runSnippet(html);
    expect(window.FastLead?.q).toHaveLength(1);
    expect(Array.from(window.FastLead!.q![0])).toEqual(['init', { widgetId: 'wgt_01JABC' }]);
    const script = document.head.querySelector('script');
    expect(script?.src).toBe(SCRIPT_URL);
    expect(script?.async).toBe(true);
  });

  it('keeps a hostile value inside its string literal', () => {
    const html = renderSnippet(SCRIPT_URL, '"</script><script>alert(1)</script>');
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    runSnippet(html);
    expect(Array.from(window.FastLead!.q![0])[1]).toEqual({ widgetId: '"</script><script>alert(1)</script>' });
  });
});

describe('boot', () => {
  it('replays the queue, loads the config from the CDN next to the script and renders without any API call', async () => {
    runSnippet(renderSnippet(SCRIPT_URL, 'wgt_1'));
    window.FastLead!('open');
    const fetch = vi.fn().mockResolvedValue(json(200, rawConfig()));
    boot(SCRIPT_URL, { fetch });

    await vi.waitFor(() => expect(document.querySelector('[data-fastlead-widget]')).not.toBeNull());
    expect(fetch).toHaveBeenCalledExactlyOnceWith('https://cdn.example.ru/widgets/wgt_1/config.json', expect.objectContaining({ credentials: 'omit' }));
    const shadow = document.querySelector('[data-fastlead-widget]')!.shadowRoot!;
    expect(shadow.querySelector('h2')?.textContent).toBe('Окна Плюс');
    expect(shadow.querySelector<HTMLElement>('#fl-panel')?.hidden).toBe(false);

    window.FastLead!('close');
    expect(shadow.querySelector<HTMLElement>('#fl-panel')?.hidden).toBe(true);
    window.FastLead!('init', { widgetId: 'wgt_2' });
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('takes cdnBase from init when given', async () => {
    window.FastLead = Object.assign(() => undefined, { q: [['init', { widgetId: 'demo', cdnBase: 'https://site.example/demo/' }]] });
    const fetch = vi.fn().mockResolvedValue(json(200, rawConfig()));
    boot(null, { fetch });
    await vi.waitFor(() => expect(fetch).toHaveBeenCalledWith('https://site.example/demo/widgets/demo/config.json', expect.anything()));
  });

  it('renders nothing when the config cannot be loaded or is not safe to show', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    runSnippet(renderSnippet(SCRIPT_URL, 'wgt_1'));
    const fetch = vi.fn().mockResolvedValue(json(200, rawConfig({ consent: { required: true } })));
    boot(SCRIPT_URL, { fetch });
    await vi.waitFor(() => expect(errors).toHaveBeenCalled());
    expect(String(errors.mock.calls[0].slice(1))).toContain('config.consent needs text and version');
    expect(document.querySelector('[data-fastlead-widget]')).toBeNull();
  });

  it('does nothing when the script is included twice', () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const fetch = vi.fn().mockResolvedValue(json(404, {}));
    runSnippet(renderSnippet(SCRIPT_URL, 'wgt_1'));
    boot(SCRIPT_URL, { fetch });
    const api = window.FastLead;
    boot(SCRIPT_URL, { fetch });
    expect(window.FastLead).toBe(api);
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});
