"""The deployments repository model: the example is valid, and each kind of mistake is named by file,
line and field, without echoing a secret."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from budgetctl.bundle import Bundle
from budgetctl.repository import load_repository

from tests.unit.budgetctl.conftest import BROKEN, BUNDLE, EXAMPLE, edit

BUNDLE_LOADED = Bundle.load(BUNDLE)


def problems(root: Path, language: str = "ru") -> list[str]:
    return [p.as_text(language) for p in load_repository(root, BUNDLE_LOADED).problems]


def test_the_example_repository_is_valid() -> None:
    repo = load_repository(EXAMPLE, BUNDLE_LOADED)
    assert repo.problems == []
    assert sorted(repo.clients) == ["acme", "beta"]
    assert sorted(repo.environments) == ["demo", "production"]
    assert repo.clients["acme"].database.password.secret == "acme/db_password"


def test_the_broken_example_names_each_field() -> None:
    assert problems(BROKEN) == [
        "clients/delta.yaml:3: environment: нет окружения staging: ожидается файл environments/staging.yaml",
        "clients/delta.yaml:11: server.ssh.private_key: нет секрета delta/ssh_key: ожидается запись ssh_key в "
        "secrets/delta.yaml",
        "clients/delta.yaml:18: database.password: нет секрета delta/db_password: ожидается запись db_password в "
        "secrets/delta.yaml",
        "clients/delta.yaml:20: modules[1]: неизвестный модуль crm; модули продукта: core, ai_forecast, "
        "multi_department, integrations, audit_pack",
        "clients/gamma.yaml:5: version: неверный формат: версия вида v1.4.0 (semver)",
        "clients/gamma.yaml:18: database.password: секрет задаётся ссылкой {secret: <файл>/<имя>} на запись в "
        "secrets/, а не значением",
    ]
    assert "hunter2" not in "\n".join(problems(BROKEN) + problems(BROKEN, "en"))


def test_english_messages() -> None:
    assert "clients/gamma.yaml:5: version: the format is not valid: a version like v1.4.0 (semver)" in problems(
        BROKEN, "en")


def at(root: Path, expected: str) -> str:
    """`file:⟨text⟩: …` → `file:<the line where text first appears>: …`: the line a problem must name."""
    match = re.search(r"^([^:]+):⟨(.+?)⟩", expected)
    if not match:
        return expected
    lines = (root / match.group(1)).read_text(encoding="utf-8").splitlines()
    line = next(number for number, text in enumerate(lines, 1) if match.group(2) in text)
    return f"{match.group(1)}:{line}{expected[match.end():]}"


@pytest.mark.parametrize("file, change, expected", [
    ("clients/acme.yaml", lambda d: d.update(databse=d.pop("database")),
     ["clients/acme.yaml:⟨client: acme⟩: database: обязательное поле",
      "clients/acme.yaml:⟨databse:⟩: databse: неизвестное поле (опечатка?)"]),
    ("clients/acme.yaml", lambda d: d["database"].update(port=70000),
     ["clients/acme.yaml:⟨port: 70000⟩: database.port: не больше 65535"]),
    ("clients/acme.yaml", lambda d: d.update(client="acme2"),
     ["clients/acme.yaml:⟨client: acme2⟩: client: должно совпадать с именем файла: acme"]),
    ("clients/acme.yaml", lambda d: d.update(runtime="helm"),
     ["clients/acme.yaml:⟨client: acme⟩: для runtime: helm нужен раздел kubernetes"]),
    ("clients/acme.yaml", lambda d: d["tls"].pop("email"),
     ["clients/acme.yaml:⟨tls:⟩: tls: для mode: acme нужен email"]),
    ("clients/acme.yaml", lambda d: d["server"].update(ip="203.0.113.300"),
     ["clients/acme.yaml:⟨ip: 203.0.113.300⟩: server.ip: ожидается IPv4- или IPv6-адрес"]),
    ("clients/acme.yaml", lambda d: d["limits"].update(seats=5),
     ["clients/acme.yaml:⟨seats: 5⟩: limits.seats: допустимые значения: 'users', 'departments', 'integrations' "
      "or 'api_rate'"]),
    ("clients/acme.yaml", lambda d: d.update(version="v9.9.9"),
     ["clients/acme.yaml:⟨version: v9.9.9⟩: version: нет релиза v9.9.9; известные релизы: v4.1.3, v4.2.0, "
      "v4.3.0-beta.1"]),
    ("clients/acme.yaml", lambda d: d.update(version="v4.3.0-beta.1"),
     ["clients/acme.yaml:⟨version: v4.3.0-beta.1⟩: version: релиз v4.3.0-beta.1 из канала beta, а окружение "
      "production принимает только stable"]),
    ("clients/acme.yaml", lambda d: d.update(version="v4.1.3", license_versions={"min": "4.2"}),
     ["clients/acme.yaml:⟨version: v4.1.3⟩: version: версия v4.1.3 вне лицензированного диапазона 4.2–…"]),
    ("clients/acme.yaml", lambda d: d.update(license_versions={"min": "4.2", "max": "4.1.9"}),
     ["clients/acme.yaml:⟨license_versions:⟩: license_versions: max не может быть меньше min"]),
    ("clients/acme.yaml", lambda d: d.update(modules=["core"]),
     ["clients/acme.yaml:⟨onec:⟩: integrations.onec: интеграция onec работает только с модулем integrations в "
      "modules"]),
    ("clients/acme.yaml", lambda d: d["database"].update(password={"secret": "beta/db_password"}),
     ["clients/acme.yaml:⟨secret: beta/db_password⟩: database.password: секрет beta/db_password принадлежит "
      "клиенту beta"]),
    ("clients/beta.yaml", lambda d: d.update(domain="budget.acme.ru"),
     ["clients/acme.yaml:⟨domain:⟩: domain: домен budget.acme.ru уже занят клиентом beta",
      "clients/beta.yaml:⟨domain:⟩: domain: домен budget.acme.ru уже занят клиентом acme"]),
    ("secrets/acme.yaml", lambda d: d.update(db_password="s3cr3t-value"),
     ["secrets/acme.yaml:⟨db_password:⟩: db_password: секрет хранится в Secrets Manager (secretsmanager: <ARN>) "
      "или зашифрованным KMS (kms: …), но не значением в репозитории"]),
    ("secrets/acme.yaml", lambda d: d["ssh_key"]["kms"].update(ciphertext="not base64!"),
     ["secrets/acme.yaml:⟨ciphertext:⟩: ssh_key.kms.ciphertext: шифртекст не в base64"]),
    ("secrets/acme.yaml", lambda d: d["redis_password"].update(kms=d["ssh_key"]["kms"]),
     ["secrets/acme.yaml:⟨redis_password:⟩: redis_password: укажите ровно одно: secretsmanager или kms"]),
    ("environments/production.yaml", lambda d: d["replicas"].update(scheduler=2),
     ["environments/production.yaml:⟨scheduler: 2⟩: replicas.scheduler: допустимые значения: 1"]),
])
def test_mistakes_are_named(repo: Path, file: str, change: Callable[[dict[str, Any]], None],
                            expected: list[str]) -> None:
    edit(repo, file, change)
    assert sorted(problems(repo)) == sorted(at(repo, line) for line in expected)


def test_a_private_key_pasted_anywhere_is_refused(repo: Path) -> None:
    edit(repo, "clients/acme.yaml", lambda d: d.update(name="-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n"))
    found = problems(repo)
    assert found == [at(repo, "clients/acme.yaml:⟨name:⟩: name: похоже на закрытый ключ в открытом виде: храните "
                        "его в secrets/ ссылкой")]
    assert "b3Bl" not in found[0]


def test_two_clients_on_one_server_need_their_own_ports(repo: Path) -> None:
    edit(repo, "clients/beta.yaml", lambda d: d.update(
        runtime="compose", server={"ip": "203.0.113.10", "ssh": {
            "user": "deploy", "private_key": {"secret": "beta/kubeconfig"}, "host_key": "ssh-ed25519 AAAA"}},
        ports={"http": 8080, "https": 443}))
    assert sorted(problems(repo)) == [
        at(repo, "clients/acme.yaml:⟨https: 443⟩: ports.https: порт 443 на сервере 203.0.113.10 уже занят "
                 "клиентом beta"),
        at(repo, "clients/beta.yaml:⟨https: 443⟩: ports.https: порт 443 на сервере 203.0.113.10 уже занят "
                 "клиентом acme"),
    ]


def test_yaml_itself(repo: Path) -> None:
    (repo / "environments/demo.yaml").write_text("name: demo\nchannel: [beta\n", encoding="utf-8")
    (repo / "environments/empty.yaml").write_text("# nothing yet\n", encoding="utf-8")
    (repo / "secrets/shared.yaml").write_text("registry_token:\n  secretsmanager: a\nregistry_token: {}\n")
    found = problems(repo)
    assert any(p.startswith("environments/demo.yaml:3: не разбирается как YAML") for p in found), found
    assert "environments/empty.yaml: файл пуст" in found
    assert "secrets/shared.yaml:3: registry_token: поле повторяется: YAML оставил бы только последнее" in found
    # a file with its own problems is not reported again as missing by what uses it
    assert not any("нет окружения demo" in p for p in found)
