"""A `deployments` repository read and checked as a whole: every file against its model, then what
spans files — a client's environment and secrets exist, domains and published ports are not shared,
modules and the version are ones the product has."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from budgetctl.bundle import Bundle
from budgetctl.models import Client, Environment, SecretsFile
from budgetctl.yamldoc import Document, Problem, YamlError, dotted, load

PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")


@dataclass
class Deployments:
    root: Path
    clients: dict[str, Client] = field(default_factory=dict)
    environments: dict[str, Environment] = field(default_factory=dict)
    secrets: dict[str, SecretsFile] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)  # by file, relative to root
    client_names: set[str] = field(default_factory=set)  # every clients/*.yaml, parsed or not
    failed: set[str] = field(default_factory=set)  # files with problems of their own: not reported as missing
    problems: list[Problem] = field(default_factory=list)

    def client_file(self, name: str) -> str:
        return f"clients/{name}.yaml"

    def problems_of(self, client: str) -> list[Problem]:
        """What stops this client: its own file, its environment's, its secrets'."""
        files = {self.client_file(client), f"secrets/{client}.yaml"}
        if parsed := self.clients.get(client):
            files |= {f"environments/{parsed.environment}.yaml"} | {
                f"secrets/{ref.file}.yaml" for _, ref in parsed.secret_refs()}
            environment = self.environments.get(parsed.environment)
            if environment and environment.registry_token:
                files.add(f"secrets/{environment.registry_token.file}.yaml")
        return [problem for problem in self.problems if problem.file in files]


def _yaml_files(repo: Deployments, folder: str) -> Iterator[Path]:
    for path in sorted((repo.root / folder).glob("*.yml")):
        repo.problems.append(Problem(f"{folder}/{path.name}", None, "", "wrong_extension"))
    yield from sorted(path for path in (repo.root / folder).glob("*.yaml") if path.is_file())


def _field_errors(exc: ValidationError, document: Document) -> list[Problem]:
    problems = []
    for error in exc.errors(include_url=False, include_input=False):
        loc = tuple(part for part in error["loc"] if part != "[key]")  # a dict's bad key: name the key itself
        named = [part for part in loc if isinstance(part, str)]
        path = dotted(loc)
        params: dict[str, Any] = {"fallback": error["msg"], "field": named[-1] if named else ""}
        for key, value in (error.get("ctx") or {}).items():
            params[key] = value
        problems.append(Problem(document.file, document.line(loc), path, error["type"], params))
    return problems


def _private_keys(node: Any, document: Document, loc: tuple[str | int, ...] = ()) -> Iterator[Problem]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _private_keys(value, document, (*loc, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _private_keys(value, document, (*loc, index))
    elif isinstance(node, str) and PRIVATE_KEY.search(node):
        yield Problem(document.file, document.line(loc), dotted(loc), "private_key_in_plain")


def _read[Model: BaseModel](repo: Deployments, path: Path, model: type[Model], named_field: str | None) -> Model | None:
    relative = path.relative_to(repo.root).as_posix()
    parsed = _parse(repo, path, relative, model, named_field)
    if parsed is None:
        repo.failed.add(relative)
    return parsed


def _parse[Model: BaseModel](repo: Deployments, path: Path, relative: str, model: type[Model],
                             named_field: str | None) -> Model | None:
    try:
        document, repeated = load(path, relative)
    except YamlError as exc:
        repo.problems.append(exc.problem)
        return None
    repo.documents[relative] = document
    repo.problems.extend(repeated)
    if document.data is None:
        repo.problems.append(Problem(relative, None, "", "empty_file"))
        return None
    if not isinstance(document.data, dict):
        repo.problems.append(Problem(relative, document.line(()), "", "not_a_mapping"))
        return None
    leaks = list(_private_keys(document.data, document))
    repo.problems.extend(leaks)
    try:
        parsed = model.model_validate(document.data)
    except ValidationError as exc:
        repo.problems.extend(_field_errors(exc, document))
        return None
    if named_field and document.data.get(named_field) != path.stem:
        repo.problems.append(Problem(relative, document.line((named_field,)), named_field, "file_name_mismatch",
                                     {"expected": path.stem}))
        return None
    return None if leaks else parsed


def load_repository(root: Path, bundle: Bundle) -> Deployments:
    """Read every file of the repository at `root` and check it; `problems` lists all that is wrong."""
    repo = Deployments(root)
    for path in _yaml_files(repo, "environments"):
        if (environment := _read(repo, path, Environment, "name")) is not None:
            repo.environments[environment.name] = environment
    for path in _yaml_files(repo, "secrets"):
        if (secrets := _read(repo, path, SecretsFile, None)) is not None:
            repo.secrets[path.stem] = secrets
    client_paths = list(_yaml_files(repo, "clients"))
    repo.client_names = {path.stem for path in client_paths}
    if not client_paths:
        repo.problems.append(Problem("clients/", None, "", "no_clients"))
    for path in client_paths:
        if (client := _read(repo, path, Client, "client")) is not None:
            repo.clients[client.client] = client
    for environment in repo.environments.values():
        if environment.registry_token:
            _check_secret(repo, f"environments/{environment.name}.yaml", ("registry_token",),
                          environment.registry_token.secret, owner=None)
    _check_clients(repo, bundle)
    repo.problems.sort(key=lambda problem: (problem.file, problem.line or 0))
    return repo


def _check_secret(repo: Deployments, file: str, loc: tuple[str, ...], ref: str, owner: str | None) -> None:
    document = repo.documents[file]
    path = ".".join(loc)
    secret_file, name = ref.split("/", 1)
    if secret_file in repo.client_names and secret_file != owner:
        repo.problems.append(Problem(file, document.line((*loc, "secret")), path, "secret_of_other_client",
                                     {"ref": ref, "owner": secret_file}))
    elif f"secrets/{secret_file}.yaml" in repo.failed:
        return  # that file's own problems are reported
    elif secret_file not in repo.secrets or name not in repo.secrets[secret_file].root:
        repo.problems.append(Problem(file, document.line((*loc, "secret")), path, "secret_missing",
                                     {"ref": ref, "file": secret_file, "name": name}))


def _client_problem(repo: Deployments, client: str, loc: tuple[str | int, ...], code: str, **params: Any) -> None:
    document = repo.documents[repo.client_file(client)]
    repo.problems.append(Problem(document.file, document.line(loc), dotted(loc), code, params))


def _check_clients(repo: Deployments, bundle: Bundle) -> None:
    product = bundle.product
    taken: dict[tuple[str, ...], tuple[str, tuple[str, ...]]] = {}  # a domain or (ip, port) → its first client

    def claim(key: tuple[str, ...], client: str, loc: tuple[str, ...], code: str, **params: Any) -> None:
        first, first_loc = taken.setdefault(key, (client, loc))
        if first != client:  # both files are told, so `validate --client` shows it for either
            _client_problem(repo, client, loc, code, other=first, **params)
            _client_problem(repo, first, first_loc, code, other=client, **params)

    for name, client in sorted(repo.clients.items()):
        environment = repo.environments.get(client.environment)
        if environment is None and f"environments/{client.environment}.yaml" not in repo.failed:
            _client_problem(repo, name, ("environment",), "environment_missing", environment=client.environment)
        release = bundle.releases.get(client.version)
        if release is None:
            _client_problem(repo, name, ("version",), "release_unknown", version=client.version,
                            known=", ".join(sorted(bundle.releases)) or "—")
        elif environment is not None and not environment.accepts(release.channel):
            _client_problem(repo, name, ("version",), "release_channel", version=client.version,
                            channel=release.channel, environment=environment.name, allowed=environment.channel)
        elif client.license_versions is not None and not client.license_versions.admits(client.version):
            _client_problem(repo, name, ("version",), "version_unlicensed", version=client.version,
                            range=str(client.license_versions))
        for index, module in enumerate(client.modules):
            if module not in product.modules:
                _client_problem(repo, name, ("modules", index), "module_unknown", module=module,
                                known=", ".join(product.modules))
        for integration, module in product.integration_modules.items():
            if getattr(client.integrations, integration, None) is not None and module not in client.modules:
                _client_problem(repo, name, ("integrations", integration), "integration_needs_module",
                                integration=integration, module=module)
        for path, ref in client.secret_refs():
            _check_secret(repo, repo.client_file(name), tuple(path.split(".")), ref.secret, owner=name)
        claim(("domain", client.domain), name, ("domain",), "domain_taken", domain=client.domain)
        if client.server is not None:
            ip = str(client.server.ip)
            for kind in ("http", "https"):
                port = getattr(client.ports, kind)
                claim(("port", ip, str(port)), name, ("ports", kind), "port_taken", ip=ip, port=port)
