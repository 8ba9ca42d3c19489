"""A recording stand-in for `docker` on the test SSH server (no Docker engine or registry exists here).

It records every call (argv, one JSON line in $DOCKER_STANDIN_STATE/commands.log) and answers the calls
budgetctl makes as Docker Engine 27 and Compose v2 do: `version`, `info`, `compose version`, and with
`--project-name P --file F`: `pull`, `run` (the migration), `up`, `down`, `ps --format json` (one JSON object
per line, as Compose ≥ 2.21 prints), `exec` (the health probe, the database dump) and `logs`. Which Compose
projects are up, and at which release, is kept in up.json. A test makes a step fail by writing the failing
release's version into fail-migrate or fail-health (an empty file fails every version)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import yaml

ENGINE, COMPOSE = "27.3.1", "2.29.7"
STATE = Path(os.environ.get("DOCKER_STANDIN_STATE", "/tmp/docker-standin"))


def fails(step: str, version: str) -> bool:
    path = STATE / f"fail-{step}"
    if not path.exists():
        return False
    versions = path.read_text().split()
    return not versions or version in versions


def projects() -> dict[str, dict[str, Any]]:
    path = STATE / "up.json"
    return json.loads(path.read_text()) if path.exists() else {}


def save(up: dict[str, dict[str, Any]]) -> None:
    (STATE / "up.json").write_text(json.dumps(up))


def compose(argv: list[str]) -> int:
    project, compose_file = "", ""
    while argv and argv[0].startswith("-"):
        option = argv.pop(0)
        if option in ("--project-name", "-p"):
            project = argv.pop(0)
        elif option in ("--file", "-f"):
            compose_file = argv.pop(0)
    command = argv.pop(0) if argv else ""
    if command == "version":
        if "--short" in argv:
            print(COMPOSE)
        elif "json" in argv:
            print(json.dumps({"version": f"v{COMPOSE}"}))
        else:
            print(f"Docker Compose version v{COMPOSE}")
        return 0
    try:
        spec = yaml.safe_load(Path(compose_file).read_text())
    except OSError as exc:
        print(f"open {compose_file}: {exc.strerror.lower()}", file=sys.stderr)
        return 1
    version = spec["x-environment"]["APP_VERSION"]
    services = [name for name in spec["services"] if name != "migrate"]
    up = projects()
    if command == "pull":
        for name in spec["services"]:
            print(f" {name} Pulled", file=sys.stderr)
        return 0
    if command == "run":
        if fails("migrate", version):
            print("django.db.utils.ProgrammingError: relation \"budget_line\" already exists", file=sys.stderr)
            return 1
        print(f"Migrations for {version} applied.")
        return 0
    if command == "up":
        up[project] = {"file": compose_file, "version": version, "services": services}
        save(up)
        for name in services:
            print(f" Container {project}-{name}-1  Started", file=sys.stderr)
        return 0
    if command == "down":
        up.pop(project, None)
        save(up)
        return 0
    running = up.get(project)
    if command == "ps":
        for name in (running or {}).get("services", []):
            checked = "healthcheck" in spec["services"][name]
            health = ("unhealthy" if fails("health", running["version"]) else "healthy") if checked else ""
            print(json.dumps({"ID": f"{abs(hash(name)):012x}"[:12], "Name": f"{project}-{name}-1",
                              "Image": spec["services"][name]["image"], "Project": project, "Service": name,
                              "State": "running", "Health": health,
                              "Status": f"Up 3 seconds ({health})" if health else "Up 3 seconds",
                              "ExitCode": 0, "Publishers": []}))
        return 0
    if command == "exec":
        service = next(word for word in argv if not word.startswith("-"))
        if running is None or service not in running["services"]:
            print(f"service \"{service}\" is not running", file=sys.stderr)
            return 1
        if "curl" in argv:
            if fails("health", running["version"]):
                print("curl: (22) The requested URL returned error: 503", file=sys.stderr)
                return 22
            print('{"status": "ok"}')
            return 0
        sys.stdout.write(f"PGDMP stand-in dump of {running['version']}\n")
        return 0
    if command == "logs":
        for name in (running or {}).get("services", []):
            print(f"{project}-{name}-1  | INFO itbm {running['version']} {name} started")
        return 0
    return 0


def main() -> int:
    STATE.mkdir(parents=True, exist_ok=True)
    argv = sys.argv[1:]
    with (STATE / "commands.log").open("a") as log:
        log.write(json.dumps(argv) + "\n")
    if argv[:1] == ["compose"]:
        return compose(argv[1:])
    if argv[:1] == ["version"]:
        print(ENGINE)
        return 0
    if argv[:1] == ["info"]:
        print("/var/lib/docker")
        return 0
    print(f"docker stand-in: {' '.join(argv)}: not recorded as a Docker command", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
