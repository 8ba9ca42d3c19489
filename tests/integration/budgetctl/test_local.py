"""budgetctl on the installation's own host: `agent run` (the portal's commands through budgetctl's runtime,
here with the recording docker stand-in), `modules sync` against a license portal on a loopback port, and
`support-bundle`. No SSH: LocalHost runs the commands in this process's shell."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
import sys
import tarfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography.hazmat.primitives import serialization

from tessera.core.crypto import LocalSigner, jws_sign, public_jwk
from tests.integration.budgetctl.conftest import EXAMPLE, ROOT, STANDIN, edit, free_port, main

sys.path.insert(0, str(ROOT / "clients" / "agent"))

from tessera_agent.commands import Command

LICENSE_ID = "lic_01HZX3K9Q7M8N2P4R6S8T0V2W4"
NOW = int(time.time())


@dataclass
class Portal:
    """A loopback HTTP server answering `routes[(method, path)](body)`; every request is kept."""

    routes: dict[tuple[str, str], Callable[[dict[str, Any]], dict[str, Any]]]
    seen: list[tuple[str, str, dict[str, Any], dict[str, str]]] = field(default_factory=list)
    uploads: list[tuple[str, bytes, dict[str, str]]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def portal() -> Iterator[Portal]:
    found = Portal({})

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, method: str) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = json.loads(raw) if raw else {}
            found.seen.append((method, self.path, body, dict(self.headers)))
            route = found.routes.get((method, self.path))
            answer, status = (route(body), 200) if route else ({"code": "not-found"}, 404)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._answer("GET")

        def do_POST(self) -> None:
            self._answer("POST")

        def do_PUT(self) -> None:  # the presigned upload URL of a support bundle, answered here
            found.uploads.append((self.path, self.rfile.read(int(self.headers["Content-Length"])),
                                  dict(self.headers)))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    found.url = f"http://127.0.0.1:{server.server_port}"
    yield found
    server.shutdown()


@dataclass
class Host:
    repo: Path
    bundle: Path
    secrets: Path
    install_dir: Path
    docker: Path  # the stand-in's state: commands.log, up.json, fail-*
    state: Path  # the agent's state file (the activation's key and certificate)
    vendor: LocalSigner
    installation: LocalSigner

    def run(self, *argv: str) -> tuple[int, str]:
        out = io.StringIO()
        code = main([*argv, "--repo", str(self.repo), "--bundle", str(self.bundle), "--secrets-dir",
                     str(self.secrets), "--client", "acme"], out)
        return code, out.getvalue()

    def commands(self) -> list[list[str]]:
        log = self.docker / "commands.log"
        return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []

    def license(self, **changes: Any) -> str:
        claims = {"iss": "tessera", "lic": LICENSE_ID, "ver": 2, "plan": "advanced",
                  "modules": ["core", "multi_department", "ai_forecast"], "limits": {"users": 300},
                  "iat": NOW, "nbf": NOW - 86400, "exp": NOW + 365 * 86400, "grace_until": NOW + 400 * 86400,
                  "domain": "budget.acme.ru", "product_version_range": {"min": "4.1", "max": "4.3"},
                  "revoked": False, **changes}
        return jws_sign(claims, self.vendor, kid="vendor-1", typ="license+jws")


@pytest.fixture
def host(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Host:
    """The example repository's acme installed on this machine: its install_dir in tmp_path, the docker
    stand-in first on PATH, an activated agent's state, and v4.3.0 added to the product's releases."""
    repo = Path(shutil.copytree(EXAMPLE, tmp_path / "deployments"))
    bundle = Path(shutil.copytree(ROOT / "deploy", tmp_path / "bundle"))
    install_dir = tmp_path / "opt" / "itbm"

    def local(client: dict[str, Any]) -> None:
        client["server"]["install_dir"] = str(install_dir)
        client["ports"] = {"http": free_port(), "https": free_port()}
        client["license_id"] = LICENSE_ID
        client["license_versions"] = {"min": "4.1", "max": "4.3"}

    edit(repo / "clients" / "acme.yaml", local)
    edit(bundle / "product.yaml", lambda product: product["requirements"]["compose"].update(
        cpu_cores=1, memory_gib=1, disk_free_gib=1))
    newest = yaml.safe_load((bundle / "releases" / "v4.2.0.yaml").read_text())
    (bundle / "releases" / "v4.3.0.yaml").write_text(yaml.safe_dump({**newest, "version": "v4.3.0"}))
    secrets = tmp_path / "secrets"
    (secrets / "acme").mkdir(parents=True)
    for name in yaml.safe_load((repo / "secrets" / "acme.yaml").read_text()):
        (secrets / "acme" / name).write_text(f"{name}-value")
    bin_dir, docker = tmp_path / "bin", tmp_path / "docker-state"
    bin_dir.mkdir()
    docker.mkdir()
    (bin_dir / "docker").write_text(f"#!/bin/sh\nexec {sys.executable} {STANDIN} \"$@\"\n")
    (bin_dir / "docker").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/local/bin:/usr/bin:/bin")
    monkeypatch.setenv("DOCKER_STANDIN_STATE", str(docker))
    vendor, installation = LocalSigner.generate(), LocalSigner.generate()
    ins = "ins_AAAAAAAAAAAAAAAAAAAAAAAAAA"
    jwk = public_jwk(installation.public_key(), kid=ins)
    certificate = jws_sign({"lic": LICENSE_ID, "ins": ins, "jwk": jwk}, vendor, kid="vendor-1",
                           typ="installation-certificate+jws")
    pem = installation.private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                 serialization.NoEncryption()).decode()
    state = tmp_path / "agent-state.json"
    state.write_text(json.dumps({"installation_id": ins, "private_key_pem": pem, "certificate": certificate}))
    return Host(repo, bundle, secrets, install_dir, docker, state, vendor, installation)


def runner(host: Host) -> Any:
    from budgetctl.bundle import Bundle
    from budgetctl.local import LocalHost
    from budgetctl.repository import load_repository
    from budgetctl.runner import DeployRunner
    from budgetctl.secrets import FileSecrets

    bundle = Bundle.load(host.bundle)
    repo = load_repository(host.repo, bundle)
    client = repo.clients["acme"]
    return DeployRunner(LocalHost("acme"), bundle, client, repo.environments[client.environment],
                        FileSecrets(host.secrets), health_timeout=0)


def command(name: str, version: str, previous: str = "") -> Command:
    return Command(id=f"cmd_01JAAAAAAAAAAAAAAAAAAAAAAA_{name}", name=name, run_id="dep_01JAAAAAAAAAAAAAAAAAAAAAAA",
                   args={"version": version, "from": previous})


# --- the runner ---------------------------------------------------------------------------------------

def test_the_runner_runs_each_step_of_the_portals_machine_on_this_host(host: Host) -> None:
    run = runner(host)
    first = run(command("deploy", "4.2.0"))
    assert (first.ok, first.version) == (True, "4.2.0"), first.output
    assert (host.install_dir / "current").resolve().name == "v4.2.0"
    assert oct((host.install_dir / "releases" / "v4.2.0" / "secrets" / "db_password").stat().st_mode)[-3:] == "400"

    preflight = run(command("preflight", "4.3.0"))
    assert preflight.ok and "ok" in preflight.output, preflight.output
    backup = run(command("backup", "4.3.0"))
    assert backup.ok and len(list((host.install_dir / "backups").iterdir())) == 1, backup.output
    deployed = run(command("deploy", "4.3.0", "4.2.0"))
    assert (deployed.ok, deployed.version) == (True, "4.3.0"), deployed.output
    assert len(list((host.install_dir / "backups").iterdir())) == 1  # the machine's backup step, not another
    back = run(command("rollback", "4.2.0", "4.3.0"))
    assert (back.ok, back.version) == (True, "4.2.0"), back.output


def test_a_failed_deploy_goes_back_and_the_machines_rollback_then_finds_it_done(host: Host) -> None:
    run = runner(host)
    assert run(command("deploy", "4.2.0")).ok
    (host.docker / "fail-health").write_text("v4.3.0")
    failed = run(command("deploy", "4.3.0", "4.2.0"))
    assert (failed.ok, failed.version) == (False, "4.2.0")
    assert "health" in failed.output
    again = run(command("rollback", "4.2.0", "4.3.0"))
    assert (again.ok, again.version) == (True, "4.2.0"), again.output


def test_the_runner_refuses_what_the_license_or_the_bundle_does_not_have(host: Host) -> None:
    run = runner(host)
    unknown = run(command("preflight", "9.9.9"))
    assert not unknown.ok and "v9.9.9" in unknown.output
    assert run(command("deploy", "4.1.3")).ok  # inside the license's 4.1–4.3
    edit(host.repo / "clients" / "acme.yaml", lambda c: c.update(license_versions={"min": "4.2", "max": "4.3"}))
    refused = runner(host)(command("rollback", "4.1.3", "4.2.0"))
    assert not refused.ok and "4.2–4.3" in refused.output
    assert runner(host)(command("restart", "4.2.0")).ok is False


# --- agent run: the CLI -------------------------------------------------------------------------------

def test_agent_run_once_fetches_runs_and_reports(host: Host, portal: Portal) -> None:
    queue = [{"id": "cmd_01JAAAAAAAAAAAAAAAAAAAAAAA_deploy", "name": "deploy",
              "run_id": "dep_01JAAAAAAAAAAAAAAAAAAAAAAA", "args": {"version": "4.2.0", "from": ""}}]
    portal.routes[("GET", "/api/agent/commands")] = lambda body: {"command": queue.pop() if queue else None}
    portal.routes[("POST", "/api/agent/commands/cmd_01JAAAAAAAAAAAAAAAAAAAAAAA_deploy/result")] = \
        lambda body: {"accepted": True, "detail": "accepted"}
    args = ("agent", "run", "--once", "--portal", portal.url, "--state", str(host.state))
    code, out = host.run(*args)
    assert code == 0, out
    report = [body for method, _, body, _ in portal.seen if method == "POST"]
    assert report[0]["ok"] is True and report[0]["version"] == "4.2.0"
    assert all(headers["X-Tessera-Certificate"] for _, _, _, headers in portal.seen)
    code, out = host.run(*args)
    assert (code, out.strip()) == (0, "команд нет")


def test_agent_run_exit_codes(host: Host, portal: Portal, tmp_path: Path) -> None:
    portal.routes[("GET", "/api/agent/commands")] = lambda body: {"command": {
        "id": "cmd_01JAAAAAAAAAAAAAAAAAAAAAAA_deploy", "name": "deploy", "run_id": "dep_01JAAAAAAAAAAAAAAAAAAAAAAA",
        "args": {"version": "4.2.0", "from": ""}}}
    portal.routes[("POST", "/api/agent/commands/cmd_01JAAAAAAAAAAAAAAAAAAAAAAA_deploy/result")] = \
        lambda body: {"accepted": True, "detail": "accepted"}
    (host.docker / "fail-migrate").write_text("")
    assert host.run("agent", "run", "--once", "--portal", portal.url, "--state", str(host.state))[0] == 4
    assert host.run("agent", "run", "--once", "--portal", f"http://127.0.0.1:{free_port()}",
                    "--state", str(host.state))[0] == 6
    empty = tmp_path / "empty.json"
    empty.write_text("{}")
    assert host.run("agent", "run", "--once", "--portal", portal.url, "--state", str(empty))[0] == 2
    assert host.run("agent", "run", "--portal", portal.url, "--state", str(host.state))[0] == 2  # --once/--forever
    assert main(["agent", "run", "--help"], io.StringIO()) == 0


# --- modules sync -------------------------------------------------------------------------------------

def license_portal(host: Host, portal: Portal, token: str) -> Path:
    """The status route with `token`, the heartbeat with a receipt the agent can verify; the JWKS file."""
    response_key = LocalSigner.generate()
    signing_certificate = jws_sign({"jwk": public_jwk(response_key.public_key(), kid="response-1")}, host.vendor,
                                   kid="vendor-1")
    now = datetime.now(UTC)
    portal.routes[("GET", "/api/licenses/ITBM-TEST-KEY-0001")] = lambda body: {
        "valid": True, "code": "VALID", "modules": [], "limits": {}, "version": 2, "token": token,
        "server_time": now.isoformat()}
    portal.routes[("POST", "/api/licenses/heartbeat")] = lambda body: {
        "accepted": True, "signing_certificate": signing_certificate,
        "receipt": jws_sign({"server_time": int(now.timestamp()), "state": "VALID"}, response_key, kid="response-1")}
    jwks = host.state.with_name("jwks.json")
    jwks.write_text(json.dumps({"keys": [public_jwk(host.vendor.public_key(), kid="vendor-1")]}))
    return jwks


def sync(host: Host, portal: Portal, jwks: Path, *extra: str) -> tuple[int, str]:
    return host.run("modules", "sync", "--portal", portal.url, "--state", str(host.state), "--license-key",
                    "ITBM-TEST-KEY-0001", "--trusted-keys", str(jwks), *extra)


@pytest.fixture
def installed(host: Host) -> Host:
    assert runner(host)(command("deploy", "4.2.0")).ok
    return host


def test_modules_sync_writes_the_signed_licenses_modules_and_records_the_run(installed: Host, portal: Portal) -> None:
    host = installed
    jwks = license_portal(host, portal, host.license())
    env_file = host.install_dir / "releases" / "v4.2.0" / "license.env"
    assert "ITBM_MODULES=core,multi_department,integrations" in env_file.read_text()
    code, out = sync(host, portal, jwks)
    assert code == 0, out
    assert "+ ai_forecast" in out and "- integrations" in out and "ITBM_LIMIT_USERS: 200 → 300" in out
    written = env_file.read_text()
    assert "ITBM_MODULES=ai_forecast,core,multi_department\n" in written and "ITBM_LIMIT_USERS=300\n" in written
    assert host.commands()[-1][:3] == ["compose", "--project-name", "itbm-acme"] and "up" in host.commands()[-1]
    beat = next(body for method, path, body, _ in portal.seen if path == "/api/licenses/heartbeat")
    assert beat["certificate"]  # signed by the installation key; the payload carries the new modules
    payload = json.loads(base64.urlsafe_b64decode(beat["heartbeat"].split(".")[1] + "=="))
    assert payload["active_modules"] == ["ai_forecast", "core", "multi_department"]
    assert payload["software_version"] == "4.2.0"
    code, out = sync(host, portal, jwks)
    assert code == 0 and "без изменений" in out


def test_a_tampered_or_foreign_license_is_refused_and_nothing_is_written(installed: Host, portal: Portal) -> None:
    host = installed
    env_file = host.install_dir / "releases" / "v4.2.0" / "license.env"
    before = env_file.read_text()
    header, payload, signature = host.license().split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["modules"].append("integrations")
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    jwks = license_portal(host, portal, f"{header}.{forged}.{signature}")
    code, out = sync(host, portal, jwks)
    assert code == 9 and "BAD_SIGNATURE" in out and "ничего не записано" in out, out
    assert env_file.read_text() == before
    assert not any(path == "/api/licenses/heartbeat" for _, path, _, _ in portal.seen)

    license_portal(host, portal, host.license(lic="lic_01HZX3K9Q7M8N2P4R6S8T0V2W5", ver=3))
    code, out = sync(host, portal, jwks)
    assert code == 9 and "lic_01HZX3K9Q7M8N2P4R6S8T0V2W5" in out, out
    assert env_file.read_text() == before


def test_modules_sync_without_the_portal_changes_nothing(installed: Host, portal: Portal) -> None:
    jwks = license_portal(installed, portal, installed.license())
    env_file = installed.install_dir / "releases" / "v4.2.0" / "license.env"
    before = env_file.read_text()
    code, _ = installed.run("modules", "sync", "--portal", f"http://127.0.0.1:{free_port()}", "--state",
                            str(installed.state), "--license-key", "ITBM-TEST-KEY-0001", "--trusted-keys", str(jwks))
    assert code == 6 and env_file.read_text() == before


def test_modules_sync_usage(installed: Host, portal: Portal) -> None:
    jwks = license_portal(installed, portal, installed.license())
    assert installed.run("modules", "sync", "--portal", portal.url, "--state", str(installed.state),
                         "--trusted-keys", str(jwks))[0] == 2  # no license key
    assert sync(installed, portal, jwks.with_name("missing.json"))[0] == 2


# --- support-bundle -----------------------------------------------------------------------------------

def test_support_bundle_collects_and_redacts(installed: Host, tmp_path: Path) -> None:
    host = installed
    with (host.install_dir / "history.jsonl").open("a") as history:
        history.write('{"note": "DATABASE_URL=postgres://itbm:hunter2@pg.acme.internal/itbm token=abc123def"}\n')
    out_file = tmp_path / "bundle.tar.gz"
    code, out = host.run("support-bundle", "--out", str(out_file))
    assert code == 0, out
    with tarfile.open(out_file) as archive:
        names = {Path(name).relative_to(Path(name).parts[0]).as_posix() for name in archive.getnames()}
        texts = {name: archive.extractfile(name).read().decode()  # type: ignore[union-attr]
                 for name in archive.getnames()}
    assert {"versions.txt", "disk.txt", "containers.json", "logs/compose.log", "history.jsonl",
            "config/docker-compose.yaml", "config/license.env", "manifest.json"} <= names
    everything = "\n".join(texts.values())
    assert "hunter2" not in everything and "abc123def" not in everything
    assert "postgres://itbm:***@pg.acme.internal" in everything
    assert "db_password-value" not in everything  # the secrets/ folder is never collected
    assert "current: v4.2.0" in everything
    assert host.run("support-bundle")[0] == 2  # neither --out nor --upload


def test_support_bundle_uploads_through_the_portals_presigned_url(installed: Host, portal: Portal) -> None:
    host = installed
    portal.routes[("POST", "/api/agent/support-bundles")] = lambda body: {
        "bundle_id": "bnd_01JAAAAAAAAAAAAAAAAAAAAAAA",
        "upload_url": f"{portal.url}/upload/bnd_01JAAAAAAAAAAAAAAAAAAAAAAA",
        "upload_headers": {"Content-Type": "application/gzip"}, "expires_at": "2030-01-01T00:00:00Z"}
    code, out = host.run("support-bundle", "--upload", "--note", "тикет 4711", "--portal", portal.url,
                         "--state", str(host.state))
    assert code == 0 and "bnd_01JAAAAAAAAAAAAAAAAAAAAAAA" in out, out
    (_, _, declared, headers), = [seen for seen in portal.seen if seen[1] == "/api/agent/support-bundles"]
    (path, data, put_headers), = portal.uploads
    assert path == "/upload/bnd_01JAAAAAAAAAAAAAAAAAAAAAAA" and put_headers["Content-Type"] == "application/gzip"
    assert declared == {"size_bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(), "note": "тикет 4711"}
    assert headers["X-Tessera-Signature"]  # a signed agent call
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        assert any(name.endswith("/containers.json") for name in archive.getnames())
