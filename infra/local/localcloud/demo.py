"""Demo data for `make run`. Each context's seed runs as one of its functions would (the same
environment, the same service code paths a person uses) and reports what the banner prints."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from localcloud.cloud import LocalCloud


def _run_seed(cloud: LocalCloud, function: str, module: str) -> dict[str, str]:
    env = cloud.invoker.function_environment(function)
    done = subprocess.run([sys.executable, "-m", module], env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    if done.returncode != 0:
        raise RuntimeError(f"demo seed {module} failed:\n{done.stderr.strip()}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def load(cloud: LocalCloud) -> list[str]:
    people = _run_seed(cloud, "AuthFunction", "localcloud.seeds.identity")
    cloud.pages.totp_accounts["admin@tessera.local"] = people["admin_totp_secret"]
    catalog = _run_seed(cloud, "LicensingApiFunction", "localcloud.seeds.catalog")
    plan = _run_seed(cloud, "LicensingApiFunction", "localcloud.seeds.reports")
    customers = _run_seed(cloud, "AccountsApiFunction", "localcloud.seeds.accounts")
    licenses = _run_seed(cloud, "LicensingApiFunction", "localcloud.seeds.licensing")
    billing = _run_seed(cloud, "BillingApiFunction", "localcloud.seeds.billing")
    # On AWS the hourly schedule makes the first heartbeat receipt key within the hour of a deploy; here, now.
    rotation = cloud.invoker.invoke("ResponseKeyRotationFunction", {})
    if rotation.function_error:
        raise RuntimeError(f"the response key rotation failed: {rotation.payload.decode()}")
    url = cloud.gateway_url
    password = people["password"]
    return [
        f"  console     {url}/console/   staff sign-in",
        f"  app         {url}/app/       customer sign-in and sign-up",
        "  demo logins (password for all: " + password + ")",
        "    admin@tessera.local      console, admin; 2FA secret " + people["admin_totp_secret"]
        + f" (codes on {url}/_local/totp)",
        "    sales@tessera.local      console, sales manager of the demo customers",
        "    support@tessera.local    console, support (needs an access grant for customer data)",
        "    auditor@tessera.local    console, read-only auditor",
        "    owner@demo.tessera.local app, owner of «ООО «Демо Бюджет»»",
        f"  catalog     {catalog['product']}: {catalog['plans']}",
        f"  sales plan  {plan['sales_plan']} (console → Reports)",
        f"  customers   {customers['customers']} with contacts and contracts",
        f"  licenses    {licenses['licenses']}",
        f"  SaaS plans  {billing['plans']}",
        "  payments    sandbox ЮKassa (active) and Т-Банк; test cards 4111 1111 1111 1111 (success), "
        "5555 5555 5555 4477 (insufficient funds), more in docs/design/payments.md",
    ]
