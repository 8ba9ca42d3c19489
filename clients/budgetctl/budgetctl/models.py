"""The files of a `deployments` repository (seed 001 §4.2): `clients/<client>.yaml`,
`environments/<name>.yaml` and `secrets/<file>.yaml`. Each model checks one file; what needs several
files (an environment exists, domains and ports are unique, modules are known) is in `repository`.

Secrets never appear as values: a field that holds one takes only a reference `{secret: <file>/<name>}`
to an entry of `secrets/<file>.yaml`, and that entry only names where the value is kept — a Secrets
Manager secret or a KMS-encrypted blob."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    IPvAnyAddress,
    RootModel,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

# semver.org's grammar with the `v` the product's release tags carry (seed 001 §4.1.3: `v1.4.0`).
VERSION_PATTERN = (r"^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
                   r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
                   r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$")
Version = Annotated[str, StringConstraints(pattern=VERSION_PATTERN)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{1,39}$")]
ModuleCode = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,39}$")]
SecretName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,62}$")]
Hostname = Annotated[str, StringConstraints(max_length=253,
                                            pattern=r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")]
Port = Annotated[int, Field(ge=1, le=65535)]
Component = Literal["backend", "frontend", "worker", "scheduler"]
COMPONENTS: tuple[Component, ...] = ("backend", "frontend", "worker", "scheduler")


class Strict(BaseModel):
    # A misspelt field is an error, not a silently ignored line.
    model_config = ConfigDict(extra="forbid", frozen=True)


def _reference_not_value(value: Any) -> Any:
    if isinstance(value, str | int | float | bytes):
        # The value itself is never echoed: it may be the secret.
        raise PydanticCustomError("secret_plaintext", "a secret is written as a reference {secret: <file>/<name>} "
                                  "to secrets/, not as a value")
    return value


class SecretReference(Strict):
    secret: str = Field(pattern=r"^[a-z][a-z0-9-]{1,39}/[a-z][a-z0-9_]{0,62}$",
                        description="`<file>/<name>`: the entry `name` of `secrets/<file>.yaml`")

    @property
    def file(self) -> str:
        return self.secret.split("/", 1)[0]

    @property
    def name(self) -> str:
        return self.secret.split("/", 1)[1]


SecretRef = Annotated[SecretReference, BeforeValidator(_reference_not_value)]


def _place_not_value(value: Any) -> Any:
    if isinstance(value, str | int | float | bytes):
        raise PydanticCustomError("secret_value_in_repo", "a secret is kept in Secrets Manager (secretsmanager: "
                                  "<ARN>) or encrypted by KMS (kms: …), never as a value in the repository")
    return value


# --- secrets/<file>.yaml: name → where the value is kept -------------------------------------------------

class KmsBlob(Strict):
    key_id: str = Field(pattern=r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key/[0-9a-f-]{36}|alias/[A-Za-z0-9/_-]+)$",
                        description="the KMS key (ARN or alias ARN) the blob was encrypted with")
    ciphertext: str = Field(description="base64 of the CiphertextBlob of `aws kms encrypt`")
    encryption_context: dict[str, str] = Field(default_factory=dict,
                                               description="the context given to Encrypt; Decrypt needs the same")

    @field_validator("ciphertext")
    @classmethod
    def _is_a_kms_blob(cls, value: str) -> str:
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise PydanticCustomError("kms_not_base64", "the ciphertext is not base64") from None
        # A symmetric KMS ciphertext carries the key's ARN and an IV: never shorter than this.
        if len(raw) < 64:
            raise PydanticCustomError("kms_too_short", "too short for a KMS ciphertext: is it encrypted?")
        return value


class SecretLocation(Strict):
    """Where one secret is kept: a Secrets Manager secret read at deploy time by the operator's role, or a
    value encrypted by `aws kms encrypt` and kept here as ciphertext only."""

    secretsmanager: str | None = Field(
        None, pattern=r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$",
        description="the secret's ARN")
    json_key: str | None = Field(None, min_length=1, description="secretsmanager: a key of the secret's JSON "
                                 "value; the whole SecretString when omitted")
    kms: KmsBlob | None = None

    @model_validator(mode="after")
    def _one_place(self) -> SecretLocation:
        if (self.secretsmanager is None) == (self.kms is None):
            raise PydanticCustomError("secret_one_source", "give exactly one of secretsmanager, kms")
        if self.kms is not None and self.json_key is not None:
            raise PydanticCustomError("secret_json_key_kms", "json_key applies to secretsmanager only")
        return self


SecretEntry = Annotated[SecretLocation, BeforeValidator(_place_not_value)]


class SecretsFile(RootModel[dict[SecretName, SecretEntry]]):
    """`secrets/<file>.yaml`: secret name → where it is kept. `secrets/<client>.yaml` holds a client's own
    secrets; a file named after no client holds shared ones (e.g. the registry's pull token)."""

    model_config = ConfigDict(frozen=True)


# --- environments/<name>.yaml ----------------------------------------------------------------------------

class Replicas(Strict):
    backend: int = Field(2, ge=1, le=20)
    frontend: int = Field(2, ge=1, le=20)
    worker: int = Field(1, ge=1, le=20)
    # Two schedulers would run every job twice.
    scheduler: Literal[1] = 1


class DeploySettings(Strict):
    health_timeout_seconds: int = Field(300, ge=30, le=1800,
                                        description="how long a new version has to answer its health check")
    backup_before_deploy: bool = True


class Environment(Strict):
    """What clients of one kind share: the release channel they follow, the registry, sizing."""

    name: Slug = Field(description="the file's name without .yaml")
    description: str = ""
    channel: Literal["stable", "beta"] = Field(description="stable: stable releases only; beta: beta ones too")
    registry: str = Field(pattern=r"^[a-z0-9.-]+(:\d+)?(/[a-z0-9._-]+)*$",
                          description="where the product's images are pulled from, e.g. registry.itbm.ru/itbm")
    registry_token: SecretRef | None = Field(None, description="a pull token, when the registry needs one")
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    replicas: Replicas = Replicas()
    deploy: DeploySettings = DeploySettings()

    def accepts(self, release_channel: str) -> bool:
        return self.channel == "beta" or release_channel == "stable"


# --- clients/<client>.yaml -------------------------------------------------------------------------------

class Ssh(Strict):
    user: str = Field(pattern=r"^[a-z_][a-z0-9_-]{0,31}$")
    port: Port = 22
    private_key: SecretRef
    host_key: str = Field(pattern=r"^(ssh-ed25519|ecdsa-sha2-nistp256|ecdsa-sha2-nistp384|ssh-rsa) [A-Za-z0-9+/=]+$",
                          description="the server's public host key as in known_hosts (`ssh-keyscan`): "
                          "budgetctl connects to no other")


class Server(Strict):
    """The client's server, reached over SSH (runtime `compose`)."""

    ip: IPvAnyAddress
    ssh: Ssh
    install_dir: str = Field("/opt/itbm", pattern=r"^/[A-Za-z0-9._/-]+$")


class Kubernetes(Strict):
    """The client's cluster (runtime `helm`)."""

    context: str = Field(min_length=1)
    namespace: str = Field("itbm", pattern=r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
    kubeconfig: SecretRef


class Ports(Strict):
    """The ports the HTTPS ingress publishes on the server (HTTP only redirects to HTTPS)."""

    http: Port = 80
    https: Port = 443

    @model_validator(mode="after")
    def _different(self) -> Ports:
        if self.http == self.https:
            raise PydanticCustomError("ports_equal", "http and https need different ports")
        return self


class Tls(Strict):
    mode: Literal["acme", "provided"] = Field(description="acme: Let's Encrypt certificates renewed by the ingress; "
                                              "provided: the client's own certificate")
    email: str | None = Field(None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", description="acme: the account's e-mail")
    certificate: SecretRef | None = Field(None, description="provided: the PEM chain")
    private_key: SecretRef | None = Field(None, description="provided: the PEM key")

    @model_validator(mode="after")
    def _complete_for_its_mode(self) -> Tls:
        if self.mode == "acme" and self.email is None:
            raise PydanticCustomError("tls_acme_email", "mode acme needs email")
        if self.mode == "provided" and (self.certificate is None or self.private_key is None):
            raise PydanticCustomError("tls_provided_files", "mode provided needs certificate and private_key")
        return self


class Database(Strict):
    """The client's external PostgreSQL."""

    host: str = Field(min_length=1)
    port: Port = 5432
    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
    user: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
    password: SecretRef
    sslmode: Literal["disable", "require", "verify-ca", "verify-full"] = "verify-full"


class Cache(Strict):
    """The client's external Redis."""

    host: str = Field(min_length=1)
    port: Port = 6379
    db: int = Field(0, ge=0, le=15)
    password: SecretRef | None = None
    tls: bool = True


class OneC(Strict):
    url: str = Field(pattern=r"^https?://\S+$", description="the 1С HTTP service's base URL")
    user: str = Field(min_length=1)
    password: SecretRef


class Sso(Strict):
    protocol: Literal["oidc", "saml"]
    issuer: str = Field(pattern=r"^https://\S+$", description="OIDC issuer or SAML IdP metadata URL")
    client_id: str = Field(min_length=1)
    client_secret: SecretRef | None = Field(None, description="oidc: required")

    @model_validator(mode="after")
    def _oidc_secret(self) -> Sso:
        if self.protocol == "oidc" and self.client_secret is None:
            raise PydanticCustomError("sso_oidc_secret", "oidc needs client_secret")
        return self


class Smtp(Strict):
    host: str = Field(min_length=1)
    port: Port = 587
    user: str | None = None
    password: SecretRef | None = None
    sender: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", description="the From address")
    starttls: bool = True


class Integrations(Strict):
    onec: OneC | None = Field(None, description="1С")
    sso: Sso | None = None
    smtp: Smtp | None = None


LimitName = Literal["users", "departments", "integrations", "api_rate"]
# The license portal's versions (`version_min`, `version_max` of a license): MAJOR.MINOR[.PATCH], no `v`.
LicenseVersion = Annotated[str, StringConstraints(pattern=r"^\d+\.\d+(\.\d+)?$")]


def version_numbers(version: str) -> tuple[int, ...]:
    """v4.10.2-beta.1 → (4, 10, 2): for ordering and ranges (pre-releases rank with their release)."""
    return tuple(int(part) for part in re.findall(r"\d+", version.split("-", 1)[0].split("+", 1)[0]))


class VersionRange(Strict):
    """The product versions the license admits (its signed `product_version_range`). A bound is as precise
    as it is written: max 4.2 admits every 4.2.x, min 4.0 admits 4.0.0 and later."""

    min: LicenseVersion
    max: LicenseVersion | None = None

    @model_validator(mode="after")
    def _ordered(self) -> VersionRange:
        high = version_numbers(self.max) if self.max is not None else None
        if high is not None and high < version_numbers(self.min)[:len(high)]:
            raise PydanticCustomError("version_range_invalid", "max must not be below min")
        return self

    def admits(self, version: str) -> bool:
        numbers = version_numbers(version)
        low = version_numbers(self.min)
        if numbers[:len(low)] < low:
            return False
        high = version_numbers(self.max) if self.max is not None else None
        return high is None or numbers[:len(high)] <= high

    def __str__(self) -> str:
        return f"{self.min}–{self.max or '…'}"


class Client(Strict):
    """One client installation: where it runs, what it connects to, what it is licensed for."""

    client: Slug = Field(description="the file's name without .yaml")
    name: str = Field(min_length=1, description="the organization, as people know it")
    environment: Slug = Field(description="a file environments/<environment>.yaml")
    license_id: str = Field(pattern=r"^lic_[0-9A-HJKMNP-TV-Z]{26}$", description="the license in the portal")
    license_versions: VersionRange | None = Field(
        None, description="the license's version range: deploy and rollback stay inside it")
    version: Version = Field(description="the product version this installation runs, e.g. v4.2.0")
    domain: Hostname
    runtime: Literal["compose", "helm"] = "compose"
    server: Server | None = Field(None, description="runtime compose: the server")
    kubernetes: Kubernetes | None = Field(None, description="runtime helm: the cluster")
    ports: Ports = Ports()
    tls: Tls
    database: Database
    cache: Cache
    modules: list[ModuleCode] = Field(min_length=1, description="modules switched on; a subset of the license's")
    limits: dict[LimitName, Annotated[int, Field(ge=0)]] = Field(
        default_factory=dict, description="the license's limits this installation enforces, e.g. users: 200")
    integrations: Integrations = Integrations()

    @field_validator("modules")
    @classmethod
    def _no_repeats(cls, modules: list[str]) -> list[str]:
        if len(set(modules)) != len(modules):
            raise PydanticCustomError("modules_repeated", "a module is listed twice")
        return modules

    @model_validator(mode="after")
    def _target_of_its_runtime(self) -> Client:
        if self.runtime == "compose" and self.server is None:
            raise PydanticCustomError("runtime_needs_server", "runtime compose needs server")
        if self.runtime == "helm" and self.kubernetes is None:
            raise PydanticCustomError("runtime_needs_kubernetes", "runtime helm needs kubernetes")
        return self

    def secret_refs(self) -> list[tuple[str, SecretReference]]:
        """Every secret reference with the field path that holds it."""
        found: list[tuple[str, SecretReference]] = []

        def walk(value: object, path: str) -> None:
            if isinstance(value, SecretReference):
                found.append((path, value))
            elif isinstance(value, BaseModel):
                for name in type(value).model_fields:
                    walk(getattr(value, name), f"{path}.{name}" if path else name)

        walk(self, "")
        return found
