# The marketing site (frontend/marketing): build_site.py renders Jinja2 templates and Markdown posts into static
# HTML in dist/, served at `/` (locally by the gateway's "/" mount, on AWS from the web bucket behind
# CloudFront). Prices come from the plan catalog (tessera.billing.plans); the features page's live demo
# runs the built widget, so the widget is built first. npm only brings Lighthouse (bench/lighthouse.py).
MARKETING := frontend/marketing
MARKETING_DEPS_STAMP := $(MARKETING)/node_modules/.installed
MARKETING_SOURCES := $(shell find $(MARKETING)/templates $(MARKETING)/content $(MARKETING)/static $(MARKETING)/demo -type f 2>/dev/null) \
	$(MARKETING)/build_site.py $(MARKETING)/site.toml layers/tessera/tessera/billing/plans.py

.PHONY: marketing marketing-test marketing-deps marketing-lighthouse

$(MARKETING)/dist/.built: $(VENV)/.installed frontend/widget/dist/widget.js $(MARKETING_SOURCES)
	$(PY) $(MARKETING)/build_site.py
	@touch $@

marketing: $(MARKETING)/dist/.built

# Pytest over the built site: links resolve, the sitemap lists the pages, titles/descriptions/OpenGraph,
# prices equal the catalog.
marketing-test: marketing
	$(PYTEST) $(MARKETING)/tests -q

$(MARKETING_DEPS_STAMP): $(MARKETING)/package-lock.json $(MARKETING)/package.json
	cd $(MARKETING) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

marketing-deps: $(MARKETING_DEPS_STAMP)

# Lighthouse (npm) on Debian's chromium against the site served locally; records bench/RESULTS.md's section.
marketing-lighthouse: deps chromium widget marketing-deps
	$(PY) -m bench.lighthouse --write bench/RESULTS.md
