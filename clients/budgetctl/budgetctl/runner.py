"""budgetctl as the runner of the portal's deploy commands on the installation's own host.

`tessera_agent.CommandPoller` fetches a command from `/api/agent/commands` and calls the runner with it; the
runner does what `budgetctl prepare/deploy/rollback` do, on `LocalHost` instead of over SSH, and answers
`Outcome(ok, output, version)`: the output is what the commands print (progress, the failed step's tail),
the version the one `current` points at afterwards (the portal's form: `4.2.0`, no `v`).

- preflight (version): the release is in the bundle and the license range; `prepare`'s checks of this host;
- backup (version): a copy of the running release and the database dump (`backups/<stamp>-<v>/`);
- deploy (version, from): `deploy` without its own backup (the machine ran it); rolls itself back on failure;
- rollback (version, from): `rollback --to version`; ok when `version` runs (also when the failed deploy had
  already gone back to it).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from budgetctl import deploy as deploys
from budgetctl.bundle import Bundle, secret_files
from budgetctl.installation import Installation
from budgetctl.messages import message
from budgetctl.models import Client, Environment
from budgetctl.prepare import check_server, shown
from budgetctl.secrets import SecretResolver
from budgetctl.ssh import Server


def release_name(version: str) -> str:
    """The portal's `4.3.0` is budgetctl's release `v4.3.0`."""
    return version if version.startswith("v") else f"v{version}"


def portal_version(release: str | None) -> str | None:
    return release.removeprefix("v") if release else None


@dataclass
class DeployRunner:
    """A `tessera_agent.commands.Runner` for one client on `server` (a `LocalHost`)."""

    server: Server
    bundle: Bundle
    client: Client
    environment: Environment
    secrets: SecretResolver
    health_timeout: float
    language: str = "ru"

    def __call__(self, command: Any) -> Any:
        from tessera_agent.commands import Outcome

        steps: dict[str, Callable[[str, TextIO], bool]] = {
            "preflight": self.preflight, "backup": self.backup, "deploy": self.deploy, "rollback": self.rollback}
        step = steps.get(command.name)
        if step is None:
            return Outcome(ok=False, output=f"budgetctl: unknown command {command.name!r}")
        version = command.args.get("version", "")
        out = io.StringIO()
        out.write(f"budgetctl {command.name} {release_name(version)} ({self.client.client}, run {command.run_id})\n")
        ok = step(release_name(version), out)
        running = Installation(self.server, self.client, self.bundle.product).current_version()
        return Outcome(ok=ok, output=out.getvalue(), version=portal_version(running))

    def _admitted(self, version: str, out: TextIO) -> bool:
        release = self.bundle.releases.get(version)
        if release is None:
            out.write(message("release_unknown", self.language,
                              {"version": version, "known": ", ".join(sorted(self.bundle.releases))}) + "\n")
            return False
        licensed = self.client.license_versions
        if licensed is not None and not licensed.admits(version):
            out.write(message("version_unlicensed", self.language, {"version": version, "range": str(licensed)}) + "\n")
            return False
        return True

    def preflight(self, version: str, out: TextIO) -> bool:
        if not self._admitted(version, out):
            return False
        checks = check_server(self.server, self.client, self.bundle.product.requirements.compose)
        for check in checks:
            out.write(f"{check.status:4}  {check.name(self.language)}: {shown(check.found, self.language)} "
                      f"({shown(check.required, self.language)})\n")
        return all(check.status != "fail" for check in checks)

    def backup(self, version: str, out: TextIO) -> bool:
        site = Installation(self.server, self.client, self.bundle.product)
        running = site.current_version()
        progress = deploys.Progress(out, self.language)
        if running is None:
            out.write("nothing installed yet: no backup\n")
            return True
        try:
            deploys.backup(site, running, self.environment.deploy.backup_before_deploy, progress)
        except deploys.StepFailed as failure:
            progress.say("step_failed", detail=str(failure))
            return False
        return True

    def deploy(self, version: str, out: TextIO) -> bool:
        if not self._admitted(version, out):
            return False
        values = {secret.name: self.secrets.read(secret.ref) for secret in secret_files(self.client)}
        plan = deploys.Plan(self.bundle, self.client, self.environment, self.bundle.releases[version], values,
                            self.health_timeout, backup_first=False)
        return deploys.deploy(self.server, plan, out, self.language) == deploys.OK

    def rollback(self, version: str, out: TextIO) -> bool:
        licensed = self.client.license_versions
        if licensed is not None and not licensed.admits(version):
            out.write(message("rollback_unlicensed", self.language,
                              {"version": version, "range": str(licensed)}) + "\n")
            return False
        return deploys.rollback(self.server, self.client, self.bundle, version, self.health_timeout, out,
                                self.language) == deploys.OK
