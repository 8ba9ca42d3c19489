/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

// CloudFront and the local gateway answer every /console/* and /app/* path with /spa/index.html;
// the dev server does the same so deep links work in `npm run dev`.
const areaFallback: Plugin = {
  name: 'tessera-area-fallback',
  configureServer(server) {
    server.middlewares.use((request, _response, next) => {
      if (request.url && /^\/(console|app)(\/|\?|$)/.test(request.url)) request.url = '/spa/index.html';
      next();
    });
  },
};

// Vendor chunks: the libraries every page needs load once and cache across deploys of our own code.
// antd is split by use: what the first screen needs is tagged $initial, the rest follows the pages.
const vendorGroups = [
  { name: 'vendor-react', test: /node_modules[\\/](react|react-dom|scheduler|react-router|cookie-es|@remix-run)[\\/]/, priority: 40 },
  { name: 'vendor-data', test: /node_modules[\\/](@tanstack|i18next|react-i18next|html-parse-stringify|void-elements)[\\/]/, priority: 30 },
  { name: 'vendor-antd', test: /node_modules[\\/](antd|@ant-design|@rc-component|rc-[^\\/]+|@emotion|stylis|dayjs|clsx)[\\/]/, tags: ['$initial' as const], priority: 20 },
];

export default defineConfig({
  base: '/spa/',
  plugins: [react(), areaFallback],
  build: {
    outDir: 'dist',
    manifest: true,
    target: 'es2022',
    rolldownOptions: { output: { codeSplitting: { groups: vendorGroups } } },
  },
  server: {
    // the configurator's preview renders the real widget from ../widget/src
    fs: { allow: ['.', '../widget/src'] },
    // `make run` serves the API on 127.0.0.1:8080
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['src/test/setup.ts'],
    // Vitest 5's own process needs Map.groupBy & co. (Node 22); this machine's Node 20 gets them here.
    globalSetup: ['scripts/node20-polyfills.mjs'],
    css: false,
    restoreMocks: true,
  },
});
