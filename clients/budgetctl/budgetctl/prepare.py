"""`budgetctl prepare`: is the client's server ready for the Compose bundle? Each check against
`deploy/product.yaml` `requirements.compose`, read over SSH in one round trip."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from budgetctl.bundle import ComposeRequirements
from budgetctl.messages import message
from budgetctl.models import Client
from budgetctl.ssh import Server, quote

Status = Literal["ok", "warn", "fail"]

# Everything prepare needs, printed as key=value lines; nothing here changes the server.
_FACTS_SCRIPT = r"""
echo "docker=$(docker version --format '{{.Server.Version}}' 2>/dev/null)"
echo "compose=$(docker compose version --short 2>/dev/null)"
echo "cpus=$(nproc 2>/dev/null)"
echo "mem_kib=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo 2>/dev/null)"
root=$(docker info --format '{{.DockerRootDir}}' 2>/dev/null); root=${root:-/var/lib/docker}
existing=$root; while [ ! -d "$existing" ]; do existing=$(dirname "$existing"); done
echo "disk_path=$root"
echo "disk_free_kib=$(df -Pk "$existing" 2>/dev/null | awk 'NR == 2 {print $4}')"
echo "os=$( . /etc/os-release 2>/dev/null; echo "$ID|$VERSION_ID|$PRETTY_NAME")"
echo "current=$(readlink INSTALLED 2>/dev/null)"
cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk '$4 == "0A" {print "listen=" $2}'
"""

KIB_PER_GIB = 1024 * 1024
# A server sold as 8 GB shows a little less in MemTotal (the kernel keeps some): below the minimum but
# within 10 % is a warning, not a failure.
MEMORY_TOLERANCE = 0.9


PORT_STATES = ("free", "in_use", "used_by_installation")


def shown(value: str, language: str) -> str:
    """A found or required value for people: a port's state in words, anything else as it is."""
    return message(f"port_{value}", language) if value in PORT_STATES else value


@dataclass(frozen=True)
class Check:
    check: str  # a message code: check_cpu, check_port, …
    status: Status
    found: str  # a version or an amount; for a port one of PORT_STATES
    required: str
    params: dict[str, str] = field(default_factory=dict)  # for the check's name: the port, the disk's path

    def name(self, language: str) -> str:
        return message(self.check, language, self.params)

    def as_dict(self, language: str) -> dict[str, str]:
        return {"check": self.check, "name": self.name(language), "status": self.status, "found": self.found,
                "required": self.required}


def facts(server: Server, install_dir: str) -> tuple[dict[str, str], set[int]]:
    """The key=value facts and the set of TCP ports something listens on."""
    script = _FACTS_SCRIPT.replace("INSTALLED", quote(install_dir.rstrip("/") + "/current"))
    answer = server.run(script, timeout=60)
    found: dict[str, str] = {}
    listening: set[int] = set()
    for line in answer.stdout.splitlines():
        key, _, value = line.partition("=")
        if key == "listen":  # /proc/net/tcp: local_address is HEXIP:HEXPORT
            listening.add(int(value.rsplit(":", 1)[1], 16))
        elif key:
            found[key] = value.strip()
    return found, listening


def _version(text: str) -> tuple[int, ...] | None:
    match = re.match(r"^v?(\d+)\.(\d+)(?:\.(\d+))?", text.strip())
    return tuple(int(part) for part in match.groups() if part is not None) if match else None


def _at_least(check: str, found: str, minimum: str) -> Check:
    have, need = _version(found), _version(minimum)
    if have is None:
        return Check(check, "fail", found or "—", f">= {minimum}")
    return Check(check, "ok" if need is None or have >= need else "fail", found, f">= {minimum}")


def _os_supported(os_id: str, version_id: str, supported: list[str]) -> bool:
    """`Debian 12` in product.yaml against os-release ID=debian, VERSION_ID=12 (Astra: ID=astra, 1.7_x86-64)."""
    for name in supported:
        words = name.lower().split()
        label, version = "".join(words[:-1]), words[-1]
        if os_id and (label.startswith(os_id) or os_id.startswith(label)) and version_id.startswith(version):
            return True
    return False


def check_server(server: Server, client: Client, minimum: ComposeRequirements) -> list[Check]:
    assert client.server is not None
    found, listening = facts(server, client.server.install_dir)
    checks = [_at_least("check_docker", found.get("docker", ""), minimum.docker_version),
              _at_least("check_compose", found.get("compose", ""), minimum.compose_version)]

    cpus = int(found.get("cpus") or 0)
    checks.append(Check("check_cpu", "ok" if cpus >= minimum.cpu_cores else "fail", str(cpus),
                        f">= {minimum.cpu_cores}"))

    memory = int(found.get("mem_kib") or 0) / KIB_PER_GIB
    memory_status: Status = ("ok" if memory >= minimum.memory_gib
                             else "warn" if memory >= minimum.memory_gib * MEMORY_TOLERANCE else "fail")
    checks.append(Check("check_memory", memory_status, f"{memory:.1f}", f">= {minimum.memory_gib}"))

    disk = int(found.get("disk_free_kib") or 0) / KIB_PER_GIB
    checks.append(Check("check_disk", "ok" if disk >= minimum.disk_free_gib else "fail", f"{disk:.1f}",
                        f">= {minimum.disk_free_gib}", {"path": found.get("disk_path", "?")}))

    os_id, version_id, pretty = (found.get("os", "") + "||").split("|")[:3]
    checks.append(Check("check_os", "ok" if _os_supported(os_id, version_id, minimum.os) else "warn",
                        pretty or "?", ", ".join(minimum.os)))

    installed = bool(found.get("current"))
    for kind in ("http", "https"):
        port = getattr(client.ports, kind)
        # On a server that already runs the product, its own ingress holds the port.
        status: Status = "ok" if port not in listening else "warn" if installed else "fail"
        found_state = {"ok": "free", "warn": "used_by_installation", "fail": "in_use"}[status]
        checks.append(Check("check_port", status, found_state, "free", {"port": str(port), "kind": kind}))
    return checks
