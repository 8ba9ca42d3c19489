"""`budgetctl prepare` over SSH against the test server and its docker stand-in."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest

from tests.integration.budgetctl.conftest import Setup, edit, free_port, keypair


def test_prepare_passes_a_server_that_meets_the_minimums(setup: Setup) -> None:
    code, text = setup.run("prepare")
    assert code == 0, text
    lines = text.splitlines()
    assert lines[0].startswith("Проверка сервера клиента acme (")
    assert "Docker Engine" in text and "27.3.1" in text and "2.29.7" in text
    assert lines[-1] == "Сервер готов к установке."
    assert any(line.split() == ["Порт", str(setup.client()["ports"]["https"]), "(https)", "ok", "свободен",
                                "свободен"] for line in lines)
    assert ["version", "--format", "{{.Server.Version}}"] in setup.server.commands()


def test_prepare_fails_below_the_minimums_and_on_a_taken_port(setup: Setup) -> None:
    edit(setup.bundle / "product.yaml", lambda product: product["requirements"]["compose"].update(
        cpu_cores=4096, docker_version="99.0"))
    port = setup.client()["ports"]["https"]
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        code, text = setup.run("prepare", "--format", "json", "--lang", "en")
    assert code == 3, text
    report = json.loads(text)
    assert report["ready"] is False
    by_name = {check["name"]: check for check in report["checks"]}
    assert by_name["Docker Engine"] == {"check": "check_docker", "name": "Docker Engine", "status": "fail",
                                        "found": "27.3.1", "required": ">= 99.0"}
    assert by_name["Docker Compose"]["status"] == "ok"
    assert by_name["CPU cores"]["status"] == "fail"
    assert by_name["CPU cores"]["required"] == ">= 4096"
    assert by_name[f"Port {port} (https)"] == {"check": "check_port", "name": f"Port {port} (https)",
                                               "status": "fail", "found": "in_use", "required": "free"}



def test_an_unreachable_server_is_named_with_exit_6(setup: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    edit(setup.repo / "clients" / "acme.yaml", lambda client: client["server"]["ssh"].update(port=free_port()))
    code, text = setup.run("prepare", "--connect-timeout", "3")
    assert (code, text) == (6, "")
    error = capsys.readouterr().err
    assert error.startswith("budgetctl: клиент acme: сервер ")
    assert "недоступен" in error


def test_a_server_that_never_answers_times_out_with_exit_6(setup: Setup,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as silent:  # accepts TCP (the kernel's backlog) but never says SSH
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        edit(setup.repo / "clients" / "acme.yaml",
             lambda client: client["server"]["ssh"].update(port=silent.getsockname()[1]))
        started = time.monotonic()
        code, _ = setup.run("prepare", "--connect-timeout", "1")
    assert code == 6
    assert time.monotonic() - started < 10
    assert "недоступен: no answer in 1 s" in capsys.readouterr().err


def test_a_changed_host_key_stops_before_login_with_exit_8(setup: Setup, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    _, other_host_key = keypair(tmp_path / "other_host_key")
    edit(setup.repo / "clients" / "acme.yaml",
         lambda client: client["server"]["ssh"].update(host_key=other_host_key))
    code, _ = setup.run("prepare", "--lang", "en")
    assert code == 8
    assert "client acme: the host key of " in capsys.readouterr().err
    assert setup.server.commands() == []


def test_a_refused_key_has_exit_7(setup: Setup, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other_key, _ = keypair(tmp_path / "other_client_key")
    (setup.secrets / "acme" / "ssh_key").write_bytes(other_key)
    code, _ = setup.run("prepare")
    assert code == 7
    assert "не принял ключ SSH" in capsys.readouterr().err


def test_a_port_held_on_a_server_that_runs_the_product_is_a_warning(setup: Setup) -> None:
    assert setup.run("deploy", "--version", "v4.1.3", "--health-timeout", "2")[0] == 0
    port = setup.client()["ports"]["https"]
    with socket.socket() as ingress:  # the stand-in runs no containers: this is the installation's ingress
        ingress.bind(("127.0.0.1", port))
        ingress.listen()
        code, text = setup.run("prepare", "--format", "json")
    assert code == 0, text
    [check] = [check for check in json.loads(text)["checks"] if check["name"] == f"Порт {port} (https)"]
    assert (check["status"], check["found"]) == ("warn", "used_by_installation")
