// The entry point built into dist/widget.js.
import { boot } from './loader';

// currentScript is set while an async classic script runs; the lookup covers loaders that eval it.
const ownScript =
  (document.currentScript as HTMLScriptElement | null) ??
  Array.from(document.scripts).find((script) => /\/widget\.js(?:[?#]|$)/.test(script.src));

boot(ownScript?.src || null, { fetch: window.fetch.bind(window) });
