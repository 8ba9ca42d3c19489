"""One local cloud per test module, started in-process from the small `lc` template the way
`python -m localcloud run` starts the product: moto, the proxy, provisioning, pollers, scheduler,
gateway and /_local pages, on free ports. Handlers record what they saw under `records`."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import boto3
import pytest

from localcloud.cloud import CloudConfig, LocalCloud
from localcloud.template import REGION

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
LC_TEMPLATE = TEMPLATES / "lc" / "template.yaml"

T = TypeVar("T")


def wait_until[T](probe: Callable[[], T], timeout: float = 10.0, interval: float = 0.05, what: str = "") -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what or probe}")
        time.sleep(interval)


@dataclass
class Running:
    cloud: LocalCloud
    root: Path
    record_dir: Path
    logs: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.cloud.gateway_url

    @property
    def aws(self) -> str:
        return self.cloud.endpoint_url

    def client(self, service: str) -> Any:
        return boto3.client(service, endpoint_url=self.aws, region_name=REGION)

    def records(self, name: str) -> list[Any]:
        path = self.record_dir / f"{name}.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

    def name(self, logical_id: str) -> str:
        assert self.cloud.template is not None
        return self.cloud.template.names.get(logical_id).ref  # type: ignore[union-attr]

    def fn(self, logical_id: str) -> Any:
        assert self.cloud.template is not None
        return self.cloud.template.functions[logical_id]


def make_static(root: Path) -> list[tuple[str, Path, bool]]:
    site, app = root / "site", root / "app"
    (site / "css").mkdir(parents=True)
    (app / "assets").mkdir(parents=True)
    (site / "index.html").write_text("<h1>site home</h1>")
    (site / "css" / "main.css").write_text("body{color:red}")
    (app / "index.html").write_text("<div id=app>spa shell</div>")
    (app / "assets" / "app.js").write_text("console.log('app')")
    (root / "secret.txt").write_text("TOP-SECRET")
    return [("/site", site, False), ("/app", app, True)]


@pytest.fixture(scope="module")
def lc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    root = tmp_path_factory.mktemp("lc")
    record_dir = root / "records"
    logs: list[str] = []
    config = CloudConfig(
        template=LC_TEMPLATE, root=root, port=0, aws_port=0, log=logs.append,
        parameter_overrides={"RecordDir": str(record_dir)}, static_mounts=make_static(root / "static"),
    )
    cloud = LocalCloud(config)
    try:
        cloud.start()
        yield Running(cloud, root, record_dir, logs)
    finally:
        cloud.stop()
