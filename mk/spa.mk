# The SPA (frontend/spa): Vite + React + antd. Stamp files keep a second run instant: dependencies
# reinstall only when package-lock.json changes, the build reruns only when its inputs change.
# Node ≥ 20.19 (npm warns that vitest 5 and react-router 8 prefer Node 22; they run on 20: vitest's own
# process gets the few Node 22 built-ins it calls from scripts/node20-polyfills.mjs, its global setup).
SPA := frontend/spa
SPA_DEPS_STAMP := $(SPA)/node_modules/.installed
SPA_BUILD_STAMP := $(SPA)/dist/.built
SPA_SOURCES := $(shell find $(SPA)/src frontend/widget/src -type f ! -name '*.test.ts' ! -name '*.test.tsx' ! -path '$(SPA)/src/test/*' ! -name 'schema.ts' 2>/dev/null)

.PHONY: spa-deps spa spa-test

$(SPA_DEPS_STAMP): $(SPA)/package-lock.json $(SPA)/package.json
	cd $(SPA) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

spa-deps: $(SPA_DEPS_STAMP)

# `npm run build` regenerates src/api/schema.ts from docs/openapi.json first (prebuild).
$(SPA_BUILD_STAMP): $(SPA_DEPS_STAMP) $(SPA_SOURCES) $(SPA)/package.json $(SPA)/index.html $(SPA)/vite.config.ts \
		$(SPA)/tsconfig.json docs/openapi.json
	cd $(SPA) && npm run --silent build
	@touch $@

spa: $(SPA_BUILD_STAMP)

spa-test: spa
	cd $(SPA) && npx vitest run
	cd $(SPA) && npm run --silent typecheck
	cd $(SPA) && node scripts/bundle-size.mjs
