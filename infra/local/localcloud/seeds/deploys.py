"""Demo deploys for `make run`: two releases registered through the deploys service (as the product's CI
would over POST /api/external/releases), and a license for an installation the simulated agent
(clients/agent/examples/simulate_deploys.py) activates and takes deploys on. Run again, it changes
nothing. Prints one JSON line: what the banner shows, with the license key when it was issued now (only its
SHA-256 is stored)."""

from __future__ import annotations

import json
from datetime import timedelta

from localcloud.seeds.licensing import sales_manager
from tessera.accounts import service as accounts
from tessera.core.request import RequestInfo
from tessera.deploys import service as deploys
from tessera.deploys.models import ReleaseRequest
from tessera.licensing import service as licensing
from tessera.licensing.dashboard import business_day
from tessera.licensing.models import LicenseRequest

CUSTOMER, DOMAIN = "Демо Бюджет", "deploy.demo-budget.ru"
DIGEST = "sha256:" + "0d" * 32
RELEASES = [("4.2.0", "- Бюджеты по подразделениям"), ("4.3.0", "- Прогноз расходов по договорам")]


def main() -> None:
    request = RequestInfo(request_id="demo-seed")
    for version, changelog in RELEASES:
        deploys.register_release(ReleaseRequest(
            version=version, channel="stable", git_sha=f"{version.replace('.', '')}0abcdef", changelog=changelog,
            images={name: f"registry.local/itbm-{name}:v{version}@{DIGEST}" for name in ("backend", "frontend")},
        ), "demo-seed", request)
    (customer, *_) = accounts.list_customers(q=CUSTOMER).items
    licenses = licensing.of_org(customer.id, None, 100).items
    key = None
    if not any(existing.domain == DOMAIN for existing in licenses):
        today = business_day()
        key = licensing.issue(LicenseRequest(org_id=customer.id, plan="enterprise", domain=DOMAIN, version_min="4.0",
                                             starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=335)),
                              sales_manager(), request).license_key
    print(json.dumps({"releases": ", ".join(v for v, _ in RELEASES), "domain": DOMAIN, "license_key": key}))


if __name__ == "__main__":
    main()
