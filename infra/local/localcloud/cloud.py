"""The whole local cloud in one object: moto, the Lambda front proxy, resources, event sources,
schedules, the gateway and the /_local pages, all driven by one SAM template.

`make run` and the e2e tests both start it through `python -m localcloud run`, so tests see exactly
what a person sees.
"""

from __future__ import annotations

import faulthandler
import functools
import os
import subprocess
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from localcloud.template import ACCOUNT_ID, REGION, Template, load_template

if TYPE_CHECKING:
    from localcloud.demo_site import DemoSite

# Variables every local process needs so boto3 and PynamoDB talk to moto and nothing else.
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_SESSION_TOKEN": "local",
    "AWS_REGION": REGION,
    "AWS_DEFAULT_REGION": REGION,
    # botocore ≥1.37 routes DynamoDB (and Streams) to account-specific hosts moto does not serve.
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
}


STOP_DEADLINE_SECONDS = 15

@dataclass
class CloudConfig:
    template: Path
    root: Path
    host: str = "127.0.0.1"
    port: int = 8080
    aws_port: int = 0  # the proxy in front of moto; 0 = any free port
    state_dir: Path = Path(".local")
    parameter_overrides: dict[str, str] = field(default_factory=dict)
    static_mounts: list[tuple[str, Path, bool]] = field(default_factory=list)  # (prefix, dir, spa_fallback)
    seed: Callable[[LocalCloud], list[str]] | None = None  # demo data; returns lines to print
    demo_site_port: int = 0  # the demo customer's site (another origin, embeds the widget); 0 = any free port
    log: Callable[[str], None] = print


def project_version(root: Path) -> str:
    text = (root / "pyproject.toml").read_text(encoding="utf-8") if (root / "pyproject.toml").exists() else ""
    for line in text.splitlines():
        if line.startswith("version"):
            return line.split("=", 1)[1].strip().strip('"')
    return "0.0.0"


def git_commit(root: Path) -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True,
                             text=True, timeout=5, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return out.stdout.strip() or "unknown"


class LocalCloud:
    def __init__(self, config: CloudConfig) -> None:
        self.config = config
        self.log = config.log
        self.template: Template | None = None
        self._stoppers: list[Callable[[], None]] = []

    # Started parts, set by start()
    endpoint_url: str
    gateway_url: str
    demo_site: DemoSite

    def start(self) -> LocalCloud:
        from localcloud.clock import PlatformClock
        from localcloud.demo_site import DemoSite
        from localcloud.events import EventSources
        from localcloud.gateway import BucketMount, Gateway, StaticMount
        from localcloud.invoker import Invoker
        from localcloud.moto_server import start_moto
        from localcloud.pages import LocalPages
        from localcloud.provision import provision
        from localcloud.proxy import start_proxy
        from localcloud.scheduler import Scheduler

        started = time.perf_counter()
        cfg = self.config
        os.environ.update(FAKE_CREDENTIALS)
        state_dir = (cfg.root / cfg.state_dir).resolve()
        state_dir.mkdir(parents=True, exist_ok=True)
        overrides = {"Version": project_version(cfg.root), "Commit": git_commit(cfg.root), "Stage": "local"}
        overrides.update(cfg.parameter_overrides)
        template = load_template(cfg.template, parameter_overrides=_known(cfg.template, overrides))
        self.template = template

        moto = start_moto(host=cfg.host)
        self._stoppers.append(moto.stop)

        # One clock per running cloud: two clouds of one checkout (the tests' second cloud) must not share time.
        clock_file = state_dir / f"clock-{os.getpid()}.json"
        self._stoppers.append(functools.partial(clock_file.unlink, missing_ok=True))
        clock = PlatformClock(clock_file)
        clock.reset()  # each run starts at real time: the state (moto) is fresh too
        self.clock = clock

        # The proxy must be up before anything calls AWS: its URL is the one endpoint every process uses.
        common_env = dict(FAKE_CREDENTIALS)
        common_env["TESSERA_CLOCK_FILE"] = str(clock_file)
        invoker = Invoker(template, common_env, log=self.log)
        self._stoppers.append(invoker.close)
        proxy_server, proxy_port = start_proxy(invoker, moto.port, host=cfg.host, port=cfg.aws_port)
        self._stoppers.append(proxy_server.shutdown)
        self.endpoint_url = f"http://{cfg.host}:{proxy_port}"
        # Moto's Step Functions interpreter calls Lambda at localhost:$MOTO_PORT: send it through the proxy.
        # Both go back to what they were on stop: a process that runs the cloud and then other AWS code
        # (the test suite) must not keep calling an endpoint that is gone.
        for key in ("MOTO_PORT", "AWS_ENDPOINT_URL"):
            self._stoppers.insert(0, functools.partial(_restore_env, key, os.environ.get(key)))
        os.environ["MOTO_PORT"] = str(proxy_port)
        os.environ["AWS_ENDPOINT_URL"] = self.endpoint_url
        common_env["AWS_ENDPOINT_URL"] = self.endpoint_url
        self.invoker = invoker

        provision(template, self.endpoint_url, log=self.log)
        for logical_id in template.functions:  # a bad intrinsic fails the start, not the first invocation
            template.environment(logical_id)

        scheduler = Scheduler(template, invoker, clock, self.endpoint_url, self.log)
        events = EventSources(template, invoker, self.endpoint_url, self.log)
        pages = LocalPages(template, invoker, scheduler, clock, self.endpoint_url)
        mounts = [StaticMount(prefix, directory, spa) for prefix, directory, spa in cfg.static_mounts
                  if directory.is_dir()]
        # CloudFront's /widgets/* behaviour: published widget configs straight from their bucket
        buckets = [BucketMount("/widgets", template.buckets["WidgetConfigBucket"].name, self.endpoint_url)] \
            if "WidgetConfigBucket" in template.buckets else []
        gateway = Gateway(template, invoker, host=cfg.host, port=cfg.port, static_mounts=mounts, bucket_mounts=buckets,
                          pages=pages, log=self.log)
        port = gateway.start()
        self._stoppers.append(gateway.stop)
        self.gateway_url = f"http://{cfg.host}:{port}"
        events.start()
        self._stoppers.append(events.stop)
        scheduler.start()
        self._stoppers.append(scheduler.stop)
        self.scheduler, self.events, self.gateway, self.pages = scheduler, events, gateway, pages
        self.demo_site = DemoSite(cfg.host, cfg.demo_site_port)
        self.demo_site.platform = self.gateway_url
        self.demo_site.start()
        self._stoppers.append(self.demo_site.stop)

        seed_lines = cfg.seed(self) if cfg.seed else []
        invoker.publish_snapshots()
        self.ready_seconds = time.perf_counter() - started
        self._print_banner(seed_lines)
        return self

    def _print_banner(self, seed_lines: list[str]) -> None:
        url = self.gateway_url
        assert self.template is not None
        lines = [
            "",
            f"Tessera local cloud ready in {self.ready_seconds:.1f} s",
            f"  gateway     {url}/            (API under {url}/api/)",
            f"  health      {url}/api/health",
            f"  mailbox     {url}/_local/mailbox",
            f"  chats       {url}/_local/chats   (Telegram and Slack messages, sent to local fakes)",
            f"  clock       {url}/_local/clock",
            f"  resources   {url}/_local/resources",
            f"  AWS         {self.endpoint_url}   (AWS_ENDPOINT_URL for boto3 / the AWS CLI; account {ACCOUNT_ID})",
            f"  template    {len(self.template.functions)} functions, {len(self.template.routes)} routes, "
            f"{len(self.template.tables)} tables, {len(self.template.queues)} queues, "
            f"{len(self.template.state_machines)} state machines, {len(self.template.schedules)} schedules",
            *seed_lines,
            "Press Ctrl-C to stop.",
        ]
        self.log("\n".join(lines))

    def stop(self) -> None:
        # A stop that hangs prints every thread's stack and ends the process: Ctrl-C always returns the terminal.
        faulthandler.dump_traceback_later(STOP_DEADLINE_SECONDS, exit=True)
        while self._stoppers:
            stopper = self._stoppers.pop()
            started = time.perf_counter()
            try:
                stopper()
            except Exception as exc:
                self.log(f"localcloud: error while stopping: {exc}")
            if (took := time.perf_counter() - started) > 2:  # a stop should take a second or two: say what held it
                self.log(f"localcloud: stopping {getattr(stopper, '__qualname__', stopper)} took {took:.1f} s")
        faulthandler.cancel_dump_traceback_later()


def _restore_env(key: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(key, None)
    else:
        os.environ[key] = value


def _known(template_path: Path, overrides: Mapping[str, str]) -> dict[str, str]:
    """Only pass overrides for parameters the template declares (small test templates have few)."""
    from localcloud.template import load_yaml

    declared = (load_yaml(template_path).get("Parameters") or {}).keys()
    return {key: value for key, value in overrides.items() if key in declared}
