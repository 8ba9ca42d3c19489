"""A simulated installation taking deploys from the portal (docs/design/deploys.md, "Portal").

    python clients/agent/examples/simulate_deploys.py --portal http://127.0.0.1:8080 \\
        --license-key ITBM-XXXX-… --domain budget.customer.ru [--never-heartbeat] [--fail-migration]

Activates (or reuses the state of simulate_installation.py), then polls /api/agent/commands: preflight and
backup succeed; a deploy or rollback "switches" the version and heartbeats it, so a console-started deploy
succeeds. `--never-heartbeat` keeps the new version silent (the portal rolls back after the heartbeat
timeout); `--fail-migration` reports a failed migration (the portal rolls back at once)."""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tessera_agent import Agent, PortalUnavailable
from tessera_agent.commands import Command, CommandPoller, Outcome


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--portal", default="http://127.0.0.1:8080")
    parser.add_argument("--license-key", required=True)
    parser.add_argument("--domain", required=True)
    parser.add_argument("--fingerprint", default="simulated-server-0001-ab12cd34")
    parser.add_argument("--version", default="4.2.0", help="the version running at the start")
    parser.add_argument("--state", default=".local/agent-state.json", type=Path)
    parser.add_argument("--every", type=float, default=2.0, help="seconds between polls when idle")
    parser.add_argument("--never-heartbeat", action="store_true", help="a deployed version never heartbeats")
    parser.add_argument("--fail-migration", action="store_true", help="every deploy fails in its migration")
    args = parser.parse_args()

    with urllib.request.urlopen(f"{args.portal}/api/licenses/jwks.json", timeout=10) as answer:  # noqa: S310
        jwks = json.loads(answer.read())
    agent = Agent(args.portal, args.license_key, args.state, jwks, domain=args.domain)
    if not agent.state.certificate:
        activation = agent.activate(args.fingerprint, args.version, ["core"])
        print("activate:", activation["code"], activation.get("installation_id"))
        if not activation.get("activated"):
            return 1
    running = {"version": args.version, "silent": False}  # silent: the deployed version "died" on start

    def runner(command: Command) -> Outcome:
        print(f"{command.name} {command.args}")
        if command.name == "deploy" and args.fail_migration:
            return Outcome(ok=False, output="migrate: 0042_budget_lines FAILED: relation already exists")
        if command.name in ("deploy", "rollback"):
            running["version"] = command.args["version"]
            running["silent"] = command.name == "deploy" and args.never_heartbeat
            if not running["silent"]:
                agent.heartbeat({"users": 10}, ["core"], str(running["version"]))
        return Outcome(ok=True, output=f"{command.name}: ok", version=str(running["version"]))

    poller = CommandPoller(agent.portal, agent.state, runner)
    print(f"installation {agent.state.installation_id} runs {running['version']}; waiting for commands (Ctrl-C stops)")
    try:
        while True:
            try:
                busy = poller.run_once()
            except PortalUnavailable as exc:
                print("portal:", exc)
                busy = False
            if not busy:
                if not running["silent"]:
                    agent.heartbeat({"users": 10}, ["core"], str(running["version"]))
                time.sleep(args.every)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
