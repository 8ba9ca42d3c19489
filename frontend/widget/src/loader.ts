// What the async snippet talks to: `window.FastLead(command, options)`. The snippet queues calls
// in `FastLead.q` before this file has loaded; here they are replayed, the published config is
// fetched from the CDN (no API call to render) and the widget is mounted.
import { ConfigError, configUrl, parseConfig, type WidgetConfig } from './config';
import { mountWidget, type WidgetHandle } from './ui';

export interface InitOptions {
  widgetId: string;
  // Where `widgets/<id>/config.json` lives; by default the folder above the script's own
  // (`<cdn>/widget/widget.js` → `<cdn>/`).
  cdnBase?: string;
}

type Command = 'init' | 'open' | 'close';

export interface FastLeadApi {
  (command: Command, options?: InitOptions): void;
  q?: ArrayLike<unknown>[];
  loaded?: boolean;
}

declare global {
  interface Window {
    FastLead?: FastLeadApi;
  }
}

export interface BootEnv {
  fetch: typeof fetch;
}

async function loadConfig(env: BootEnv, url: string, fresh: boolean): Promise<WidgetConfig> {
  const response = await env.fetch(url, { credentials: 'omit', cache: fresh ? 'no-cache' : 'default' });
  if (!response.ok) throw new ConfigError(`config ${url} answered ${response.status}`);
  return parseConfig(await response.json(), url);
}

function whenBodyReady(): Promise<void> {
  if (document.body) return Promise.resolve();
  return new Promise((resolve) => document.addEventListener('DOMContentLoaded', () => resolve(), { once: true }));
}

// Installs `window.FastLead` and replays the queued calls. `scriptSrc` is this file's own URL.
export function boot(scriptSrc: string | null, env: BootEnv): void {
  const queued = window.FastLead;
  if (queued?.loaded) return; // the script was included twice
  let widget: WidgetHandle | null = null;
  let initialised = false;
  let openWhenReady = false;

  async function init(options: InitOptions | undefined) {
    if (initialised) return;
    if (!options || typeof options.widgetId !== 'string' || !options.widgetId) {
      console.error('FastLead: init needs {widgetId}');
      return;
    }
    initialised = true;
    const base = options.cdnBase ?? (scriptSrc ? new URL('../', scriptSrc).href : null);
    if (!base) {
      console.error('FastLead: cannot tell where the widget config is; pass {cdnBase}');
      return;
    }
    const widgetId = options.widgetId;
    try {
      const config = await loadConfig(env, configUrl(base, widgetId), false);
      await whenBodyReady();
      widget = mountWidget(config, {
        fetch: env.fetch,
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        random: Math.random,
        now: () => performance.now(),
        href: () => location.href,
        referrer: document.referrer,
        reloadConfig: (version) => loadConfig(env, configUrl(base, widgetId, version ?? Date.now()), true),
      });
      if (openWhenReady) widget.open();
    } catch (error) {
      // Nothing is rendered: a widget that cannot show its consent text must not collect data.
      console.error('FastLead: the widget is not shown:', error instanceof Error ? error.message : error);
    }
  }

  const api: FastLeadApi = (command, options) => {
    if (command === 'init') void init(options);
    else if (command === 'open') {
      if (widget) widget.open();
      else openWhenReady = true;
    } else if (command === 'close') {
      openWhenReady = false;
      widget?.close();
    }
  };
  api.loaded = true;
  window.FastLead = api;
  for (const args of queued?.q ?? []) api(args[0] as Command, args[1] as InitOptions | undefined);
}
