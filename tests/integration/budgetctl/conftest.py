"""A real OpenSSH server on a loopback port for budgetctl's server commands.

`sshd -D` (Debian's openssh-server, installed by `make sshd`) runs with a temporary config: its own host
key, one authorized key, SFTP, and `SetEnv` of PATH, so the session finds the recording `docker` stand-in
first, and of HOME, so the login user's own shell start-up files stay out of it. Each test gets a fresh
deployments repository whose client `acme` points at it, and file-backed secrets (the SSH key among them)."""

from __future__ import annotations

import getpass
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "clients" / "budgetctl"))

from budgetctl.cli import main  # noqa: E402

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
EXAMPLE = ROOT / "clients" / "budgetctl" / "examples" / "deployments"
STANDIN = Path(__file__).with_name("docker_standin.py")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def keypair(path: Path) -> tuple[bytes, str]:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", str(path)], check=True)
    public = " ".join(path.with_suffix(".pub").read_text().split()[:2])
    return path.read_bytes(), public


@dataclass
class SshServer:
    port: int
    host_key: str  # `ssh-ed25519 AAAA…`
    client_key: bytes
    state: Path  # the docker stand-in's records and switches
    root: Path

    def commands(self) -> list[list[str]]:
        log = self.state / "commands.log"
        return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []

    def fail(self, step: str, version: str) -> None:
        (self.state / f"fail-{step}").write_text(version)


@pytest.fixture
def ssh_server(tmp_path: Path) -> Iterator[SshServer]:
    if not Path(SSHD).exists():
        pytest.fail("openssh-server is not installed: run `make sshd`")
    home = tmp_path / "sshd"
    (home / "bin").mkdir(parents=True)
    state = home / "docker-state"
    state.mkdir()
    _, host_key = keypair(home / "host_key")
    client_key, client_public = keypair(home / "client_key")
    (home / "authorized_keys").write_text(client_public + "\n")
    docker = home / "bin" / "docker"
    docker.write_text(f"#!/bin/sh\nexec {sys.executable} {STANDIN} \"$@\"\n")
    docker.chmod(0o755)
    port = free_port()
    (home / "sshd_config").write_text("\n".join([
        f"Port {port}", "ListenAddress 127.0.0.1", f"HostKey {home / 'host_key'}", f"PidFile {home / 'sshd.pid'}",
        f"AuthorizedKeysFile {home / 'authorized_keys'}", "PubkeyAuthentication yes",
        "PasswordAuthentication no", "KbdInteractiveAuthentication no", "PermitRootLogin prohibit-password",
        "UsePAM no", "StrictModes no", "Subsystem sftp internal-sftp", "LogLevel ERROR",
        f"SetEnv HOME={home} PATH={home / 'bin'}:/usr/local/bin:/usr/bin:/bin DOCKER_STANDIN_STATE={state}",
        ""]))
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation directory
    log = (home / "sshd.log").open("w")
    process = subprocess.Popen([SSHD, "-D", "-e", "-f", str(home / "sshd_config")], stdout=log, stderr=log)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"sshd did not start: {(home / 'sshd.log').read_text()}")
            time.sleep(0.05)
    try:
        yield SshServer(port, host_key, client_key, state, tmp_path / "server")
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def edit(path: Path, change: Any) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@dataclass
class Setup:
    repo: Path
    bundle: Path
    secrets: Path
    install_dir: Path
    server: SshServer

    def client(self) -> dict[str, Any]:
        return dict(yaml.safe_load((self.repo / "clients" / "acme.yaml").read_text(encoding="utf-8")))

    def run(self, *argv: str) -> tuple[int, str]:
        out = io.StringIO()
        code = main([*argv, "--repo", str(self.repo), "--bundle", str(self.bundle),
                     "--secrets-dir", str(self.secrets), "--client", "acme"], out)
        return code, out.getvalue()


@pytest.fixture
def setup(tmp_path: Path, ssh_server: SshServer) -> Setup:
    """The example repository with acme on the test server, and the product's bundle with minimums this
    machine meets."""
    repo = Path(shutil.copytree(EXAMPLE, tmp_path / "deployments"))
    bundle = Path(shutil.copytree(ROOT / "deploy", tmp_path / "bundle"))
    install_dir = tmp_path / "server" / "opt" / "itbm"

    def to_test_server(client: dict[str, Any]) -> None:
        client["server"]["ip"] = "127.0.0.1"
        client["server"]["ssh"] |= {"port": ssh_server.port, "user": getpass.getuser(),
                                    "host_key": ssh_server.host_key}
        client["server"]["install_dir"] = str(install_dir)
        client["ports"] = {"http": free_port(), "https": free_port()}

    edit(repo / "clients" / "acme.yaml", to_test_server)
    edit(bundle / "product.yaml", lambda product: product["requirements"]["compose"].update(
        cpu_cores=1, memory_gib=1, disk_free_gib=1))
    secrets = tmp_path / "secrets"
    (secrets / "acme").mkdir(parents=True)
    for name in yaml.safe_load((repo / "secrets" / "acme.yaml").read_text()):
        (secrets / "acme" / name).write_text(f"{name}-value")
    (secrets / "acme" / "ssh_key").write_bytes(ssh_server.client_key)
    return Setup(repo, bundle, secrets, install_dir, ssh_server)
