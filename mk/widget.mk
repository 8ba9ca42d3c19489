# The embeddable widget (frontend/widget): dependency-free TypeScript built by esbuild into one IIFE,
# dist/widget.js, served under /widget/ (docs/design/widget.md). Stamps as in spa.mk.
WIDGET := frontend/widget
WIDGET_DEPS_STAMP := $(WIDGET)/node_modules/.installed
WIDGET_SOURCES := $(wildcard $(WIDGET)/src/*.ts)

.PHONY: widget-deps widget widget-test

$(WIDGET_DEPS_STAMP): $(WIDGET)/package-lock.json $(WIDGET)/package.json
	cd $(WIDGET) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

widget-deps: $(WIDGET_DEPS_STAMP)

$(WIDGET)/dist/widget.js: $(WIDGET_DEPS_STAMP) $(WIDGET_SOURCES) $(WIDGET)/package.json $(WIDGET)/tsconfig.json
	cd $(WIDGET) && npm run --silent build

widget: $(WIDGET)/dist/widget.js

# Vitest (jsdom), then the 15 KB gzip budget of the built file.
widget-test: widget
	cd $(WIDGET) && npm test --silent
	cd $(WIDGET) && npm run --silent size
