"""Deploys on the stack: the real deploy machine executed by moto's Step Functions with its tasks served
in-process (as tests/integration/billing/test_dunning_machine.py), the starts queue drained as its SQS
event source would, and an installation activated through the real API whose agent is
tessera_agent.CommandPoller talking to the real /api/agent/* handlers."""

from __future__ import annotations

import base64
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import urlparse

import boto3
import pytest
from cryptography.hazmat.primitives import serialization
from moto.core.config import default_user_config

from tessera.core import clock
from tessera.core.crypto import LocalSigner, jws_sign, public_jwk
from tests.integration.identity.conftest import client, stack  # noqa: F401  (the same stack)
from tests.integration.identity.flows import customer
from tests.integration.notify.conftest import as_staff
from tests.integration.stack import ROOT, Client, LambdaContext, Platform, handler_of, invoke_server

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "clients" / "agent"))  # tessera_agent, as its tests do

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
ACCOUNT, REGION = "123456789012", "eu-central-1"
TERMS = {"plan": "advanced", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "domain": "budget.romashka.ru",
         "version_min": "4.0", "version_max": "4.3"}
DIGEST = "sha256:" + "ab" * 32
RELEASE = {"version": "4.3.0", "channel": "stable", "git_sha": "0123456789abcdef",
           "changelog": "- Бюджеты по подразделениям",
           "images": {"backend": f"registry.example/backend:v4.3.0@{DIGEST}",
                      "frontend": f"registry.example/frontend:v4.3.0@{DIGEST}"}}



class Installation:
    """An IT Budget Manager server: activated with the license key through the real API, heartbeats signed
    by its key (and drained through the heartbeat worker), and the agent state CommandPoller signs with."""

    def __init__(self, license_key: str, fingerprint: str = "machine-aaaabbbbccccdddd", version: str = "4.2.0") -> None:
        from tessera_agent.state import State

        self.signer = LocalSigner.generate()
        jwk = public_jwk(self.signer.public_key(), kid="")
        answer = Client().post("/api/licenses/activate", {
            "license_key": license_key, "fingerprint": fingerprint, "software_version": version,
            "domain": TERMS["domain"], "public_key": {k: jwk[k] for k in ("kty", "crv", "x", "y")}}).body
        assert answer["activated"], answer
        self.id, self.certificate = answer["installation_id"], answer["certificate"]
        self.license_id = json.loads(_unb64(self.certificate.split(".")[1]))["lic"]
        pem = self.signer.private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode()
        self.state = State(installation_id=self.id, private_key_pem=pem, certificate=self.certificate)
        self.seq = 0

    def beat(self, version: str) -> None:
        """A heartbeat reporting `version`, applied by the heartbeat worker as its queue would."""
        self.seq += 1
        token = jws_sign({"lic": self.license_id, "ins": self.id, "seq": self.seq,
                          "sent_at": clock.epoch_seconds(), "software_version": version,
                          "active_modules": ["core"], "usage": {"users": 10}, "seen_version": 1},
                         self.signer, kid=self.id)
        answer = Client().post("/api/licenses/heartbeat", {"heartbeat": token, "certificate": self.certificate})
        assert answer.body["accepted"], answer.body
        sqs, url = boto3.client("sqs"), os.environ["HEARTBEAT_QUEUE_URL"]
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        records = [{"messageId": m["MessageId"], "body": m["Body"]} for m in messages]
        assert handler_of("HeartbeatWorkerFunction")({"Records": records}, LambdaContext()) == {"batchItemFailures": []}
        for m in messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def portal(method: str, url: str, data: bytes | None, headers: dict[str, str]) -> dict[str, Any]:
    """CommandPoller's transport: the request into the real handlers, as API Gateway would pass it."""
    from tessera_agent.agent import PortalUnavailable

    answer = Client().call(method, urlparse(url).path, raw_body=data.decode() if data is not None else None,
                           headers={k.lower(): v for k, v in headers.items()})
    if answer.status >= 400:
        raise PortalUnavailable(f"{answer.status}: {answer.body}")
    return dict(answer.body)


@dataclass
class World:
    stack: Platform
    machine_arn: str
    org_id: str
    license_id: str
    license_key: str
    installation: Installation

    def execution(self, run_id: str) -> str:
        return self.machine_arn.replace(":stateMachine:", ":execution:") + f":{run_id}"

    def drain_starts(self) -> int:
        """What the SQS event source does for DeployStartsFunction: a batch in, the started ones deleted, the
        waiting ones visible again (at once here: the visibility timeout in a test is no time)."""
        sqs, url = boto3.client("sqs"), os.environ["DEPLOY_STARTS_QUEUE_URL"]
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        records = [{"messageId": m["MessageId"], "body": m["Body"]} for m in messages]
        answer = handler_of("DeployStartsFunction")({"Records": records}, LambdaContext())
        waiting = {item["itemIdentifier"] for item in answer["batchItemFailures"]}
        for m in messages:
            if m["MessageId"] in waiting:
                sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0)
            else:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        return len(messages) - len(waiting)

    def start(self, version: str = "4.3.0", reason: str = "плановое обновление") -> dict[str, Any]:
        answer = as_staff("implementation").post(f"/api/console/installations/{self.installation.id}/deploys",
                                                 {"version": version, "reason": reason})
        assert answer.status == 202, answer.body
        return dict(answer.body)

    def poller(self, runner: Any = None) -> Any:
        from tessera_agent.commands import CommandPoller

        return CommandPoller("https://portal.test", self.installation.state, runner, transport=portal,
                             clock=lambda: clock.now().timestamp())

    def run_agent(self, run_id: str, runner: Any, *, during: Callable[[dict[str, Any]], None] | None = None,
                  timeout: float = 60) -> dict[str, Any]:
        """Start the queued run, then be its agent until the execution ends: the run as the console reads it,
        with the states the execution entered. `during` sees the run between polls."""
        from tessera.deploys import service

        self.drain_starts()
        poller = self.poller(runner)
        sfn = boto3.client("stepfunctions")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            described = sfn.describe_execution(executionArn=self.execution(run_id))
            if described["status"] != "RUNNING":
                run = as_staff("auditor").get(f"/api/console/deploys/runs/{run_id}").body
                states = [e["stateEnteredEventDetails"]["name"] for e in
                          sfn.get_execution_history(executionArn=self.execution(run_id))["events"]
                          if "stateEnteredEventDetails" in e]
                return {**run, "status": described["status"], "states": states}
            if during is not None:  # read through the service: the console's per-user rate limit is not the point
                during(service.get_run(run_id).model_dump(mode="json"))
            if not poller.run_once():
                time.sleep(0.1)
        raise AssertionError("the execution did not end in time")


@pytest.fixture
def world(stack: Platform) -> Iterator[World]:  # noqa: F811
    server = invoke_server("DeployTasksFunction")
    function_arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:DeployTasksFunction:live"
    starts = boto3.client("sqs").create_queue(QueueName="deploy-starts")["QueueUrl"]
    environment = {"AWS_ENDPOINT_URL_LAMBDA": f"http://127.0.0.1:{server.server_port}",
                   "DEPLOYS_TABLE": stack.ids["DeploysTable"], "DEPLOY_STARTS_QUEUE_URL": starts,
                   "DEPLOY_MAX_RUNNING": "3", "DEPLOY_AGENT_TIMEOUT_SECONDS": "30",
                   "DEPLOY_HEARTBEAT_TIMEOUT_SECONDS": "900", "DEPLOY_POLL_INTERVAL_SECONDS": "1"}
    with mock.patch.dict(default_user_config["stepfunctions"], {"execute_state_machine": True}), \
            mock.patch.dict(os.environ, environment):
        text = (ROOT / "statemachines" / "deploy.asl.json").read_text(encoding="utf-8")
        machine_arn = boto3.client("stepfunctions").create_state_machine(
            name="deploy", roleArn=f"arn:aws:iam::{ACCOUNT}:role/sfn",
            definition=text.replace("${DeployTasksFunctionArn}", function_arn))["stateMachineArn"]
        os.environ["DEPLOY_STATE_MACHINE_ARN"] = machine_arn
        from tessera.core.dynamo import rebind_from_env
        from tessera.core.request import RequestInfo
        from tessera.core.settings import get_settings
        from tessera.deploys import service
        from tessera.deploys.models import ReleaseRequest

        rebind_from_env()
        get_settings.cache_clear()
        with clock.frozen(NOW):
            _, me = customer(stack, "owner@romashka.ru")
            org_id = me["current"]["org_id"]
            issued = as_staff("admin").post("/api/console/licenses", {"org_id": org_id, **TERMS})
            assert issued.status == 201, issued.body
            installation = Installation(issued.body["license_key"])
            installation.beat("4.2.0")
            service.register_release(ReleaseRequest.model_validate(RELEASE), "int_ci", RequestInfo())
            world = World(stack, machine_arn, org_id, issued.body["license"]["id"], issued.body["license_key"],
                          installation)
            assert world.poller().fetch() is None  # the agent's first call: the portal knows the installation
            yield world
        get_settings.cache_clear()
    server.shutdown()
