"""A simulated IT Budget Manager installation (see docs/installation-sdk.md).

    python clients/agent/examples/simulate_installation.py --portal http://127.0.0.1:8080 \\
        --license-key ITBM-XXXX-… --domain budget.customer.ru --heartbeats 3 --every 5

Fetches the portal's public keys once (trust on first use — a real product embeds them in its build),
activates, verifies the license offline, then sends signed heartbeats and prints each receipt."""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tessera_agent import Agent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--portal", default="http://127.0.0.1:8080")
    parser.add_argument("--license-key", required=True)
    parser.add_argument("--domain", required=True)
    parser.add_argument("--fingerprint", default="simulated-server-0001-ab12cd34")
    parser.add_argument("--version", default="4.2.0")
    parser.add_argument("--state", default=".local/agent-state.json", type=Path)
    parser.add_argument("--heartbeats", type=int, default=3)
    parser.add_argument("--every", type=float, default=2.0, help="seconds between heartbeats")
    args = parser.parse_args()

    with urllib.request.urlopen(f"{args.portal}/api/licenses/jwks.json", timeout=10) as answer:  # noqa: S310
        jwks = json.loads(answer.read())
    agent = Agent(args.portal, args.license_key, args.state, jwks, domain=args.domain)
    activation = agent.activate(args.fingerprint, args.version, ["core"])
    print("activate:", activation["code"], activation.get("installation_id"))
    if not activation.get("activated"):
        return 1
    info = agent.verify()
    print(f"license {info.license_id} v{info.version}: {info.state}, modules {', '.join(info.modules)}")
    for _ in range(args.heartbeats):
        answer = agent.heartbeat({"users": 10 + secrets.randbelow(50), "departments": 3}, info.modules, args.version)
        receipt = answer.get("receipt") or {}
        print("heartbeat:", answer.get("code", "ACCEPTED"), "state", receipt.get("state"),
              "revoked" if receipt.get("revoked") else "")
        time.sleep(args.every)
    return 0


if __name__ == "__main__":
    sys.exit(main())
