"""Offline verification of a license token by the installation SDK (clients/agent)."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measure_offline_verification(checks: int = 2000, rounds: int = 5) -> tuple[float, int]:
    sys.path.insert(0, str(ROOT / "clients" / "agent"))
    from tessera_agent import verify_token
    from tessera_agent.jws import trusted_keys

    from tessera.core.crypto import LocalSigner, jws_sign, public_jwk

    vendor = LocalSigner.generate()
    keys = trusted_keys({"keys": [public_jwk(vendor.public_key(), kid="k1")]})
    now = int(time.time())
    token = jws_sign({"lic": "lic_bench", "ver": 3, "plan": "enterprise", "modules": ["core", "ai_forecast"],
                      "limits": {"users": {"value": 2000, "mode": "advisory"}}, "nbf": now - 86400,
                      "exp": now + 86400 * 365, "grace_until": now + 86400 * 379, "domain": "budget.bench.ru"},
                     vendor, kid="k1", typ="license+jws")
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(checks):
            verify_token(token, keys, now, highest_version=2, latest_time=now - 60, domain="budget.bench.ru")
        samples.append((time.perf_counter() - started) / checks)
    return statistics.median(samples), checks
