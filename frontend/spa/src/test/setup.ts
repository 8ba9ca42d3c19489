import { cleanup } from '@testing-library/react';
import { afterEach, beforeEach } from 'vitest';
import i18n from '../i18n';

// jsdom has no layout: antd needs matchMedia (breakpoints) and ResizeObserver (tables, overflow),
// and getComputedStyle with a pseudo-element is "not implemented" there.
let viewportWidth = 1280;

/** Answers antd's `(min-width: …)` / `(max-width: …)` breakpoint queries for this width. */
export function setViewportWidth(width: number): void {
  viewportWidth = width;
  Object.defineProperty(window, 'innerWidth', { configurable: true, value: width });
}

function matches(query: string): boolean {
  const min = /min-width:\s*(\d+)px/.exec(query);
  const max = /max-width:\s*(\d+(?:\.\d+)?)px/.exec(query);
  return (!min || viewportWidth >= Number(min[1])) && (!max || viewportWidth <= Number(max[1]));
}

window.matchMedia = (query: string) => ({
  matches: matches(query),
  media: query,
  onchange: null,
  addListener: () => undefined,
  removeListener: () => undefined,
  addEventListener: () => undefined,
  removeEventListener: () => undefined,
  dispatchEvent: () => false,
});

globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};

const computedStyle = window.getComputedStyle.bind(window);
window.getComputedStyle = (element: Element) => computedStyle(element);

beforeEach(async () => {
  setViewportWidth(1280);
  document.cookie.split(';').forEach((pair) => {
    const name = pair.split('=')[0].trim();
    if (name) document.cookie = `${name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`;
  });
  await i18n.changeLanguage('ru');
});

afterEach(() => {
  cleanup();
  window.history.replaceState(null, '', '/');
});
