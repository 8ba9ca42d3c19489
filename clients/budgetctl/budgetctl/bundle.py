"""The product's packaging (the `deploy/` folder of the product's repository, seed 001 §4.1): its
manifest (`product.yaml`: components, modules, server minimums), its releases (`releases/<version>.yaml`:
the git commit and image digests the product's CI recorded) and the Compose and Helm templates that
`render` fills for one client and one release."""

from __future__ import annotations

import shutil
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import jinja2
import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from budgetctl.models import COMPONENTS, Client, Component, Environment, ModuleCode, Port, Version

Digest = Annotated[str, StringConstraints(pattern=r"^sha256:[0-9a-f]{64}$")]


class _Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ComponentSpec(_Manifest):
    image: str = Field(pattern=r"^[a-z0-9][a-z0-9._/-]*$", description="the image's name under the registry")
    port: Port | None = None
    health_path: str | None = Field(None, pattern=r"^/\S*$")


class ComposeRequirements(_Manifest):
    cpu_cores: int = Field(ge=1)
    memory_gib: int = Field(ge=1)
    disk_free_gib: int = Field(ge=1)
    docker_version: str = Field(pattern=r"^\d+\.\d+$")
    compose_version: str = Field(pattern=r"^\d+\.\d+$")
    os: list[str]
    ports: list[Port]
    outbound: list[str]


class HelmRequirements(_Manifest):
    kubernetes_version: str = Field(pattern=r"^\d+\.\d+$")
    helm_version: str = Field(pattern=r"^\d+\.\d+$")
    cpu_cores: int = Field(ge=1)
    memory_gib: int = Field(ge=1)
    ingress_class: str


class Requirements(_Manifest):
    compose: ComposeRequirements
    helm: HelmRequirements


class Product(_Manifest):
    product: str
    name: str
    components: dict[Component, ComponentSpec]
    migrate_command: list[str] = Field(min_length=1)
    modules: list[ModuleCode] = Field(min_length=1)
    integration_modules: dict[str, ModuleCode]
    ingress_image: str
    requirements: Requirements


class Release(_Manifest):
    version: Version
    git_sha: str = Field(pattern=r"^[0-9a-f]{40}$")
    channel: Literal["stable", "beta"]
    released_at: date
    images: dict[Component, Digest]


class BundleError(Exception):
    """The packaging itself is broken or missing: a fault of the bundle, not of a client's config."""


@dataclass(frozen=True)
class Bundle:
    root: Path
    product: Product
    releases: dict[str, Release]

    @classmethod
    def load(cls, root: Path) -> Bundle:
        product = _manifest(Product, root / "product.yaml")
        for name in COMPONENTS:
            spec = product.components.get(name)
            if spec is None or (name in ("backend", "frontend") and spec.port is None):
                raise BundleError(f"{root / 'product.yaml'}: components.{name} needs an image and, if it serves "
                                  "HTTP (backend, frontend), a port")
        releases = {}
        for path in sorted(root.glob("releases/*.yaml")):
            release = _manifest(Release, path)
            if release.version != path.stem:
                raise BundleError(f"{path}: version {release.version} is not the file's name")
            releases[release.version] = release
        return cls(root, product, releases)


def _manifest[Manifest: BaseModel](model: type[Manifest], path: Path) -> Manifest:
    try:
        return model.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise BundleError(f"{path}: {exc}") from None


# --- rendering ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SecretFile:
    """A secret the product reads from the file /run/secrets/<name>, its path given in `env`."""

    name: str
    env: str
    ref: str  # `<file>/<name>` in the deployments repository's secrets/


def _app_environment(client: Client, environment: Environment, release: Release) -> dict[str, str]:
    """What every component of the product is configured with; all plain values, no secret among them."""
    env = {"APP_VERSION": release.version, "GIT_SHA": release.git_sha, "ITBM_CLIENT": client.client,
           "ITBM_DOMAIN": client.domain, "ITBM_LICENSE_ID": client.license_id,
           "ITBM_MODULES": ",".join(client.modules), "LOG_LEVEL": environment.log_level,
           "DATABASE_HOST": client.database.host, "DATABASE_PORT": str(client.database.port),
           "DATABASE_NAME": client.database.name, "DATABASE_USER": client.database.user,
           "DATABASE_SSLMODE": client.database.sslmode,
           "REDIS_HOST": client.cache.host, "REDIS_PORT": str(client.cache.port), "REDIS_DB": str(client.cache.db),
           "REDIS_TLS": str(client.cache.tls).lower()}
    env |= {f"ITBM_LIMIT_{name.upper()}": str(value) for name, value in client.limits.items()}
    integrations = client.integrations
    if integrations.smtp:
        env |= {"SMTP_HOST": integrations.smtp.host, "SMTP_PORT": str(integrations.smtp.port),
                "SMTP_FROM": integrations.smtp.sender, "SMTP_STARTTLS": str(integrations.smtp.starttls).lower()}
        if integrations.smtp.user:
            env["SMTP_USER"] = integrations.smtp.user
    if integrations.sso:
        env |= {"SSO_PROTOCOL": integrations.sso.protocol, "SSO_ISSUER": integrations.sso.issuer,
                "SSO_CLIENT_ID": integrations.sso.client_id}
    if integrations.onec:
        env |= {"ONEC_URL": integrations.onec.url, "ONEC_USER": integrations.onec.user}
    return env


def _app_secrets(client: Client) -> list[SecretFile]:
    candidates = [("db_password", "DATABASE_PASSWORD_FILE", client.database.password),
                  ("redis_password", "REDIS_PASSWORD_FILE", client.cache.password)]
    if smtp := client.integrations.smtp:
        candidates.append(("smtp_password", "SMTP_PASSWORD_FILE", smtp.password))
    if sso := client.integrations.sso:
        candidates.append(("sso_client_secret", "SSO_CLIENT_SECRET_FILE", sso.client_secret))
    if onec := client.integrations.onec:
        candidates.append(("onec_password", "ONEC_PASSWORD_FILE", onec.password))
    return [SecretFile(name, env, ref.secret) for name, env, ref in candidates if ref is not None]


def _ingress_secrets(client: Client) -> list[SecretFile]:
    tls = client.tls
    if tls.certificate is None or tls.private_key is None:
        return []
    return [SecretFile("tls_certificate", "", tls.certificate.secret),
            SecretFile("tls_private_key", "", tls.private_key.secret)]


def secret_files(client: Client) -> list[SecretFile]:
    """Every secret file the client's package reads, the product's and the ingress's."""
    return _app_secrets(client) + _ingress_secrets(client)


def _to_yaml(value: Any, indent: int = 0) -> str:
    text = yaml.safe_dump(value, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)
    return "\n".join(" " * indent + line for line in text.rstrip("\n").splitlines())


def _templates(root: Path) -> jinja2.Environment:
    # Not HTML: autoescape would corrupt YAML; every value goes through tojson or to_yaml instead.
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(root), undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True, autoescape=False)  # noqa: S701
    env.filters["to_yaml"] = _to_yaml
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": False}
    return env


RUNTIMES = ("compose", "helm")


def render(bundle: Bundle, client: Client, environment: Environment, release: Release, out: Path,
           runtime: str | None = None) -> list[Path]:
    """Write the package of `client` at `release` into `out`: for compose docker-compose.yaml and
    Caddyfile, for helm the chart and values-<client>.yaml; both with secrets.yaml, the references
    `budgetctl deploy` resolves into files on the server (or a Kubernetes Secret). Returns what it wrote."""
    runtime = runtime or client.runtime
    app_secrets, ingress_secrets = _app_secrets(client), _ingress_secrets(client)
    app_env = _app_environment(client, environment, release)
    context = {
        "client": client.model_dump(mode="json"), "environment": environment.model_dump(mode="json"),
        "release": release.model_dump(mode="json"), "product": bundle.product.model_dump(mode="json"),
        "components": {name: spec.model_dump(mode="json") for name, spec in bundle.product.components.items()},
        "images": {name: f"{environment.registry}/{spec.image}:{release.version}@{release.images[name]}"
                   for name, spec in bundle.product.components.items()},
        "app_env": app_env,
        # Compose points the product at its secret files here; the chart does it from secretFiles.
        "secret_env": {secret.env: f"/run/secrets/{secret.name}" for secret in app_secrets},
        "app_secrets": [asdict(secret) for secret in app_secrets],
        "ingress_secrets": [asdict(secret) for secret in ingress_secrets],
    }
    templates = _templates(bundle.root)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def write(name: str, text: str) -> None:
        (out / name).write_text(text, encoding="utf-8")
        written.append(out / name)

    if runtime == "compose":
        # What the license grants is its own file, listed after the environment so `modules sync` can
        # replace it in place from the signed license (Compose: `environment` would win over `env_file`).
        granted = {name: value for name, value in app_env.items()
                   if name == "ITBM_MODULES" or name.startswith("ITBM_LIMIT_")}
        context["app_env"] = {name: value for name, value in app_env.items() if name not in granted}
        write("docker-compose.yaml", templates.get_template("compose/docker-compose.yaml.j2").render(context))
        write("license.env", "# From clients/<client>.yaml; `budgetctl modules sync` rewrites it from the "
              "signed license.\n" + "".join(f"{name}={value}\n" for name, value in granted.items()))
        write("Caddyfile", templates.get_template("compose/Caddyfile.j2").render(context))
    else:
        shutil.copytree(bundle.root / "chart" / "itbm", out / "chart", dirs_exist_ok=True)
        written.append(out / "chart")
        write(f"values-{client.client}.yaml", templates.get_template("chart/client-values.yaml.j2").render(context))
    manifest = {"client": client.client, "version": release.version, "runtime": runtime,
                "secrets": {secret.name: {"ref": secret.ref, **({"env": secret.env} if secret.env else {})}
                            for secret in app_secrets + ingress_secrets}}
    write("secrets.yaml", "# References only: budgetctl deploy reads the values where secrets/ says they "
          "are kept.\n" + _to_yaml(manifest) + "\n")
    return written
