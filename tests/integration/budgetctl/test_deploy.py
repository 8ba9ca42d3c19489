"""`budgetctl deploy`, `rollback` and `status` against the test server: the release layout, the backup,
and the automatic rollback after a failed migration or health check."""

from __future__ import annotations

import re
import stat
import time

import pytest
from budgetctl import deploy

from tests.integration.budgetctl.conftest import Setup, edit

HEALTH = ("--health-timeout", "2")


@pytest.fixture(autouse=True)
def quick_health_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deploy, "HEALTH_INTERVAL_SECONDS", 0.2)


def current(setup: Setup) -> str:
    return (setup.install_dir / "current").readlink().name


def compose_calls(setup: Setup, command: str) -> list[list[str]]:
    return [call for call in setup.server.commands() if call[:1] == ["compose"] and command in call]


@pytest.fixture
def installed(setup: Setup) -> Setup:
    """acme runs v4.1.3."""
    code, text = setup.run("deploy", "--version", "v4.1.3", *HEALTH)
    assert code == 0, text
    return setup


def test_first_deploy_lays_out_the_release_and_starts_it(setup: Setup) -> None:
    code, text = setup.run("deploy", "--version", "v4.1.3", *HEALTH)
    assert code == 0, text
    assert re.match(r"^\[\s+\d+\.\d s\] деплой клиента acme: — → v4\.1\.3$", text.splitlines()[0])
    assert "готово: работает v4.1.3" in text.splitlines()[-1]
    release = setup.install_dir / "releases" / "v4.1.3"
    assert current(setup) == "v4.1.3"
    assert (release / "docker-compose.yaml").is_file() and (release / "Caddyfile").is_file()
    secret = release / "secrets" / "db_password"
    assert secret.read_text() == "db_password-value"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o400
    assert stat.S_IMODE((release / "secrets").stat().st_mode) == 0o700
    steps = [call[5] for call in setup.server.commands() if call[:1] == ["compose"] and len(call) > 5]
    assert steps[:3] == ["pull", "run", "up"]
    assert not (setup.install_dir / "backups").exists()  # nothing ran before


def test_deploy_backs_up_the_running_release_then_switches(installed: Setup) -> None:
    code, text = installed.run("deploy", "--version", "v4.2.0", *HEALTH)
    assert code == 0, text
    assert current(installed) == "v4.2.0"
    [backup] = (installed.install_dir / "backups").iterdir()
    assert backup.name.endswith("-v4.1.3")
    assert (backup / "database.dump").read_text() == "PGDMP stand-in dump of v4.1.3\n"
    assert (backup / "release.tar.gz").stat().st_size > 0
    assert {stat.S_IMODE(path.stat().st_mode) for path in (backup, *backup.iterdir())} <= {0o700, 0o600}
    [up] = compose_calls(installed, "up")[-1:]
    assert up[4].endswith("releases/v4.2.0/docker-compose.yaml")


def test_a_failed_migration_keeps_the_running_release(installed: Setup) -> None:
    installed.server.fail("migrate", "v4.2.0")
    code, text = installed.run("deploy", "--version", "v4.2.0", *HEALTH)
    assert code == 4, text
    assert "migrate: django.db.utils.ProgrammingError" in text
    assert re.search(r"откат выполнен за \d+\.\d с: работает v4\.1\.3, v4\.2\.0 не установлена", text)
    assert current(installed) == "v4.1.3"
    assert [path.name for path in (installed.install_dir / "releases").iterdir()] == ["v4.1.3"]
    assert not compose_calls(installed, "up")[-1][4].endswith("v4.2.0/docker-compose.yaml")


def test_a_failed_health_check_switches_back(installed: Setup) -> None:
    installed.server.fail("health", "v4.2.0")
    started = time.monotonic()
    code, text = installed.run("deploy", "--version", "v4.2.0", *HEALTH)
    assert code == 4, text
    assert "health: backend: http://localhost:8000/api/health: curl: (22)" in text
    assert "переключение current → v4.2.0" in text
    assert "откат выполнен за" in text
    assert current(installed) == "v4.1.3"
    assert compose_calls(installed, "up")[-1][4].endswith("releases/v4.1.3/docker-compose.yaml")
    assert time.monotonic() - started < 60


def test_rollback_to_a_release_on_the_server(installed: Setup) -> None:
    assert installed.run("deploy", "--version", "v4.2.0", *HEALTH)[0] == 0
    code, text = installed.run("rollback", "--to", "v4.1.3", *HEALTH)
    assert code == 0, text
    assert re.search(r"откат выполнен за \d+\.\d с: v4\.2\.0 → v4\.1\.3$", text.strip())
    assert current(installed) == "v4.1.3"


def test_rollback_only_to_a_release_on_the_server_and_in_the_license(installed: Setup) -> None:
    code, text = installed.run("rollback", "--to", "v4.2.9", *HEALTH)
    assert code == 5
    assert "релиза v4.2.9 нет на сервере; есть: v4.1.3; ничего не изменено" in text
    edit(installed.repo / "clients" / "acme.yaml", lambda client: client["license_versions"].update(min="4.2"))
    code, text = installed.run("rollback", "--to", "v4.1.3", *HEALTH)
    assert (code, text) == (5, "v4.1.3 вне лицензированного диапазона 4.2–4.2; ничего не изменено\n")
    assert current(installed) == "v4.1.3"


def test_a_second_deploy_while_one_runs_changes_nothing(installed: Setup) -> None:
    (installed.install_dir / ".lock").mkdir()
    (installed.install_dir / ".lock" / "owner").write_text("2026-12-03T10:00:00+00:00 ops@laptop\n")
    code, text = installed.run("deploy", "--version", "v4.2.0", *HEALTH)
    assert code == 4
    assert "уже идёт деплой или откат (2026-12-03T10:00:00+00:00 ops@laptop)" in text
    assert current(installed) == "v4.1.3"


def test_status_shows_the_version_health_containers_and_logs(installed: Setup) -> None:
    code, text = installed.run("status", "--lang", "en")
    assert code == 0, text
    assert "v4.1.3 runs" in text.splitlines()[0]
    assert "ok    backend: http://localhost:8000/api/health" in text
    assert "itbm-acme-worker-1  running" in text
    assert "deploy  — → v4.1.3  ok" in text
    assert "itbm-acme-backend-1  | INFO itbm v4.1.3 backend started" in text
    assert text.splitlines()[-1] == "healthy"
    installed.server.fail("health", "")
    code, text = installed.run("status", "--lang", "en")
    assert (code, text.splitlines()[-1]) == (3, "NOT HEALTHY")


def test_status_of_a_server_without_the_product(setup: Setup) -> None:
    code, text = setup.run("status")
    assert code == 3
    assert "продукт не установлен" in text


def test_deploy_refuses_a_version_outside_the_license_before_connecting(setup: Setup) -> None:
    edit(setup.repo / "clients" / "acme.yaml", lambda client: client["license_versions"].update(min="4.2"))
    code, text = setup.run("deploy", "--version", "v4.1.3", *HEALTH)
    assert (code, text) == (1, "--version: версия v4.1.3 вне лицензированного диапазона 4.2–4.2\n")
    assert setup.server.commands() == []


def test_a_failed_first_install_leaves_nothing_running(setup: Setup) -> None:
    setup.server.fail("health", "v4.1.3")
    code, text = setup.run("deploy", "--version", "v4.1.3", *HEALTH)
    assert code == 4, text
    assert "первая установка не удалась; на сервере ничего не запущено" in text
    assert not (setup.install_dir / "current").is_symlink()
    assert compose_calls(setup, "down")


def test_a_rollback_that_fails_its_health_check_exits_5_and_restarts_what_ran(installed: Setup) -> None:
    assert installed.run("deploy", "--version", "v4.2.0", *HEALTH)[0] == 0
    installed.server.fail("health", "v4.1.3")
    code, text = installed.run("rollback", "--to", "v4.1.3", *HEALTH)
    assert code == 5, text
    assert "ОТКАТ НА v4.1.3 НЕ УДАЛСЯ: health: backend:" in text
    assert "прежняя версия v4.2.0 запущена снова" in text
    assert current(installed) == "v4.2.0"
    assert compose_calls(installed, "up")[-1][4].endswith("releases/v4.2.0/docker-compose.yaml")


def test_a_secret_that_cannot_be_read_stops_the_deploy_before_connecting(setup: Setup,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    (setup.secrets / "acme" / "onec_password").unlink()
    code, _ = setup.run("deploy", "--version", "v4.1.3", *HEALTH)
    assert code == 1
    assert "секрет не прочитан: acme/onec_password: " in capsys.readouterr().err
    assert setup.server.commands() == []
    assert not setup.install_dir.exists()
