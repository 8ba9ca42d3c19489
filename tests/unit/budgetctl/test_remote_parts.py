"""The pieces of the server commands that need no server: the licensed range, `compose ps` output of old
and new Compose, the OS list of product.yaml and reading secrets from AWS (moto)."""

from __future__ import annotations

import base64
import json

import boto3
import pytest
from budgetctl.installation import parse_ps
from budgetctl.models import SecretsFile, VersionRange
from budgetctl.prepare import _os_supported
from budgetctl.secrets import AwsSecrets, SecretError
from moto import mock_aws


@pytest.mark.parametrize(("low", "high", "version", "admitted"), [
    ("4.0", None, "v4.0.0", True),
    ("4.0", None, "v3.9.9", False),
    ("4.1", "4.2", "v4.2.7", True),  # max 4.2: every 4.2.x
    ("4.1", "4.2", "v4.3.0", False),
    ("4.1", "4.2.1", "v4.2.2", False),
    ("4.1", "4.2", "v4.2.0-beta.1", True),
])
def test_the_licensed_range(low: str, high: str | None, version: str, admitted: bool) -> None:
    assert VersionRange(min=low, max=high).admits(version) is admitted


def test_compose_ps_as_json_lines_and_as_an_array() -> None:
    row = {"Service": "backend", "Name": "itbm-acme-backend-1", "State": "running", "Health": "healthy",
           "Status": "Up 2 minutes (healthy)"}
    lines = json.dumps(row) + "\n" + json.dumps(row | {"Service": "worker", "Health": ""}) + "\n"
    assert [service.service for service in parse_ps(lines)] == ["backend", "worker"]
    assert parse_ps(json.dumps([row]))[0].health == "healthy"
    assert parse_ps("") == []


@pytest.mark.parametrize(("os_id", "version_id", "supported"), [
    ("debian", "12", True), ("ubuntu", "24.04", True), ("ubuntu", "20.04", False), ("astra", "1.7_x86-64", True),
    ("redos", "8.0", True), ("centos", "7", False), ("", "", False)])
def test_os_release_against_the_supported_list(os_id: str, version_id: str, supported: bool) -> None:
    listed = ["Ubuntu 22.04", "Ubuntu 24.04", "Debian 12", "Astra Linux SE 1.7", "RED OS 8"]
    assert _os_supported(os_id, version_id, listed) is supported


@mock_aws
def test_secrets_from_secrets_manager_and_kms() -> None:
    session = boto3.session.Session(region_name="eu-central-1")
    arn = session.client("secretsmanager").create_secret(
        Name="itbm/acme/database", SecretString=json.dumps({"password": "pg-pass"}))["ARN"]
    kms = session.client("kms")
    key = kms.create_key()["KeyMetadata"]["Arn"]
    blob = kms.encrypt(KeyId=key, Plaintext=b"ssh-private-key", EncryptionContext={"client": "acme"})
    files = {"acme": SecretsFile.model_validate({
        "db_password": {"secretsmanager": arn, "json_key": "password"},
        "db_whole": {"secretsmanager": arn},
        "db_wrong_key": {"secretsmanager": arn, "json_key": "user"},
        "ssh_key": {"kms": {"key_id": key, "ciphertext": base64.b64encode(blob["CiphertextBlob"]).decode(),
                            "encryption_context": {"client": "acme"}}},
        "ssh_key_other_context": {"kms": {"key_id": key,
                                          "ciphertext": base64.b64encode(blob["CiphertextBlob"]).decode(),
                                          "encryption_context": {"client": "beta"}}}})}
    secrets = AwsSecrets(files, session)
    assert secrets.read("acme/db_password") == b"pg-pass"
    assert json.loads(secrets.read("acme/db_whole")) == {"password": "pg-pass"}
    assert secrets.read("acme/ssh_key") == b"ssh-private-key"
    with pytest.raises(SecretError, match=r"acme/db_wrong_key: .*user"):
        secrets.read("acme/db_wrong_key")
    with pytest.raises(SecretError, match="acme/ssh_key_other_context: AWS InvalidCiphertextException"):
        secrets.read("acme/ssh_key_other_context")
    with pytest.raises(SecretError, match="acme/missing"):
        secrets.read("acme/missing")
