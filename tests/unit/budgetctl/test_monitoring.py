"""deploy/monitoring: install.sh (against the recording docker stand-in) and the configuration it ships."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from tests.unit.budgetctl.conftest import ROOT

MONITORING = ROOT / "deploy" / "monitoring"
# `docker` here: records its arguments, one JSON array a line (`compose version` answers, like Compose v2)
RECORDER = """#!/bin/sh
exec {python} -c 'import json, sys; open(sys.argv[1], "a").write(json.dumps(sys.argv[2:]) + chr(10))' \\
    {log} "$@"
"""


def install(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    bin_dir, state = tmp_path / "bin", tmp_path / "docker-state"
    bin_dir.mkdir(exist_ok=True)
    state.mkdir(exist_ok=True)
    (bin_dir / "docker").write_text(RECORDER.format(python=sys.executable, log=state / "commands.log"))
    (bin_dir / "docker").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:/usr/bin:/bin"}
    return subprocess.run(["sh", str(MONITORING / "install.sh"), *argv], capture_output=True, text=True, env=env,
                          check=False)


def test_install_writes_the_configuration_and_starts_both_containers(tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("t0ken\n")
    done = install(tmp_path, "--client", "acme", "--install-dir", str(tmp_path / "itbm"), "--sink-url",
                   "https://logs.vendor.example/itbm", "--sink-token-file", str(token))
    assert done.returncode == 0, done.stderr
    target = tmp_path / "itbm" / "monitoring"
    assert (target / ".env").read_text() == ("ITBM_CLIENT=acme\nVECTOR_SINK_URL=https://logs.vendor.example/itbm\n"
                                             "NODE_EXPORTER_LISTEN=127.0.0.1:9100\n")
    assert oct((target / "sink_token").stat().st_mode)[-3:] == "600"
    calls = [json.loads(line) for line in (tmp_path / "docker-state" / "commands.log").read_text().splitlines()]
    assert calls[-1] == ["compose", "--project-name", "itbm-monitoring", "--file", str(target / "docker-compose.yaml"),
                         "up", "--detach", "--remove-orphans"]


def test_install_refuses_wrong_usage(tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("t")
    base = ["--install-dir", str(tmp_path), "--sink-token-file", str(token)]
    assert install(tmp_path, "--client", "acme", *base).returncode == 2  # no sink
    plain = install(tmp_path, "--client", "acme", "--sink-url", "http://logs.example", *base)
    assert plain.returncode == 2 and "https://" in plain.stderr
    assert install(tmp_path, "--client", "Acme;rm", "--sink-url", "https://l.example", *base).returncode == 2
    assert not (tmp_path / "monitoring").exists()


def test_vector_ships_only_this_installations_logs_redacted() -> None:
    config = yaml.safe_load((MONITORING / "vector.yaml").read_text())
    assert config["sources"]["product"]["include_labels"] == ["com.docker.compose.project=itbm-${ITBM_CLIENT}"]
    assert config["transforms"]["redacted"]["inputs"] == ["product"]
    assert "redact(" in config["transforms"]["redacted"]["source"]
    assert config["sinks"]["vendor"]["inputs"] == ["redacted"]  # nothing reaches the sink unredacted
    compose = yaml.safe_load((MONITORING / "docker-compose.yaml").read_text())
    assert compose["services"]["node-exporter"]["image"].startswith("quay.io/prometheus/node-exporter:v")
    assert "/var/run/docker.sock:/var/run/docker.sock:ro" in compose["services"]["vector"]["volumes"]
