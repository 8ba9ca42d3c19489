"""`budgetctl modules sync`: the active modules and limits of an installation from its signed license.

The license comes from the license portal (`GET /api/licenses/<key>`, through `tessera_agent.Agent`, which
keeps the installation's anti-rollback state) and is verified offline against the vendor's keys before
anything is written: the signature, the license id (`clients/<client>.yaml`'s `license_id`), the domain,
revocation and dates. A refused license writes nothing and changes nothing.

What the license grants is written into the running release's `license.env`: `ITBM_MODULES`,
`ITBM_LIMIT_<NAME>`, `ITBM_LICENSE_VERSION`. The Compose package renders these names only there (every
product service's `env_file`; `environment` would win over it), so rewriting the file replaces them.
`up --detach` then recreates the services whose environment changed. The run is recorded in the portal by
a signed heartbeat with the new active modules (licensing keeps them on the activation; the deploy machine
checks them against the license)."""

from __future__ import annotations

import posixpath
import secrets
from dataclasses import dataclass
from typing import Any, TextIO

from pydantic import ValidationError

from budgetctl.bundle import Product
from budgetctl.installation import Installation
from budgetctl.models import Client, VersionRange
from budgetctl.ssh import Server, quote

LICENSE_ENV = "license.env"
REFUSED, NOT_INSTALLED, APPLY_FAILED = 9, 3, 4


@dataclass(frozen=True)
class Granted:
    modules: list[str]
    limits: dict[str, int]
    license_version: int
    versions: VersionRange | None

    def env(self) -> dict[str, str]:
        env = {"ITBM_MODULES": ",".join(self.modules), "ITBM_LICENSE_VERSION": str(self.license_version)}
        env |= {f"ITBM_LIMIT_{name.upper()}": str(value) for name, value in sorted(self.limits.items())}
        return env


class LicenseRefused(Exception):
    """The license cannot be used for this client: nothing is written."""


def granted(info: Any, client: Client, product: Product) -> Granted:
    """What a verified `tessera_agent.LicenseInfo` grants this client; LicenseRefused when it is not its."""
    if info.license_id != client.license_id:
        raise LicenseRefused(f"the license is {info.license_id}, clients/{client.client}.yaml names "
                             f"{client.license_id}")
    unknown = sorted(set(info.modules) - set(product.modules))
    if unknown:
        raise LicenseRefused(f"modules unknown to the product: {', '.join(unknown)}")
    limits = {str(name): value for name, value in info.limits.items()
              if isinstance(value, int) and not isinstance(value, bool)}
    wanted = info.claims.get("product_version_range") or {}
    try:
        versions = VersionRange(min=wanted["min"], max=wanted.get("max")) if wanted.get("min") else None
    except ValidationError:  # a range budgetctl cannot read only loses the warning, not the sync
        versions = None
    return Granted(sorted(info.modules), limits, info.version, versions)


def parse_env(text: str) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in text.splitlines() if "=" in line and not line.startswith("#"))
    return {name.strip(): value.strip() for name, value in pairs}


def changes(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """`+ ai_forecast`, `- integrations`, `ITBM_LIMIT_USERS: 200 → 300`: what a sync changes."""
    lines = []
    old_modules = set(filter(None, before.get("ITBM_MODULES", "").split(",")))
    new_modules = set(filter(None, after.get("ITBM_MODULES", "").split(",")))
    lines += [f"+ {module}" for module in sorted(new_modules - old_modules)]
    lines += [f"- {module}" for module in sorted(old_modules - new_modules)]
    for name in sorted((set(before) | set(after)) - {"ITBM_MODULES"}):
        if before.get(name) != after.get(name):
            lines.append(f"{name}: {before.get(name, '—')} → {after.get(name, '—')}")
    return lines


def write(server: Server, client: Client, product: Product, grant: Granted, apply: bool, out: TextIO) -> int:
    """Write the grant into the running release's license.env; 0, or 3 when nothing is installed."""
    site = Installation(server, client, product)
    current = site.current_version()
    if current is None:
        out.write("не установлено: нет current / not installed\n")
        return NOT_INSTALLED
    path = posixpath.join(site.release_dir(current), LICENSE_ENV)
    before = parse_env(server.run(f"cat {quote(path)} 2>/dev/null").stdout)
    after = grant.env()
    changed = changes(before, after)
    if grant.versions is not None and not grant.versions.admits(current):
        out.write(f"внимание / warning: {current} вне лицензированных версий {grant.versions}\n")
    if not changed:
        out.write(f"без изменений / unchanged: {after['ITBM_MODULES']}\n")
        return 0
    body = "# Written by budgetctl modules sync from the signed license; do not edit.\n" + "".join(
        f"{name}={value}\n" for name, value in after.items())
    staged = f"{path}.{secrets.token_hex(4)}"
    server.write_file(staged, body.encode(), 0o644)
    moved = server.run(f"mv -f {quote(staged)} {quote(path)}")
    if not moved.ok:
        server.run(quote("rm", "-f", staged))
        raise LicenseRefused(f"{path}: {moved.tail()}")
    out.write("".join(f"  {line}\n" for line in changed))
    if apply:
        started = site.run(site.compose(current, "up", "--detach", "--remove-orphans"))
        out.write("применено / applied: up --detach\n" if started.ok else f"up --detach: {started.tail()}\n")
        return 0 if started.ok else APPLY_FAILED
    return 0
