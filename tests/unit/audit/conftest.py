from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tests.unit.audit.tables import create_audit_table


@pytest.fixture
def audit_table(aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    # DynamoDB isolates transactions on an item; moto does not (it snapshots and restores whole
    # tables), so threads get the lock DynamoDB has.
    from moto.dynamodb.models import DynamoDBBackend

    lock = threading.Lock()
    original = DynamoDBBackend.transact_write_items

    def serialized(self: Any, transact_items: list[dict[str, Any]]) -> None:
        with lock:
            original(self, transact_items)

    monkeypatch.setattr(DynamoDBBackend, "transact_write_items", serialized)
    create_audit_table()
    yield "audit"


@pytest.fixture
def audit_aws(audit_table: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """What the audit functions have beside the table (template.yaml): the signing key, the checkpoint
    bucket (versioned, Object Lock) and the verification queue, in the environment they read."""
    import boto3

    from tessera.audit import checkpoints
    from tessera.core.settings import get_settings

    key = boto3.client("kms").create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="checkpoints", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"},
                     ObjectLockEnabledForBucket=True)
    s3.put_bucket_versioning(Bucket="checkpoints", VersioningConfiguration={"Status": "Enabled"})
    s3.put_object_lock_configuration(Bucket="checkpoints", ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 400}}})
    queue = boto3.client("sqs").create_queue(QueueName="audit-verify")["QueueUrl"]
    names = {"AUDIT_TABLE": audit_table, "AUDIT_SIGNING_KEY_ID": key, "AUDIT_CHECKPOINT_BUCKET": "checkpoints",
             "AUDIT_VERIFY_QUEUE_URL": queue}
    for name, value in names.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    checkpoints.signer.cache_clear()
    yield names
    get_settings.cache_clear()
    checkpoints.signer.cache_clear()
