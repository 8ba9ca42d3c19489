"""Demo data for `make run`. Each context's seed goes through the same service code paths a person uses, in one
process with its functions' environments together (they name the same tables and keys, each adds its own), and
reports what the banner prints."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from localcloud.cloud import LocalCloud

# In order: the customers need the sales manager (identity), the licenses need the customers and the catalog.
SEEDS = (("identity", "AuthFunction"), ("catalog", "LicensingApiFunction"), ("reports", "LicensingApiFunction"),
         ("billing", "BillingApiFunction"), ("accounts", "AccountsApiFunction"), ("licensing", "LicensingApiFunction"),
         ("fastlead", "WorkspacesApiFunction"), ("deploys", "DeploysApiFunction"))
_PATHS = ("PYTHONPATH", "LOCALCLOUD_SYS_PATH")


def _seed_environment(cloud: LocalCloud) -> dict[str, str]:
    env: dict[str, str] = {"DEMO_SITE_ORIGIN": cloud.demo_site.origin}
    for _, function in SEEDS:
        for key, value in cloud.invoker.function_environment(function).items():
            if key in _PATHS and key in env:
                known = env[key].split(":")
                env[key] = ":".join(known + [p for p in value.split(":") if p not in known])
            else:
                env.setdefault(key, value)
    return env


def _run_seeds(cloud: LocalCloud) -> dict[str, dict[str, str]]:
    done = subprocess.run([sys.executable, "-m", "localcloud.seeds", *(name for name, _ in SEEDS)],
                          env=_seed_environment(cloud), capture_output=True, text=True, timeout=180, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the demo seeds failed:\n{done.stderr.strip()}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def load(cloud: LocalCloud) -> list[str]:
    seeds = _run_seeds(cloud)
    people, catalog, plan = seeds["identity"], seeds["catalog"], seeds["reports"]
    customers, licenses, billing = seeds["accounts"], seeds["licensing"], seeds["billing"]
    fastlead, deploys = seeds["fastlead"], seeds["deploys"]
    cloud.demo_site.snippet, cloud.demo_site.workspace = fastlead["snippet"], fastlead["workspace"]
    cloud.pages.totp_accounts["admin@tessera.local"] = people["admin_totp_secret"]
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
        "5555 5555 5555 4477 (insufficient funds),",
        "              4000 0000 0000 0341 (saved; its later charges decline: dunning), "
        "4000 0000 0000 3220 (3-D Secure)",
        f"  Fast Lead   «{fastlead['workspace']}» (Про, trial) of the demo owner; its widget on the demo customer's "
        f"site {cloud.demo_site.origin}/",
        f"  deploys     releases {deploys['releases']}; an installation on {deploys['domain']} whose agent takes "
        "deploys (console → Installations),",
        "              once started: .venv/bin/python clients/agent/examples/simulate_deploys.py "
        f"--portal {url} --license-key {deploys['license_key'] or '<issued on the first run>'} "
        f"--domain {deploys['domain']} [--never-heartbeat | --fail-migration]",
    ]
