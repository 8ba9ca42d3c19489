"""IT Budget Manager on one client's server, as budgetctl lays it out and drives it over SSH.

    <install_dir>/releases/<version>/   a rendered Compose package and its secrets/ (0700, files 0400)
    <install_dir>/current               symlink to releases/<version>: what runs; switched by one rename
    <install_dir>/backups/<stamp>-<version>/  the previous release and the database dump before a deploy
    <install_dir>/history.jsonl         one line per deploy or rollback
    <install_dir>/.lock/                held by the one deploy or rollback that runs (mkdir is atomic)

The runtime is Docker Compose v2 (`docker compose`), one Compose project per client (`itbm-<client>`), so
`up` with another release's file replaces the containers of the one before."""

from __future__ import annotations

import getpass
import json
import posixpath
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from budgetctl.bundle import Product
from budgetctl.models import Client, version_numbers
from budgetctl.ssh import COMMAND_TIMEOUT_SECONDS, Result, Server, quote

# The product's images carry the PostgreSQL client; the dump runs beside the running backend with its own
# configuration (the password from its secret file), so budgetctl never holds the database password.
DUMP_SCRIPT = ('PGPASSWORD="$(cat "$DATABASE_PASSWORD_FILE")" exec pg_dump --format=custom --no-password '
               '--host="$DATABASE_HOST" --port="$DATABASE_PORT" --username="$DATABASE_USER" "$DATABASE_NAME"')


@dataclass(frozen=True)
class Service:
    """One container as `docker compose ps --format json` describes it."""

    service: str
    name: str
    state: str  # running, exited, restarting, …
    health: str  # healthy, unhealthy, starting, or "" without a healthcheck
    status: str  # "Up 5 minutes (healthy)"


@dataclass(frozen=True)
class Probe:
    component: str
    ok: bool
    detail: str


def parse_ps(text: str) -> list[Service]:
    """`compose ps --format json`: one object per line since Compose 2.21, one JSON array before it."""
    text = text.strip()
    if not text:
        return []
    rows: list[dict[str, Any]] = json.loads(text) if text.startswith("[") else [
        json.loads(line) for line in text.splitlines() if line.strip()]
    return [Service(str(row.get("Service", "")), str(row.get("Name", "")), str(row.get("State", "")),
                    str(row.get("Health", "")), str(row.get("Status", ""))) for row in rows]


def _operator() -> str:
    """Who runs budgetctl, for the lock's note: `user@host`."""
    try:
        user = getpass.getuser()
    except OSError:  # no login name in the environment nor the password database (a bare container)
        user = "?"
    return f"{user}@{socket.gethostname()}"


class Installation:
    def __init__(self, server: Server, client: Client, product: Product) -> None:
        assert client.server is not None, "runtime compose has a server (validated)"
        self.server = server
        self.client = client
        self.product = product
        self.root = client.server.install_dir
        self.project = f"itbm-{client.client}"

    # --- layout ------------------------------------------------------------------------------------------

    def release_dir(self, version: str) -> str:
        return posixpath.join(self.root, "releases", version)

    @property
    def current_link(self) -> str:
        return posixpath.join(self.root, "current")

    def run(self, command: str, timeout: float = COMMAND_TIMEOUT_SECONDS) -> Result:
        return self.server.run(command, timeout=timeout)

    def current_version(self) -> str | None:
        found = self.run(quote("readlink", self.current_link))
        return posixpath.basename(found.stdout.strip()) if found.ok and found.stdout.strip() else None

    def releases(self) -> list[str]:
        found = self.run(f"ls -1 {quote(posixpath.join(self.root, 'releases'))} 2>/dev/null")
        return sorted((line for line in found.stdout.split() if not line.startswith(".")), key=version_numbers)

    def lock(self) -> str | None:
        """Take the lock; None when taken, else who holds it (a second deploy must not run beside the first)."""
        lock = posixpath.join(self.root, ".lock")
        note = f"{datetime.now(UTC).isoformat(timespec='seconds')} {_operator()}"
        taken = self.run(f"mkdir -p {quote(self.root)} && mkdir {quote(lock)} 2>/dev/null && "
                         f"echo {quote(note)} > {quote(lock + '/owner')}")
        if taken.ok:
            return None
        return self.run(f"cat {quote(lock + '/owner')} 2>/dev/null").stdout.strip() or "?"

    def unlock(self) -> None:
        self.run(quote("rm", "-rf", posixpath.join(self.root, ".lock")))

    def switch(self, version: str) -> Result:
        """Point `current` at the release in one rename, so it is never missing or half-written."""
        staged = self.current_link + ".next"
        return self.run(f"ln -sfn {quote('releases/' + version)} {quote(staged)} && "
                        f"mv -Tf {quote(staged)} {quote(self.current_link)}")

    def record(self, entry: dict[str, Any]) -> None:
        line = json.dumps({"at": datetime.now(UTC).isoformat(timespec="seconds"), **entry}, ensure_ascii=False)
        self.run(f"echo {quote(line)} >> {quote(posixpath.join(self.root, 'history.jsonl'))}")

    def history(self, last: int = 5) -> list[dict[str, Any]]:
        found = self.run(f"tail -n {last} {quote(posixpath.join(self.root, 'history.jsonl'))} 2>/dev/null")
        entries = []
        for line in found.stdout.splitlines():
            try:
                entries.append(json.loads(line))
            except ValueError:
                continue
        return entries

    # --- the runtime -------------------------------------------------------------------------------------

    def compose(self, version: str, *arguments: str) -> str:
        compose_file = posixpath.join(self.release_dir(version), "docker-compose.yaml")
        return quote("docker", "compose", "--project-name", self.project, "--file", compose_file, *arguments)

    def services(self, version: str) -> list[Service]:
        return parse_ps(self.run(self.compose(version, "ps", "--all", "--format", "json")).stdout)

    def probe(self, version: str) -> list[Probe]:
        """Every service running, and each HTTP component answering its health path inside its container."""
        running = {service.service: service for service in self.services(version)}
        probes = []
        for name in self.product.components:
            service = running.get(name)
            if service is None or service.state != "running":
                probes.append(Probe(name, False, service.status if service else "not created"))
                continue
            spec = self.product.components[name]
            if spec.port is None or spec.health_path is None:
                probes.append(Probe(name, True, service.status))
                continue
            url = f"http://localhost:{spec.port}{spec.health_path}"
            answer = self.run(self.compose(version, "exec", "-T", name, "curl", "-fsS", "--max-time", "5", url),
                              timeout=30)
            probes.append(Probe(name, answer.ok, url if answer.ok else f"{url}: {answer.tail(1)}"))
        return probes

    def wait_healthy(self, version: str, timeout: float, interval: float) -> list[Probe]:
        """Probe until all pass or `timeout` runs out; the last probes either way."""
        deadline = time.monotonic() + timeout
        while True:
            probes = self.probe(version)
            if all(probe.ok for probe in probes) or time.monotonic() + interval > deadline:
                return probes
            time.sleep(interval)
