"""Texts of budgetctl's problems, in Russian (the default) and English, by stable code: pydantic's error
types for one field and budgetctl's own codes for the rest."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LANGUAGES = ("ru", "en")

_TEXTS: dict[str, tuple[str, str]] = {
    # the agent, modules sync, support bundles (the installation's own host)
    "portal_unreachable": ("портал недоступен: {detail}", "the portal cannot be reached: {detail}"),
    "agent_not_activated": ("агент не активирован: в {state} нет ключа и сертификата установки",
                            "the agent is not activated: {state} holds no installation key and certificate"),
    "agent_idle": ("команд нет", "no command"),
    "agent_ran": ("команда {name} ({run}) выполнена: {outcome}", "command {name} ({run}) ran: {outcome}"),
    "license_refused": ("лицензия отклонена ({code}): {detail}; ничего не записано",
                        "the license is refused ({code}): {detail}; nothing was written"),
    "license_offline": ("портал недоступен: модули не синхронизированы, ничего не записано",
                        "the portal cannot be reached: modules not synced, nothing was written"),
    "modules_synced": ("модули и лимиты из лицензии {license} (версия {version}) записаны в {path}",
                       "modules and limits of license {license} (version {version}) written to {path}"),
    "modules_recorded": ("портал знает новые модули (heartbeat принят)",
                         "the portal has the new modules (heartbeat accepted)"),
    "bundle_written": ("архив диагностики: {path} ({size} байт, секреты скрыты)",
                       "support bundle: {path} ({size} bytes, secrets redacted)"),
    "bundle_uploaded": ("архив загружен в портал: {bundle_id}", "the bundle is uploaded to the portal: {bundle_id}"),
    "summary_valid": ("Конфигурация верна. Клиенты: {clients}.", "The configuration is valid. Clients: {clients}."),
    "summary_invalid": ("Ошибок: {count}. Клиенты: {clients}.", "Problems: {count}. Clients: {clients}."),
    # the file
    "not_yaml": ("не разбирается как YAML: {detail}", "not valid YAML: {detail}"),
    "not_utf8": ("файл не в UTF-8", "the file is not UTF-8"),
    "empty_file": ("файл пуст", "the file is empty"),
    "wrong_extension": ("переименуйте в *.yaml: budgetctl читает только их", "rename it to *.yaml: budgetctl "
                        "reads only those"),
    "not_a_mapping": ("ожидается словарь «поле: значение»", "a mapping of fields is expected"),
    "duplicate_key": ("поле повторяется: YAML оставил бы только последнее", "the key is repeated: YAML would keep "
                      "only the last one"),
    "file_name_mismatch": ("должно совпадать с именем файла: {expected}", "must equal the file's name: {expected}"),
    "private_key_in_plain": ("похоже на закрытый ключ в открытом виде: храните его в secrets/ ссылкой",
                             "looks like a private key in plain text: keep it in secrets/ as a reference"),
    # one field (pydantic's types)
    "missing": ("обязательное поле", "this field is required"),
    "extra_forbidden": ("неизвестное поле (опечатка?)", "unknown field (a typo?)"),
    "string_type": ("ожидается строка", "a string is expected"),
    "string_too_short": ("слишком коротко: минимум {min_length} симв.", "too short: at least {min_length} characters"),
    "string_pattern_mismatch": ("неверный формат{hint}", "the format is not valid{hint}"),
    "literal_error": ("допустимые значения: {expected}", "allowed values: {expected}"),
    "int_type": ("ожидается целое число", "a whole number is expected"),
    "int_parsing": ("ожидается целое число", "a whole number is expected"),
    "int_from_float": ("ожидается целое число", "a whole number is expected"),
    "bool_type": ("ожидается true или false", "true or false is expected"),
    "bool_parsing": ("ожидается true или false", "true or false is expected"),
    "greater_than_equal": ("не меньше {ge}", "at least {ge}"),
    "less_than_equal": ("не больше {le}", "at most {le}"),
    "too_short": ("нужен хотя бы {min_length} элемент", "at least {min_length} item is needed"),
    "list_type": ("ожидается список", "a list is expected"),
    "dict_type": ("ожидается словарь «поле: значение»", "a mapping of fields is expected"),
    "model_type": ("ожидается словарь «поле: значение»", "a mapping of fields is expected"),
    "model_attributes_type": ("ожидается словарь «поле: значение»", "a mapping of fields is expected"),
    "ip_any_address": ("ожидается IPv4- или IPv6-адрес", "an IPv4 or IPv6 address is expected"),
    # one file (budgetctl's validators)
    "secret_plaintext": ("секрет задаётся ссылкой {{secret: <файл>/<имя>}} на запись в secrets/, а не значением",
                         "a secret is written as a reference {{secret: <file>/<name>}} to secrets/, not as a value"),
    "secret_value_in_repo": ("секрет хранится в Secrets Manager (secretsmanager: <ARN>) или зашифрованным KMS "
                             "(kms: …), но не значением в репозитории",
                             "a secret is kept in Secrets Manager (secretsmanager: <ARN>) or encrypted by KMS "
                             "(kms: …), never as a value in the repository"),
    "secret_one_source": ("укажите ровно одно: secretsmanager или kms", "give exactly one of secretsmanager, kms"),
    "secret_json_key_kms": ("json_key — только для secretsmanager", "json_key applies to secretsmanager only"),
    "kms_not_base64": ("шифртекст не в base64", "the ciphertext is not base64"),
    "kms_too_short": ("слишком коротко для шифртекста KMS: значение точно зашифровано?",
                      "too short for a KMS ciphertext: is it encrypted?"),
    "ports_equal": ("для http и https нужны разные порты", "http and https need different ports"),
    "tls_acme_email": ("для mode: acme нужен email", "mode acme needs email"),
    "tls_provided_files": ("для mode: provided нужны certificate и private_key",
                           "mode provided needs certificate and private_key"),
    "sso_oidc_secret": ("для oidc нужен client_secret", "oidc needs client_secret"),
    "modules_repeated": ("модуль указан дважды", "a module is listed twice"),
    "runtime_needs_server": ("для runtime: compose нужен раздел server", "runtime compose needs server"),
    "runtime_needs_kubernetes": ("для runtime: helm нужен раздел kubernetes", "runtime helm needs kubernetes"),
    # several files
    "environment_missing": ("нет окружения {environment}: ожидается файл environments/{environment}.yaml",
                            "no environment {environment}: environments/{environment}.yaml is expected"),
    "domain_taken": ("домен {domain} уже занят клиентом {other}", "the domain {domain} is taken by client {other}"),
    "port_taken": ("порт {port} на сервере {ip} уже занят клиентом {other}",
                   "port {port} on server {ip} is taken by client {other}"),
    "module_unknown": ("неизвестный модуль {module}; модули продукта: {known}",
                       "unknown module {module}; the product's modules: {known}"),
    "integration_needs_module": ("интеграция {integration} работает только с модулем {module} в modules",
                                 "the {integration} integration needs the module {module} in modules"),
    "release_unknown": ("нет релиза {version}; известные релизы: {known}",
                        "no release {version}; known releases: {known}"),
    "release_channel": ("релиз {version} из канала {channel}, а окружение {environment} принимает только {allowed}",
                        "release {version} is on the {channel} channel; environment {environment} takes "
                        "{allowed} only"),
    "secret_missing": ("нет секрета {ref}: ожидается запись {name} в secrets/{file}.yaml",
                       "no secret {ref}: an entry {name} in secrets/{file}.yaml is expected"),
    "secret_of_other_client": ("секрет {ref} принадлежит клиенту {owner}", "the secret {ref} belongs to client "
                               "{owner}"),
    "no_clients": ("это не репозиторий deployments: нет каталога clients/ с файлами *.yaml",
                   "not a deployments repository: no clients/*.yaml"),
    "version_range_invalid": ("max не может быть меньше min", "max must not be below min"),
    "version_unlicensed": ("версия {version} вне лицензированного диапазона {range}",
                           "version {version} is outside the licensed range {range}"),
    # the server (prepare, deploy, status, rollback)
    "ssh_unreachable": ("клиент {client}: сервер {address} недоступен: {detail}",
                        "client {client}: the server {address} cannot be reached: {detail}"),
    "ssh_key_refused": ("клиент {client}: сервер {address} не принял ключ SSH: {detail}",
                        "client {client}: the server {address} refused the SSH key: {detail}"),
    "ssh_host_key_mismatch": ("клиент {client}: ключ сервера {address} не совпадает с server.ssh.host_key — "
                              "сервер подменён или переустановлен; проверьте отпечаток и обновите конфигурацию "
                              "({detail})",
                              "client {client}: the host key of {address} is not server.ssh.host_key — the server "
                              "was replaced or reinstalled; check its fingerprint and update the config ({detail})"),
    "secret_unreadable": ("секрет не прочитан: {detail}", "a secret cannot be read: {detail}"),
    "prepare_heading": ("Проверка сервера клиента {client} ({address})", "Checking the server of client {client} "
                        "({address})"),
    "check_docker": ("Docker Engine", "Docker Engine"),
    "check_compose": ("Docker Compose", "Docker Compose"),
    "check_cpu": ("CPU, ядер", "CPU cores"),
    "check_memory": ("ОЗУ, ГиБ", "RAM, GiB"),
    "check_disk": ("Свободно на диске, ГиБ ({path})", "Disk free, GiB ({path})"),
    "check_os": ("ОС", "OS"),
    "check_port": ("Порт {port} ({kind})", "Port {port} ({kind})"),
    "port_free": ("свободен", "free"),
    "port_in_use": ("занят", "in use"),
    "port_used_by_installation": ("занят установкой", "used by the installation"),
    "column_check": ("Проверка", "Check"),
    "column_status": ("Итог", "Result"),
    "column_found": ("Найдено", "Found"),
    "column_required": ("Требуется", "Required"),
    "prepare_ready": ("Сервер готов к установке.", "The server is ready."),
    "prepare_not_ready": ("Сервер не готов: исправьте строки fail и повторите prepare.",
                          "The server is not ready: fix the fail lines and run prepare again."),
    # deploy, rollback, status
    "locked": ("на сервере уже идёт деплой или откат ({holder}); ничего не изменено. Если он прерван, удалите "
               "{lock}", "a deploy or rollback already runs on the server ({holder}); nothing was changed. If it "
               "was interrupted, remove {lock}"),
    "deploy_start": ("деплой клиента {client}: {previous} → {version}", "deploy of client {client}: {previous} → "
                     "{version}"),
    "deploy_already": ("{version} уже установлена и работает; ничего не изменено",
                       "{version} is already the current release; nothing was changed"),
    "step_upload": ("загрузка пакета {version} в {path}", "uploading the package of {version} to {path}"),
    "step_backup": ("резервная копия текущего релиза и базы данных: {path}",
                    "backing up the current release and the database: {path}"),
    "step_pull": ("загрузка образов {version}", "pulling the images of {version}"),
    "step_migrate": ("миграции базы данных {version}", "migrating the database for {version}"),
    "step_switch": ("переключение current → {version}", "switching current to {version}"),
    "step_start": ("запуск {version}", "starting {version}"),
    "step_health": ("проверка здоровья {version} (до {timeout} с)", "health check of {version} (up to {timeout} s)"),
    "step_failed": ("ошибка: {detail}", "failed: {detail}"),
    "first_install_failed": ("первая установка не удалась; на сервере ничего не запущено",
                             "the first installation failed; nothing runs on the server"),
    "deploy_done": ("готово: работает {version}, деплой занял {seconds} с", "done: {version} runs; the deploy took "
                    "{seconds} s"),
    "rollback_start": ("откат на {version}", "rolling back to {version}"),
    "rolled_back": ("откат выполнен за {seconds} с: работает {version}, {failed} не установлена",
                    "rolled back in {seconds} s: {version} runs, {failed} was not installed"),
    "rollback_failed": ("ОТКАТ НА {version} НЕ УДАЛСЯ: {detail}. Нужен человек: docs/runbooks/",
                        "THE ROLLBACK TO {version} FAILED: {detail}. A person is needed: docs/runbooks/"),
    "rollback_restore": ("прежняя версия {version} запущена снова; проверьте её: budgetctl status",
                         "the release before, {version}, was started again; check it: budgetctl status"),
    "interrupted": ("прервано (Ctrl-C)", "interrupted (Ctrl-C)"),
    "rollback_not_on_server": ("релиза {version} нет на сервере; есть: {present}; ничего не изменено",
                               "release {version} is not on the server; there are: {present}; nothing was changed"),
    "rollback_unlicensed": ("{version} вне лицензированного диапазона {range}; ничего не изменено",
                            "{version} is outside the licensed range {range}; nothing was changed"),
    "rollback_done": ("откат выполнен за {seconds} с: {previous} → {version}",
                      "rolled back in {seconds} s: {previous} → {version}"),
    "status_current": ("клиент {client} ({address}): работает {version}", "client {client} ({address}): "
                       "{version} runs"),
    "status_not_installed": ("продукт не установлен (нет current)", "the product is not installed (no current)"),
    "status_releases": ("релизы на сервере: {releases}", "releases on the server: {releases}"),
    "status_containers": ("контейнеры:", "containers:"),
    "status_history": ("последние деплои и откаты:", "the last deploys and rollbacks:"),
    "status_logs": ("последние строки журналов ({lines} на сервис):", "the last log lines ({lines} a service):"),
    "status_healthy": ("здоров", "healthy"),
    "status_unhealthy": ("НЕ ЗДОРОВ", "NOT HEALTHY"),
    "client_unknown": ("нет клиента {client}: ожидается файл clients/{client}.yaml",
                       "no client {client}: clients/{client}.yaml is expected"),
}

# What a pattern stands for, by the field's name: "the format is not valid" alone helps nobody.
_FORMATS: dict[str, tuple[str, str]] = {
    "version": ("версия вида v1.4.0 (semver)", "a version like v1.4.0 (semver)"),
    "domain": ("доменное имя строчными буквами, например budget.client.ru",
               "a lower-case domain name such as budget.client.ru"),
    "license_id": ("ID лицензии из портала, lic_ и 26 символов", "the portal's license id: lic_ and 26 characters"),
    "client": ("строчные латинские буквы, цифры и дефис", "lower-case letters, digits and hyphens"),
    "environment": ("строчные латинские буквы, цифры и дефис", "lower-case letters, digits and hyphens"),
    "name": ("строчные латинские буквы, цифры и дефис", "lower-case letters, digits and hyphens"),
    "secret": ("<файл>/<имя>, например acme/db_password", "<file>/<name> such as acme/db_password"),
    "secretsmanager": ("ARN секрета Secrets Manager", "a Secrets Manager secret ARN"),
    "key_id": ("ARN ключа или псевдонима KMS", "a KMS key or alias ARN"),
    "host_key": ("строка known_hosts без имени: «ssh-ed25519 AAAA…»", "a known_hosts key: 'ssh-ed25519 AAAA…'"),
    "registry": ("адрес реестра, например registry.itbm.ru/itbm", "a registry such as registry.itbm.ru/itbm"),
    "email": ("адрес e-mail", "an e-mail address"),
    "sender": ("адрес e-mail", "an e-mail address"),
    "modules": ("код модуля: строчные латинские буквы, цифры и _", "a module code: lower-case letters, digits, _"),
}


def language_of(value: str | None) -> str:
    return value if value in LANGUAGES else "ru"


def message(code: str, language: str, params: Mapping[str, Any] | None = None) -> str:
    """The text of `code`; an unknown code (a pydantic type without a translation) shows its `fallback`."""
    params = dict(params or {})
    texts = _TEXTS.get(code)
    if texts is None:
        return str(params.get("fallback", code))
    text = texts[LANGUAGES.index(language)] if language in LANGUAGES else texts[0]
    if code == "string_pattern_mismatch":
        hint = _FORMATS.get(str(params.get("field", "")))
        params["hint"] = f": {hint[LANGUAGES.index(language)]}" if hint else ""
    try:
        return text.format(**params)
    except (KeyError, IndexError):
        return str(params.get("fallback", text))
