"""`budgetctl`: deploys of IT Budget Manager to clients' servers from the `deployments` repository.

Exit codes (the same for every command; later commands keep them):
  0  done; the configuration is valid
  1  the configuration is invalid, or names a client or release that does not exist
  2  wrong usage: an unknown option, a missing argument, a path or bundle that is not there or broken
  3  the server is not ready (prepare), the installation is not healthy (status)
  4  the deploy failed; the server runs what it ran before (rolled back, or nothing was changed)
  5  the rollback failed or was refused (deploy, rollback): see the message
  6  the server cannot be reached (network, timeout); for agent, modules sync, support-bundle: the portal
  7  the server refused the SSH key
  8  the server's host key is not the one pinned in the config
  9  the license is refused (modules sync): a bad signature, another client's, revoked, expired; nothing written
  130 interrupted (Ctrl-C)

prepare, deploy, status, rollback and modules sync report each run to the portal (budgetctl.report) when
--portal and an integration key are given; a report that cannot be sent never changes the exit code.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO, cast

from budgetctl import deploy as deploys
from budgetctl import modules, report, schema, ssh, support
from budgetctl.bundle import RUNTIMES, Bundle, BundleError, render, secret_files
from budgetctl.installation import Installation
from budgetctl.local import LocalHost
from budgetctl.messages import LANGUAGES, language_of, message
from budgetctl.models import VERSION_PATTERN, Client, Environment
from budgetctl.prepare import check_server, shown
from budgetctl.repository import Deployments, load_repository
from budgetctl.runner import DeployRunner
from budgetctl.secrets import AwsSecrets, FileSecrets, SecretError, SecretResolver
from budgetctl.yamldoc import Problem

OK, INVALID, USAGE, NOT_READY, UNREACHABLE, INTERRUPTED = 0, 1, 2, 3, 6, 130


class UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="budgetctl",
        description="Установка и обновление IT Budget Manager у клиентов по репозиторию deployments.",
        epilog="Коды выхода: 0 — готово; 1 — конфигурация неверна; 2 — неверный вызов; 3 — сервер не готов; "
               "4 — деплой не удался, работает прежняя версия; 5 — откат не удался; 6 — сервер недоступен; "
               "7 — сервер не принял ключ SSH; 8 — ключ сервера не совпадает; 9 — лицензия отклонена. "
               "Подробнее: docs/design/deploys.md.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, metavar="КОМАНДА")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=LANGUAGES, default=os.environ.get("BUDGETCTL_LANG", "ru"),
                        help="язык сообщений (по умолчанию ru; переменная BUDGETCTL_LANG)")

    def repo_options(command: argparse.ArgumentParser) -> None:
        command.add_argument("--repo", type=Path, default=Path("."),
                             help="корень репозитория deployments (по умолчанию текущий каталог)")
        command.add_argument("--bundle", type=Path, default=os.environ.get("BUDGETCTL_BUNDLE"),
                             help="каталог deploy/ продукта: product.yaml, releases/, шаблоны "
                                  "(переменная BUDGETCTL_BUNDLE)")

    validate = commands.add_parser(
        "validate", parents=[common], help="проверить репозиторий deployments, ничего не меняя (dry run, для CI)",
        description="Проверяет каждый файл clients/, environments/, secrets/ по схеме и связи между ними: "
                    "окружение и секреты существуют, домены и порты не повторяются, версия — релиз "
                    "продукта, модули известны. Печатает каждую ошибку: файл:строка: поле: что не так.")
    repo_options(validate)
    validate.add_argument("--client", help="проверить только этого клиента (clients/<client>.yaml и что он использует)")
    validate.add_argument("--format", choices=("text", "json", "github"), default="text",
                          help="text — для людей; json — для программ; github — аннотации GitHub Actions")
    validate.set_defaults(run=_validate)

    render_command = commands.add_parser(
        "render", parents=[common], help="собрать пакет Compose или Helm для клиента и версии",
        description="Заполняет шаблоны Compose или Helm из конфигурации клиента и релиза. Секреты остаются "
                    "ссылками (secrets.yaml); их значения подставит deploy на сервере.")
    repo_options(render_command)
    render_command.add_argument("--client", required=True, help="клиент: clients/<client>.yaml")
    render_command.add_argument("--version", required=True, help="релиз продукта, например v4.2.0")
    render_command.add_argument("--out", required=True, type=Path, help="куда записать пакет")
    render_command.add_argument("--runtime", choices=RUNTIMES,
                                help="compose или helm (по умолчанию — runtime клиента)")
    render_command.set_defaults(run=_render)

    def report_options(command: argparse.ArgumentParser, portal: bool = True) -> None:
        """Where the run's report goes (an integration key of the portal's console, «Интеграции»)."""
        if portal:
            command.add_argument("--portal", default=os.environ.get("TESSERA_PORTAL"),
                                 help="адрес портала, куда записать запуск, https://… (переменная TESSERA_PORTAL)")
        command.add_argument("--report-key-id", default=os.environ.get("BUDGETCTL_REPORT_KEY_ID"),
                             help="ключ интеграции портала для отчёта о запуске (переменная BUDGETCTL_REPORT_KEY_ID)")
        secret = command.add_mutually_exclusive_group()
        secret.add_argument("--report-secret", default=os.environ.get("BUDGETCTL_REPORT_SECRET"),
                            help="секрет ключа интеграции (переменная BUDGETCTL_REPORT_SECRET)")
        secret.add_argument("--report-secret-ref", default=os.environ.get("BUDGETCTL_REPORT_SECRET_REF"),
                            help="секрет ключа из секретов репозитория: <файл>/<имя> в secrets/ (AWS или "
                                 "--secrets-dir; переменная BUDGETCTL_REPORT_SECRET_REF)")

    def server_options(command: argparse.ArgumentParser) -> None:
        repo_options(command)
        report_options(command)
        command.add_argument("--client", required=True, help="клиент: clients/<client>.yaml")
        command.add_argument("--secrets-dir", type=Path, default=os.environ.get("BUDGETCTL_SECRETS_DIR"),
                             help="читать секреты из файлов <каталог>/<файл>/<имя>, а не из AWS (тесты, демо; "
                                  "переменная BUDGETCTL_SECRETS_DIR)")
        command.add_argument("--connect-timeout", type=float, default=ssh.CONNECT_TIMEOUT_SECONDS,
                             help="сколько секунд ждать сервер SSH (по умолчанию %(default)g)")

    prepare_command = commands.add_parser(
        "prepare", parents=[common], help="проверить сервер клиента перед установкой (по SSH, ничего не меняя)",
        description="Проверяет по SSH версии Docker и Compose, свободные порты, CPU, ОЗУ и диск по минимумам "
                    "deploy/product.yaml. Печатает таблицу ok / warn / fail; код 3, если что-то не так.")
    server_options(prepare_command)
    prepare_command.add_argument("--format", choices=("text", "json"), default="text")
    prepare_command.set_defaults(run=_prepare)

    def health_option(command: argparse.ArgumentParser) -> None:
        command.add_argument("--health-timeout", type=float,
                             help="сколько секунд ждать здоровья новой версии (по умолчанию — "
                                  "deploy.health_timeout_seconds окружения)")

    deploy_command = commands.add_parser(
        "deploy", parents=[common], help="установить или обновить версию у клиента, с автоматическим откатом",
        description="Проверяет конфигурацию (как validate), собирает пакет, загружает его в "
                    "<install_dir>/releases/<версия>/, делает резервную копию текущего релиза и базы, скачивает "
                    "образы, выполняет миграции, переключает current, запускает и проверяет здоровье. При ошибке "
                    "после переключения сам откатывается на прежнюю версию (код 4); если и откат не удался — код 5.")
    server_options(deploy_command)
    deploy_command.add_argument("--version", required=True, help="релиз продукта, например v4.2.0")
    health_option(deploy_command)
    deploy_command.set_defaults(run=_deploy)

    rollback_command = commands.add_parser(
        "rollback", parents=[common], help="вернуть клиента на релиз, который уже есть на сервере",
        description="Переключает current на релиз из <install_dir>/releases/ (в пределах лицензированных версий, "
                    "если конфигурация их называет), запускает и проверяет здоровье; печатает, сколько это заняло.")
    server_options(rollback_command)
    rollback_command.add_argument("--to", required=True, help="релиз на сервере, например v4.1.3")
    health_option(rollback_command)
    rollback_command.set_defaults(run=_rollback)

    status_command = commands.add_parser(
        "status", parents=[common], help="версия, здоровье, контейнеры и журналы установки клиента",
        description="Печатает текущую версию, проверки здоровья, контейнеры, последние деплои и строки журналов. "
                    "Код 3, если установка не здорова или не установлена.")
    server_options(status_command)
    status_command.add_argument("--log-lines", type=int, default=20, help="строк журнала на сервис (%(default)s)")
    status_command.set_defaults(run=_status)

    def local_options(command: argparse.ArgumentParser) -> None:
        """The installation's own host: its agent's state (activation) and the portal it talks to."""
        repo_options(command)
        command.add_argument("--client", required=True, help="эта установка: clients/<client>.yaml")
        command.add_argument("--secrets-dir", type=Path, default=os.environ.get("BUDGETCTL_SECRETS_DIR"),
                             help="секреты из файлов <каталог>/<файл>/<имя>, а не из AWS (BUDGETCTL_SECRETS_DIR)")
        command.add_argument("--portal", default=os.environ.get("TESSERA_PORTAL"),
                             help="адрес портала лицензий, https://… (переменная TESSERA_PORTAL)")
        command.add_argument("--state", type=Path, default=os.environ.get("TESSERA_AGENT_STATE"),
                             help="файл состояния агента после активации: ключ и сертификат установки "
                                  "(переменная TESSERA_AGENT_STATE)")

    agent_command = commands.add_parser(
        "agent", parents=[common], help="агент портала на сервере установки: выполнять команды деплоя",
        description="Опрашивает /api/agent/commands портала (запросы подписаны ключом установки) и выполняет "
                    "команды preflight, backup, deploy, rollback на этом сервере (не по SSH), как prepare, "
                    "deploy и rollback; отчёт — вывод команды и версия, которая работает после неё.")
    agent_actions = agent_command.add_subparsers(dest="agent_action", required=True, metavar="ДЕЙСТВИЕ")
    agent_run = agent_actions.add_parser(
        "run", parents=[common], help="выполнить команды портала: одну (--once) или в цикле (--forever)",
        description="--once: одна команда, если она есть (код 0; 4 — команда не удалась; 6 — портал "
                    "недоступен). --forever: опрос каждые --interval секунд, пока не прервут (Ctrl-C, код 130).")
    local_options(agent_run)
    once = agent_run.add_mutually_exclusive_group(required=True)
    once.add_argument("--once", action="store_true", help="одна команда и выход")
    once.add_argument("--forever", action="store_true", help="опрашивать, пока не прервут")
    agent_run.add_argument("--interval", type=float, default=15.0, help="секунд между опросами (%(default)g)")
    health_option(agent_run)
    agent_run.set_defaults(run=_agent_run)

    modules_command = commands.add_parser(
        "modules", parents=[common], help="модули и лимиты установки из подписанной лицензии")
    modules_actions = modules_command.add_subparsers(dest="modules_action", required=True, metavar="ДЕЙСТВИЕ")
    modules_sync = modules_actions.add_parser(
        "sync", parents=[common], help="взять лицензию из портала, проверить подпись, записать модули и лимиты",
        description="Берёт текущую лицензию установки из портала, проверяет её подпись ключами вендора, "
                    "лицензию клиента, домен и сроки; записывает модули и лимиты в license.env работающего "
                    "релиза, перезапускает изменившиеся сервисы и сообщает порталу новые модули (heartbeat). "
                    "Подделанная или чужая лицензия — код 9, ничего не записано.")
    local_options(modules_sync)
    report_options(modules_sync, portal=False)
    modules_sync.add_argument("--license-key", default=os.environ.get("TESSERA_LICENSE_KEY"),
                              help="ключ лицензии (переменная TESSERA_LICENSE_KEY)")
    modules_sync.add_argument("--trusted-keys", type=Path, default=os.environ.get("TESSERA_TRUSTED_KEYS"),
                              help="JWKS с открытыми ключами вендора, которыми подписаны лицензии "
                                   "(переменная TESSERA_TRUSTED_KEYS)")
    modules_sync.add_argument("--no-apply", action="store_true",
                              help="только записать license.env, не перезапускать сервисы")
    modules_sync.set_defaults(run=_modules_sync)

    bundle_command = commands.add_parser(
        "support-bundle", parents=[common], help="собрать архив диагностики (секреты скрыты) и загрузить в портал",
        description="Собирает на этом сервере версии, диск, состояние контейнеров, журналы, историю деплоев и "
                    "конфигурацию работающего релиза в tar.gz; пароли, токены, ключи и учётные данные в DSN "
                    "заменяются на ***. --out — сохранить; --upload — загрузить в портал (presigned URL).")
    local_options(bundle_command)
    bundle_command.add_argument("--out", type=Path, help="куда записать архив")
    bundle_command.add_argument("--upload", action="store_true", help="загрузить архив в портал")
    bundle_command.add_argument("--note", help="зачем собран (номер обращения, симптом)")
    bundle_command.add_argument("--log-lines", type=int, default=500, help="строк журнала на сервис (%(default)s)")
    bundle_command.set_defaults(run=_support_bundle)

    report_command = commands.add_parser(
        "report", parents=[common], help="отправить в портал отчёты о запусках, которые не удалось отправить",
        description="Отчёты о запусках prepare, deploy, status, rollback и modules sync, которые портал не "
                    "принял (сеть, ключ), лежат в каталоге BUDGETCTL_SPOOL (по умолчанию "
                    "~/.local/state/budgetctl/reports) и отправляются перед следующим отчётом; --resend "
                    "отправляет их сейчас. Код 6, если что-то осталось неотправленным.")
    report_command.add_argument("--resend", action="store_true", required=True,
                                help="отправить сохранённые отчёты")
    report_options(report_command)
    report_command.set_defaults(run=_resend)

    schema_command = commands.add_parser(
        "schema", parents=[common], help="записать JSON Schema файлов репозитория deployments",
        description="JSON Schema для clients/*.yaml, environments/*.yaml, secrets/*.yaml — для редактора "
                    "(yaml-language-server) и сторонних проверок.")
    schema_command.add_argument("--out", required=True, type=Path, help="каталог для *.schema.json")
    schema_command.set_defaults(run=_schema)
    return parser


def _bundle(args: argparse.Namespace) -> Bundle:
    if args.bundle is None:
        raise UsageError("--bundle: укажите каталог deploy/ продукта (или переменную BUDGETCTL_BUNDLE)")
    if not (Path(args.bundle) / "product.yaml").is_file():
        raise UsageError(f"--bundle: в {args.bundle} нет product.yaml")
    return Bundle.load(Path(args.bundle))


def _repository(args: argparse.Namespace, bundle: Bundle) -> Deployments:
    if not Path(args.repo).is_dir():
        raise UsageError(f"--repo: нет каталога {args.repo}")
    return load_repository(Path(args.repo), bundle)


def _report(problems: list[Problem], language: str, output_format: str, out: TextIO) -> None:
    if output_format == "json":
        json.dump([{"file": p.file, "line": p.line, "path": p.path, "code": p.code, "message": p.message(language)}
                   for p in problems], out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    for problem in problems:
        if output_format == "github":
            # Workflow commands: each problem shows on its line in the pull request.
            line = f",line={problem.line}" if problem.line else ""
            text = f"{problem.path}: {problem.message(language)}" if problem.path else problem.message(language)
            out.write(f"::error file={problem.file}{line}::{text.replace('%', '%25').replace(chr(10), '%0A')}\n")
        else:
            out.write(problem.as_text(language) + "\n")


def _selected_problems(repo: Deployments, client: str | None) -> list[Problem]:
    if client is None:
        return repo.problems
    if client not in repo.client_names:
        return [Problem(f"clients/{client}.yaml", None, "", "client_unknown", {"client": client})]
    return repo.problems_of(client)


def _validate(args: argparse.Namespace, out: TextIO) -> int:
    bundle = _bundle(args)
    repo = _repository(args, bundle)
    problems = _selected_problems(repo, args.client)
    _report(problems, args.lang, args.format, out)
    if args.format == "text":
        checked = [args.client] if args.client else sorted(repo.client_names)
        summary = message("summary_invalid" if problems else "summary_valid", args.lang,
                          {"count": len(problems), "clients": ", ".join(checked)})
        out.write(summary + "\n")
    return INVALID if problems else OK


def _release_problems(bundle: Bundle, environment: Environment | None, version: str) -> list[Problem]:
    """`--version` names a release of the bundle on a channel the environment takes."""
    release = bundle.releases.get(version)
    if release is None:
        return [Problem("--version", None, "", "release_unknown",
                        {"version": version, "known": ", ".join(sorted(bundle.releases))})]
    if environment is not None and not environment.accepts(release.channel):
        return [Problem("--version", None, "", "release_channel", {
            "version": version, "channel": release.channel, "environment": environment.name,
            "allowed": environment.channel})]
    return []


def _render(args: argparse.Namespace, out: TextIO) -> int:
    _checked_version(args.version, "--version", args.lang)
    bundle = _bundle(args)
    repo = _repository(args, bundle)
    problems = _selected_problems(repo, args.client)
    environment = repo.environments.get(repo.clients[args.client].environment) if not problems else None
    problems += _release_problems(bundle, environment, args.version)
    if problems:
        _report(problems, args.lang, "text", out)
        return INVALID
    assert environment is not None
    written = render(bundle, repo.clients[args.client], environment, bundle.releases[args.version], args.out,
                     args.runtime)
    for path in written:
        out.write(f"{path}\n")
    return OK


@dataclass(frozen=True)
class Selected:
    """A client with everything a command on its server needs."""

    bundle: Bundle
    client: Client
    environment: Environment
    secrets: SecretResolver
    target: ssh.Target


@dataclass(frozen=True)
class Configured:
    """A client with what a command on its own host needs (no SSH)."""

    bundle: Bundle
    client: Client
    environment: Environment
    secrets: SecretResolver


def _configured(args: argparse.Namespace, out: TextIO) -> Configured | None:
    """The client, checked as `validate --client` checks it; None (after the report) when it is invalid."""
    bundle = _bundle(args)
    repo = _repository(args, bundle)
    problems = _selected_problems(repo, args.client)
    if problems:
        _report(problems, args.lang, "text", out)
        return None
    client = repo.clients[args.client]
    if client.server is None:
        raise UsageError(f"--client {client.client}: runtime {client.runtime}: команда работает с сервером "
                         "по SSH (runtime compose)")
    resolver: SecretResolver = FileSecrets(args.secrets_dir) if args.secrets_dir else AwsSecrets(repo.secrets)
    args.reported_client, args.reported_secrets = client, resolver  # what the run's report names and is signed with
    return Configured(bundle, client, repo.environments[client.environment], resolver)


def _selected(args: argparse.Namespace, out: TextIO) -> Selected | None:
    configured = _configured(args, out)
    if configured is None:
        return None
    client, resolver = configured.client, configured.secrets
    assert client.server is not None
    ssh_settings = client.server.ssh
    target = ssh.Target(client.client, str(client.server.ip), ssh_settings.port, ssh_settings.user,
                        ssh_settings.host_key, resolver.read(ssh_settings.private_key.secret))
    return Selected(configured.bundle, client, configured.environment, resolver, target)


def _prepare(args: argparse.Namespace, out: TextIO) -> int:
    selected = _selected(args, out)
    if selected is None:
        return INVALID
    with ssh.Session(selected.target, args.connect_timeout) as server:
        checks = check_server(server, selected.client, selected.bundle.product.requirements.compose)
    ready = all(check.status != "fail" for check in checks)
    record_step = getattr(out, "record_step", None)  # report.RecordingOutput: each check a step of the report
    if record_step is not None:
        for check in checks:
            record_step(check.check, f"{check.name(args.lang)}: {shown(check.found, args.lang)} / "
                                     f"{shown(check.required, args.lang)}", outcome=check.status)
    if args.format == "json":
        json.dump({"client": selected.client.client, "server": selected.target.address, "ready": ready,
                   "checks": [check.as_dict(args.lang) for check in checks]}, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        heading = (message("prepare_heading", args.lang, {"client": selected.client.client,
                                                           "address": selected.target.address}))
        out.write(heading + "\n")
        out.write(_table([message(name, args.lang) for name in ("column_check", "column_status", "column_found",
                                                                 "column_required")],
                         [[check.name(args.lang), check.status, shown(check.found, args.lang),
                           shown(check.required, args.lang)] for check in checks]))
        out.write(message("prepare_ready" if ready else "prepare_not_ready", args.lang) + "\n")
    return OK if ready else NOT_READY


def _checked_version(version: str, option: str, language: str) -> None:
    if not re.match(VERSION_PATTERN, version):
        raise UsageError(f"{option}: {message('string_pattern_mismatch', language, {'field': 'version'})}")


def _health_timeout(args: argparse.Namespace, selected: Selected) -> float:
    return float(args.health_timeout or selected.environment.deploy.health_timeout_seconds)


def _deploy(args: argparse.Namespace, out: TextIO) -> int:
    _checked_version(args.version, "--version", args.lang)
    selected = _selected(args, out)
    if selected is None:
        return INVALID
    bundle, client = selected.bundle, selected.client
    problems = _release_problems(bundle, selected.environment, args.version)
    if not problems and client.license_versions is not None and not client.license_versions.admits(args.version):
        problems.append(Problem("--version", None, "", "version_unlicensed",
                                {"version": args.version, "range": str(client.license_versions)}))
    if problems:
        _report(problems, args.lang, "text", out)
        return INVALID
    release = bundle.releases[args.version]
    # Every secret is read before connecting: one that cannot be read stops the deploy with nothing sent.
    values = {secret.name: selected.secrets.read(secret.ref) for secret in secret_files(client)}
    plan = deploys.Plan(bundle, client, selected.environment, release, values, _health_timeout(args, selected))
    with ssh.Session(selected.target, args.connect_timeout) as server:
        return deploys.deploy(server, plan, out, args.lang)


def _rollback(args: argparse.Namespace, out: TextIO) -> int:
    _checked_version(args.to, "--to", args.lang)
    selected = _selected(args, out)
    if selected is None:
        return INVALID
    licensed = selected.client.license_versions
    if licensed is not None and not licensed.admits(args.to):
        out.write(message("rollback_unlicensed", args.lang, {"version": args.to, "range": str(licensed)}) + "\n")
        return deploys.ROLLBACK_FAILED
    with ssh.Session(selected.target, args.connect_timeout) as server:
        return deploys.rollback(server, selected.client, selected.bundle, args.to, _health_timeout(args, selected),
                                out, args.lang)


def _status(args: argparse.Namespace, out: TextIO) -> int:
    selected = _selected(args, out)
    if selected is None:
        return INVALID
    with ssh.Session(selected.target, args.connect_timeout) as server:
        return deploys.status(server, selected.client, selected.bundle, out, args.lang, args.log_lines)


def _poller(args: argparse.Namespace, runner: Any = None) -> Any:
    """The installation's signed channel to /api/agent/* (tessera_agent), from its activation's state."""
    from tessera_agent.commands import CommandPoller
    from tessera_agent.state import State

    if not args.portal:
        raise UsageError("--portal: укажите адрес портала (или переменную TESSERA_PORTAL)")
    if args.state is None or not Path(args.state).is_file():
        raise UsageError(f"--state: нет файла состояния агента {args.state or ''}".rstrip())
    state = State.load(Path(args.state))
    if not (state.private_key_pem and state.certificate and state.installation_id):
        raise UsageError(message("agent_not_activated", args.lang, {"state": args.state}))
    try:
        return CommandPoller(args.portal, state, runner)
    except ValueError as exc:
        raise UsageError(f"--portal: {exc}") from None


def _agent_run(args: argparse.Namespace, out: TextIO) -> int:
    from tessera_agent.agent import PortalUnavailable

    configured = _configured(args, out)
    if configured is None:
        return INVALID
    health = float(args.health_timeout or configured.environment.deploy.health_timeout_seconds)
    deploy_runner = DeployRunner(LocalHost(configured.client.client), configured.bundle, configured.client,
                                 configured.environment, configured.secrets, health, args.lang)
    outcomes: list[bool] = []

    def reporting(command: Any) -> Any:
        outcome = deploy_runner(command)
        outcomes.append(outcome.ok)
        out.write(outcome.output)
        out.write(message("agent_ran", args.lang, {"name": command.name, "run": command.run_id,
                                                    "outcome": "ok" if outcome.ok else "failed"}) + "\n")
        out.flush()
        return outcome

    poller = _poller(args, reporting)
    if args.forever:  # until interrupted (Ctrl-C: 130)
        poller.run_forever(args.interval)
        return OK
    try:
        busy = poller.run_once()
    except PortalUnavailable as exc:
        sys.stderr.write(f"budgetctl: {message('portal_unreachable', args.lang, {'detail': str(exc)})}\n")
        return UNREACHABLE
    if not busy:
        out.write(message("agent_idle", args.lang) + "\n")
    return OK if all(outcomes) else deploys.DEPLOY_FAILED


def _modules_sync(args: argparse.Namespace, out: TextIO) -> int:
    from tessera_agent import Agent, LicenseError, PortalUnavailable

    configured = _configured(args, out)
    if configured is None:
        return INVALID
    if not args.license_key:
        raise UsageError("--license-key: укажите ключ лицензии (или переменную TESSERA_LICENSE_KEY)")
    if args.trusted_keys is None or not Path(args.trusted_keys).is_file():
        raise UsageError(f"--trusted-keys: нет файла JWKS {args.trusted_keys or ''}".rstrip())
    if args.state is None or not args.portal:
        raise UsageError("--portal, --state: укажите портал и файл состояния агента (TESSERA_PORTAL, "
                         "TESSERA_AGENT_STATE)")
    client = configured.client
    try:
        jwks = json.loads(Path(args.trusted_keys).read_text(encoding="utf-8"))
        agent = Agent(args.portal, args.license_key, Path(args.state), jwks, domain=client.domain)
    except (ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"--trusted-keys: {exc}") from None
    try:
        answer = agent.check()
        if answer.get("offline"):
            out.write(message("license_offline", args.lang) + "\n")
            return UNREACHABLE
        grant = modules.granted(agent.verify(), client, configured.bundle.product)
    except PortalUnavailable as exc:
        sys.stderr.write(f"budgetctl: {message('portal_unreachable', args.lang, {'detail': str(exc)})}\n")
        return UNREACHABLE
    except LicenseError as exc:
        out.write(message("license_refused", args.lang, {"code": exc.code, "detail": str(exc)}) + "\n")
        return modules.REFUSED
    except modules.LicenseRefused as exc:
        out.write(message("license_refused", args.lang, {"code": "NOT_THIS_CLIENT", "detail": str(exc)}) + "\n")
        return modules.REFUSED
    server = LocalHost(client.client)
    code = modules.write(server, client, configured.bundle.product, grant, not args.no_apply, out)
    if code != OK:
        return code
    site = Installation(server, client, configured.bundle.product)
    running = site.current_version() or ""
    path = f"{site.release_dir(running)}/{modules.LICENSE_ENV}"
    out.write(message("modules_synced", args.lang, {"license": client.license_id, "version": grant.license_version,
                                                     "path": path}) + "\n")
    try:  # the run, recorded: licensing keeps the installation's active modules from its heartbeats
        recorded = agent.heartbeat({}, grant.modules, running.removeprefix("v"))
    except (PortalUnavailable, LicenseError) as exc:
        sys.stderr.write(f"budgetctl: {message('portal_unreachable', args.lang, {'detail': str(exc)})}\n")
        return UNREACHABLE
    if not recorded.get("accepted"):  # written and applied; only the portal's record is missing
        sys.stderr.write(f"budgetctl: heartbeat: {recorded.get('code') or recorded}\n")
        return UNREACHABLE
    out.write(message("modules_recorded", args.lang) + "\n")
    return OK


def _support_bundle(args: argparse.Namespace, out: TextIO) -> int:
    from tessera_agent.agent import PortalUnavailable

    if not args.out and not args.upload:
        raise UsageError("support-bundle: укажите --out, --upload или оба")
    configured = _configured(args, out)
    if configured is None:
        return INVALID
    poller = _poller(args) if args.upload else None  # checked before collecting: a usage error costs nothing
    client = configured.client
    data = support.archive(support.collect(LocalHost(client.client), client, configured.bundle.product,
                                           args.log_lines), client.client)
    if args.out:
        Path(args.out).write_bytes(data)
        out.write(message("bundle_written", args.lang, {"path": args.out, "size": len(data)}) + "\n")
    if poller is not None:
        try:
            bundle_id = support.upload(poller, data, args.note)
        except (PortalUnavailable, support.UploadFailed) as exc:
            sys.stderr.write(f"budgetctl: {message('portal_unreachable', args.lang, {'detail': str(exc)})}\n")
            return UNREACHABLE
        out.write(message("bundle_uploaded", args.lang, {"bundle_id": bundle_id}) + "\n")
    return OK


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(len(header))]
    return "".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() + "\n"
                   for row in [header, *rows])


def _resend(args: argparse.Namespace, out: TextIO) -> int:
    to, missing = report.destination(args.portal, args.report_key_id, args.report_secret)
    if to is None:
        raise UsageError(f"{missing}: укажите, куда отправлять отчёты")
    sent, left = report.resend(to, sys.stderr)
    out.write(f"отправлено отчётов: {sent}; осталось: {left}\n")
    return UNREACHABLE if left else OK


REPORTED = {"prepare": "prepare", "deploy": "deploy", "status": "status", "rollback": "rollback",
            "modules": "modules_sync"}


def _report_run(args: argparse.Namespace, recorded: report.RecordingOutput, code: int, problem: str | None,
                started_at: datetime) -> None:
    """The run sent to the portal (or spooled); a notice when no portal is configured. Never fails the run."""
    client = getattr(args, "reported_client", None)
    if client is None:  # stopped before the client was known (an invalid config, a wrong call): nothing to name
        return
    secret = args.report_secret
    if not secret and args.report_secret_ref:
        try:
            secret = args.reported_secrets.read(args.report_secret_ref).decode().strip()
        except (SecretError, UnicodeDecodeError) as exc:
            sys.stderr.write(f"budgetctl: запуск не записан в портал: --report-secret-ref: {exc}\n")
            return
    to, missing = report.destination(args.portal, args.report_key_id, secret)
    if to is None:
        sys.stderr.write(f"budgetctl: запуск не записан в портал: не указано {missing}\n")
        return
    command = REPORTED[args.command]
    outcome = "succeeded" if code == OK else "rolled_back" if code == deploys.DEPLOY_FAILED else "failed"
    steps = recorded.steps or [{"step": command, "outcome": "ok" if code == OK else "failed",
                                "detail": recorded.text()}]
    if code != OK and problem is None:
        failed = [step["detail"] for step in recorded.steps if step["outcome"] == "failed"]
        lines = recorded.text().strip().splitlines()
        problem = failed[0] if failed else (lines[-1] if lines else f"exit code {code}")
    version = getattr(args, "version", None) or getattr(args, "to", None)
    report.deliver(report.build(license_id=client.license_id, domain=client.domain, command=command,
                                outcome=outcome, started_at=started_at, ended_at=datetime.now(UTC), steps=steps,
                                version=version, previous_version=recorded.facts.get("previous"), error=problem),
                   to, sys.stderr)


def _schema(args: argparse.Namespace, out: TextIO) -> int:
    for path in schema.write(args.out):
        out.write(f"{path}\n")
    return OK


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run one command; the exit code is returned (the console script exits with it)."""
    out = out or sys.stdout
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse printed the usage and the error
        return int(exc.code or 0)
    args.lang = language_of(args.lang)
    if args.command not in REPORTED or getattr(args, "modules_action", "sync") != "sync":
        return _run(args, out)[0]
    started_at = datetime.now(UTC)
    recorded = report.RecordingOutput(out)
    code, problem = _run(args, cast(TextIO, recorded))  # writes as a TextIO does
    if code != USAGE:
        _report_run(args, recorded, code, problem, started_at)
    return code


def _run(args: argparse.Namespace, out: TextIO) -> tuple[int, str | None]:
    """The command's exit code, and the problem it printed on stderr when it stopped on one."""
    problem: str | None = None
    try:
        return int(args.run(args, out)), None
    except UsageError as exc:
        problem, code = str(exc), USAGE
    except BundleError as exc:
        problem, code = f"--bundle: {exc}", USAGE
    except SecretError as exc:
        problem, code = message("secret_unreadable", args.lang, {"detail": str(exc)}), INVALID
    except ssh.SshError as exc:
        problem, code = exc.message(args.lang), exc.exit_code
    except KeyboardInterrupt:
        return INTERRUPTED, "interrupted"
    sys.stderr.write(f"budgetctl: {problem}\n")
    return code, problem
