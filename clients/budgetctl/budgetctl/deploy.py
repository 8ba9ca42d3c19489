"""`budgetctl deploy`, `rollback` and `status` on a client's server (runtime compose).

A deploy never leaves the server half-updated: everything that can fail without touching what runs
(upload, backup, pull, migration) comes before the switch, and after the switch (`current` → the new
release) any failure switches back to the release before and starts it again. The migration runs while the
previous release still serves; when it fails, that release is checked to be healthy and stays."""

from __future__ import annotations

import posixpath
import secrets
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from budgetctl.bundle import Bundle, Release, render
from budgetctl.installation import DUMP_SCRIPT, Installation
from budgetctl.messages import message
from budgetctl.models import Client, Environment
from budgetctl.ssh import CommandTimeout, Server, TransferFailed, quote

OK, NOT_READY, DEPLOY_FAILED, ROLLBACK_FAILED = 0, 3, 4, 5
HEALTH_INTERVAL_SECONDS = 5.0
MIGRATE_TIMEOUT_SECONDS = 1800.0
PULL_TIMEOUT_SECONDS = 1800.0


class StepFailed(Exception):
    """A step of a deploy or rollback failed; the message says which and what the server answered."""


class Progress:
    """`[  12.3 s] text` lines: what budgetctl does, as it does it."""

    def __init__(self, out: TextIO, language: str) -> None:
        self.out = out
        self.language = language
        self.started = time.monotonic()

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def say(self, code: str, **params: object) -> None:
        text = message(code, self.language, params)
        record_step = getattr(self.out, "record_step", None)  # report.RecordingOutput: the run's report
        if record_step is not None:
            record_step(code, text, params)
        self.out.write(f"[{self.elapsed:7.1f} s] {text}\n")
        self.out.flush()


@dataclass
class Plan:
    """What a deploy of one client to one release needs."""

    bundle: Bundle
    client: Client
    environment: Environment
    release: Release
    secret_values: dict[str, bytes]  # file name on the server → value, read before connecting
    health_timeout: float
    backup_first: bool = True  # False when the portal's machine ran the backup as a step of its own


def _must(answer_ok: bool, step: str, detail: str) -> None:
    if not answer_ok:
        raise StepFailed(f"{step}: {detail}")


def _locked(site: Installation, progress: Progress, work: Callable[[], int]) -> int:
    holder = site.lock()
    if holder is not None:
        progress.say("locked", holder=holder, lock=posixpath.join(site.root, ".lock"))
        return DEPLOY_FAILED
    try:
        return work()
    finally:
        site.unlock()


def deploy(server: Server, plan: Plan, out: TextIO, language: str) -> int:
    progress = Progress(out, language)
    site = Installation(server, plan.client, plan.bundle.product)
    return _locked(site, progress, lambda: _deploy(site, plan, progress))


def _deploy(site: Installation, plan: Plan, progress: Progress) -> int:
    version = plan.release.version
    previous = site.current_version()
    progress.say("deploy_start", client=plan.client.client, previous=previous or "—", version=version)
    if previous == version:
        progress.say("deploy_already", version=version)
        return OK
    uploaded = False
    try:
        _upload(site, plan, progress)
        uploaded = True
        if previous is not None and plan.backup_first:
            backup(site, previous, plan.environment.deploy.backup_before_deploy, progress)
        progress.say("step_pull", version=version)
        pulled = site.run(site.compose(version, "pull", "--quiet"), timeout=PULL_TIMEOUT_SECONDS)
        _must(pulled.ok, "pull", pulled.tail())
        progress.say("step_migrate", version=version)
        migrated = site.run(site.compose(version, "run", "--rm", "--no-deps", "migrate"),
                            timeout=MIGRATE_TIMEOUT_SECONDS)
        _must(migrated.ok, "migrate", migrated.tail())
    except (StepFailed, CommandTimeout, TransferFailed) as failure:
        # Nothing was switched: the release before keeps serving; the new one is removed unfinished.
        progress.say("step_failed", detail=str(failure))
        if uploaded:
            site.run(quote("rm", "-rf", site.release_dir(version)))
        if previous is None:
            return _first_install_failed(site, version, progress, started=False)
        return _back_to(site, previous, version, plan, progress, switched=False)

    try:
        _run_release(site, version, plan.health_timeout, progress)
    except (StepFailed, CommandTimeout, KeyboardInterrupt) as failure:
        # Ctrl-C after the switch too: the server is not left between two releases.
        progress.say("step_failed", detail=str(failure) or message("interrupted", progress.language))
        if previous is None:
            return _first_install_failed(site, version, progress, started=True)
        return _back_to(site, previous, version, plan, progress, switched=True)

    site.record({"action": "deploy", "from": previous, "to": version, "result": "ok",
                 "seconds": round(progress.elapsed, 1)})
    progress.say("deploy_done", version=version, seconds=f"{progress.elapsed:.1f}")
    return OK


def _first_install_failed(site: Installation, version: str, progress: Progress, started: bool) -> int:
    """Nothing ran before: stop what was started, so the server is as it was."""
    if started:
        site.run(site.compose(version, "down", "--remove-orphans"))
        site.run(quote("rm", "-f", site.current_link))
    progress.say("first_install_failed")
    site.record({"action": "deploy", "from": None, "to": version, "result": "failed"})
    return DEPLOY_FAILED


def _upload(site: Installation, plan: Plan, progress: Progress) -> None:
    """Render the package here, fill its secrets/ there, and only then give it the release's name."""
    version = plan.release.version
    progress.say("step_upload", version=version, path=site.release_dir(version))
    staging = posixpath.join(site.root, "releases", f".upload-{version}-{secrets.token_hex(4)}")
    made = site.run(f"mkdir -p {quote(posixpath.join(site.root, 'releases'))}")
    _must(made.ok, "upload", made.tail())
    try:
        with tempfile.TemporaryDirectory(prefix="budgetctl-") as local:
            package = Path(local) / version
            render(plan.bundle, plan.client, plan.environment, plan.release, package, "compose")
            site.server.put_directory(package, staging)
        secrets_dir = posixpath.join(staging, "secrets")
        _must(site.run(f"mkdir -m 700 {quote(secrets_dir)}").ok, "upload", secrets_dir)
        for name, value in plan.secret_values.items():
            site.server.write_file(posixpath.join(secrets_dir, name), value, 0o400)
        moved = site.run(f"rm -rf {quote(site.release_dir(version))} && mv {quote(staging)} "
                         f"{quote(site.release_dir(version))}")
        _must(moved.ok, "upload", moved.tail())
    except (StepFailed, TransferFailed):
        site.run(quote("rm", "-rf", staging))
        raise


def backup(site: Installation, previous: str, dump_database: bool, progress: Progress) -> None:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = posixpath.join(site.root, "backups", f"{stamp}-{previous}")
    progress.say("step_backup", path=folder)
    # umask 077: the copy holds the release's secret files and the whole database.
    saved = site.run(f"umask 077 && mkdir -p {quote(folder)} && tar -czf {quote(folder + '/release.tar.gz')} "
                     f"-C {quote(posixpath.join(site.root, 'releases'))} {quote(previous)}")
    _must(saved.ok, "backup", saved.tail())
    if dump_database:
        dumped = site.run(f"umask 077 && {site.compose(previous, 'exec', '-T', 'backend', 'sh', '-c', DUMP_SCRIPT)} "
                          f"> {quote(folder + '/database.dump')}", timeout=MIGRATE_TIMEOUT_SECONDS)
        _must(dumped.ok, "backup", f"pg_dump: {dumped.tail()}")


def _run_release(site: Installation, version: str, health_timeout: float, progress: Progress | None = None,
                 switch: bool = True) -> None:
    """Point `current` at `version`, start it and wait for it to be healthy; StepFailed when it is not."""
    say = progress.say if progress else (lambda code, **params: None)
    if switch:
        say("step_switch", version=version)
        _must(site.switch(version).ok, "switch", "ln/mv")
    say("step_start", version=version)
    started = site.run(site.compose(version, "up", "--detach", "--remove-orphans"))
    _must(started.ok, "up", started.tail())
    say("step_health", version=version, timeout=f"{health_timeout:g}")
    probes = site.wait_healthy(version, health_timeout, HEALTH_INTERVAL_SECONDS)
    if not all(probe.ok for probe in probes):
        raise StepFailed("health: " + "; ".join(f"{probe.component}: {probe.detail}" for probe in probes
                                                 if not probe.ok))


def _back_to(site: Installation, previous: str, failed: str, plan: Plan, progress: Progress, switched: bool) -> int:
    """Make the release before serve again and prove it does; exit 4 when it does, 5 when not."""
    began = time.monotonic()
    progress.say("rollback_start", version=previous)
    try:
        _run_release(site, previous, plan.health_timeout, switch=switched)
    except (StepFailed, CommandTimeout) as failure:
        progress.say("rollback_failed", version=previous, detail=str(failure))
        site.record({"action": "deploy", "from": previous, "to": failed, "result": "rollback_failed"})
        return ROLLBACK_FAILED
    seconds = time.monotonic() - began
    site.record({"action": "deploy", "from": previous, "to": failed, "result": "rolled_back",
                 "rollback_seconds": round(seconds, 1)})
    progress.say("rolled_back", version=previous, failed=failed, seconds=f"{seconds:.1f}")
    return DEPLOY_FAILED


def rollback(server: Server, client: Client, bundle: Bundle, target: str, health_timeout: float, out: TextIO,
             language: str) -> int:
    """Switch to a release already on the server (`--to`), start it and prove it healthy."""
    progress = Progress(out, language)
    site = Installation(server, client, bundle.product)
    return _locked(site, progress, lambda: _rollback(site, target, health_timeout, progress))


def _rollback(site: Installation, target: str, health_timeout: float, progress: Progress) -> int:
    current = site.current_version()
    present = site.releases()
    if target not in present:
        progress.say("rollback_not_on_server", version=target, present=", ".join(present) or "—")
        return ROLLBACK_FAILED
    if current == target:
        progress.say("deploy_already", version=target)
        return OK
    progress.say("rollback_start", version=target)
    try:
        _run_release(site, target, health_timeout)
    except (StepFailed, CommandTimeout, KeyboardInterrupt) as failure:
        progress.say("rollback_failed", version=target,
                     detail=str(failure) or message("interrupted", progress.language))
        site.record({"action": "rollback", "from": current, "to": target, "result": "failed"})
        if current is not None:  # the release that ran before the attempt is started again
            site.switch(current)
            site.run(site.compose(current, "up", "--detach", "--remove-orphans"))
            progress.say("rollback_restore", version=current)
        return ROLLBACK_FAILED
    site.record({"action": "rollback", "from": current, "to": target, "result": "ok",
                 "seconds": round(progress.elapsed, 1)})
    progress.say("rollback_done", version=target, previous=current or "—", seconds=f"{progress.elapsed:.1f}")
    return OK


def status(server: Server, client: Client, bundle: Bundle, out: TextIO, language: str, log_lines: int) -> int:
    """Current release, each probe, the containers, the last deploys and log lines; 3 when not healthy."""
    site = Installation(server, client, bundle.product)
    current = site.current_version()
    write = out.write
    write(message("status_current", language, {"client": client.client, "address": server.target.address,
                                                 "version": current or "—"}) + "\n")
    if current is None:
        write(message("status_not_installed", language) + "\n")
        return NOT_READY
    write(message("status_releases", language, {"releases": ", ".join(site.releases())}) + "\n")
    probes = site.probe(current)
    for probe in probes:
        write(f"  {'ok  ' if probe.ok else 'fail'}  {probe.component}: {probe.detail}\n")
    write(message("status_containers", language) + "\n")
    for service in site.services(current):
        write(f"  {service.name}  {service.state}  {service.status}\n")
    history = site.history()
    if history:
        write(message("status_history", language) + "\n")
        for entry in history:
            write(f"  {entry.get('at', '?')}  {entry.get('action', '?')}  {entry.get('from') or '—'} → "
                  f"{entry.get('to', '?')}  {entry.get('result', '?')}\n")
    logs = site.run(site.compose(current, "logs", "--no-color", "--tail", str(log_lines)))
    write(message("status_logs", language, {"lines": log_lines}) + "\n")
    write("".join(f"  {line}\n" for line in logs.stdout.splitlines()))
    healthy = all(probe.ok for probe in probes)
    write(message("status_healthy" if healthy else "status_unhealthy", language) + "\n")
    return OK if healthy else NOT_READY
