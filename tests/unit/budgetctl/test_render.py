"""Rendered packages: valid YAML carrying the release's version, commit and digests and the client's host,
with secrets as references only."""

from __future__ import annotations

from pathlib import Path

import yaml
from budgetctl.bundle import Bundle, render
from budgetctl.repository import load_repository

from tests.unit.budgetctl.conftest import BUNDLE, EXAMPLE

BUNDLE_LOADED = Bundle.load(BUNDLE)
REPO = load_repository(EXAMPLE, BUNDLE_LOADED)
RELEASE = BUNDLE_LOADED.releases["v4.2.0"]
# Every value a secrets/ entry names: none may reach a rendered file except as a reference.
SECRET_SOURCES = [entry.kms.ciphertext for secrets in REPO.secrets.values() for entry in secrets.root.values()
                  if entry.kms is not None]


def rendered(client: str, out: Path, runtime: str | None = None) -> dict[str, str]:
    render(BUNDLE_LOADED, REPO.clients[client], REPO.environments[REPO.clients[client].environment], RELEASE, out,
           runtime)
    return {path.relative_to(out).as_posix(): path.read_text(encoding="utf-8")
            for path in sorted(out.rglob("*")) if path.is_file()}


def test_compose_bundle(tmp_path: Path) -> None:
    files = rendered("acme", tmp_path)
    assert sorted(files) == ["Caddyfile", "docker-compose.yaml", "license.env", "secrets.yaml"]
    compose = yaml.safe_load(files["docker-compose.yaml"])
    services = compose["services"]
    assert sorted(services) == ["backend", "frontend", "ingress", "migrate", "scheduler", "worker"]
    for name in ("backend", "frontend", "worker", "scheduler"):
        service = services[name]
        assert service["image"] == f"registry.itbm.ru/itbm/{name}:v4.2.0@{RELEASE.images[name]}"
        assert service["environment"]["APP_VERSION"] == "v4.2.0"
        assert service["environment"]["GIT_SHA"] == RELEASE.git_sha
        assert service["depends_on"] == {"migrate": {"condition": "service_completed_successfully"}}
        assert service["secrets"] == ["db_password", "redis_password", "smtp_password", "sso_client_secret",
                                      "onec_password"]
    assert services["backend"]["deploy"] == {"replicas": 2}
    assert services["migrate"]["command"] == ["itbm", "migrate", "--no-input"]
    env = services["backend"]["environment"]
    assert env["ITBM_DOMAIN"] == "budget.acme.ru"
    assert env["DATABASE_HOST"] == "pg.acme.internal" and env["DATABASE_PASSWORD_FILE"] == "/run/secrets/db_password"
    assert "ITBM_MODULES" not in env and services["backend"]["env_file"] == ["license.env"]  # modules sync wins
    assert "ITBM_MODULES=core,multi_department,integrations\n" in files["license.env"]
    assert services["ingress"]["ports"] == ["80:80", "443:443"]
    assert compose["secrets"]["db_password"] == {"file": "./secrets/db_password"}
    assert "budget.acme.ru {" in files["Caddyfile"] and "email it@acme.ru" in files["Caddyfile"]
    assert yaml.safe_load(files["secrets.yaml"])["secrets"]["db_password"] == {
        "ref": "acme/db_password", "env": "DATABASE_PASSWORD_FILE"}
    everything = "\n".join(files.values())
    assert "arn:aws" not in everything  # where secrets are kept stays in the repository
    assert not any(source in everything for source in SECRET_SOURCES)


def test_helm_bundle(tmp_path: Path) -> None:
    files = rendered("beta", tmp_path)
    assert "chart/Chart.yaml" in files and "chart/templates/deployments.yaml" in files
    values = yaml.safe_load(files["values-beta.yaml"])
    assert values["release"] == {"version": "v4.2.0", "gitSha": RELEASE.git_sha}
    assert values["components"]["worker"] == {
        "image": f"registry.itbm.ru/itbm/worker:v4.2.0@{RELEASE.images['worker']}", "replicas": 1}
    assert values["components"]["backend"]["port"] == 8000
    assert values["ingress"]["host"] == "itbm.beta-corp.ru"
    assert values["ingress"]["tls"] == {"secretName": "itbm-beta-tls", "clusterIssuer": ""}
    assert values["secretFiles"] == [{"name": "db_password", "env": "DATABASE_PASSWORD_FILE"}]
    assert values["env"]["REDIS_TLS"] == "false"
    assert values["imagePullSecrets"] == [{"name": "itbm-beta-registry"}]
    assert yaml.safe_load(files["secrets.yaml"])["secrets"]["tls_private_key"] == {"ref": "beta/tls_private_key"}
    assert not any(source in "\n".join(files.values()) for source in SECRET_SOURCES)


def test_a_value_that_needs_quoting_stays_yaml(tmp_path: Path) -> None:
    acme = REPO.clients["acme"]
    host = 'pg.acme.internal #1: "{{ x }}"'
    client = acme.model_copy(update={"database": acme.database.model_copy(update={"host": host})})
    for runtime, file in (("helm", "values-acme.yaml"), ("compose", "docker-compose.yaml")):
        render(BUNDLE_LOADED, client, REPO.environments["production"], RELEASE, tmp_path / runtime, runtime)
        document = yaml.safe_load((tmp_path / runtime / file).read_text(encoding="utf-8"))
        env = document["env"] if runtime == "helm" else document["services"]["worker"]["environment"]
        assert env["DATABASE_HOST"] == host


def test_server_requirements_are_documented() -> None:
    """deploy/README.md shows the minimums budgetctl prepare checks: the same numbers as product.yaml."""
    readme = (BUNDLE / "README.md").read_text(encoding="utf-8")
    compose = BUNDLE_LOADED.product.requirements.compose
    helm = BUNDLE_LOADED.product.requirements.helm
    for value in (compose.cpu_cores, compose.memory_gib, compose.disk_free_gib, compose.docker_version,
                  compose.compose_version, helm.kubernetes_version, helm.helm_version, *compose.os):
        assert str(value) in readme, value
