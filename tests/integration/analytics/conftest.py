"""The Fast Lead world (a workspace with a published widget) with the reporting table, the export queue
and bucket, and the workspaces table's stream delivered to ReportingAggregatorFunction as its event source
mapping does (the template's filter, in batches)."""

from __future__ import annotations

import json
import os
from typing import Any

import boto3
import pytest
from botocore.config import Config

from localcloud.events import _matches_filters
from tests.integration.identity.conftest import client, stack  # noqa: F401  (the same stack)
from tests.integration.stack import RESOURCES, LambdaContext, handler_of
from tests.integration.workspaces.conftest import fastlead, world  # noqa: F401
from tests.integration.workspaces.test_ingest import live  # noqa: F401

EXPORTS = "tessera-exports"
_SOURCE = RESOURCES["ReportingAggregatorFunction"]["Properties"]["Events"]["Leads"]["Properties"]
FILTERS = [json.loads(f["Pattern"]) for f in _SOURCE["FilterCriteria"]["Filters"]]


class LeadStream:
    """The workspaces table's stream: records since the last read that pass the filter."""

    def __init__(self, table: str) -> None:
        # botocore's account-based endpoints route Streams past moto's in-process mock
        self.client = boto3.client("dynamodbstreams", config=Config(account_id_endpoint_mode="disabled"))
        self.arn = boto3.client("dynamodb").describe_table(TableName=table)["Table"]["LatestStreamArn"]
        self.shard = self.client.describe_stream(StreamArn=self.arn)["StreamDescription"]["Shards"][0]["ShardId"]
        self.last: str | None = None
        self.records_seen: list[dict[str, Any]] = []

    def read(self) -> list[dict[str, Any]]:
        # a new iterator after the last record each time: moto swaps a table for its copy when a transaction
        # fails, and an older iterator stays on the table it was made for
        where = ({"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": self.last} if self.last
                 else {"ShardIteratorType": "TRIM_HORIZON"})
        page = self.client.get_records(ShardIterator=self.client.get_shard_iterator(
            StreamArn=self.arn, ShardId=self.shard, **where)["ShardIterator"])["Records"]
        if page:
            self.last = page[-1]["dynamodb"]["SequenceNumber"]
        records = [r for r in page if _matches_filters(r, FILTERS)]
        self.records_seen += records
        return records

    def deliver(self, records: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
        """The aggregator over what is new (or over `records` again: a redelivery)."""
        records = self.read() if records is None else records
        answer = handler_of("ReportingAggregatorFunction")({"Records": records}, LambdaContext())
        assert answer == {"batchItemFailures": []}
        return records


@pytest.fixture
def reporting(live: dict[str, Any]) -> dict[str, Any]:  # noqa: F811
    from tessera.core.dynamo import rebind_from_env
    from tessera.core.settings import get_settings

    queue = boto3.client("sqs").create_queue(QueueName="reporting-export")["QueueUrl"]
    boto3.client("s3").create_bucket(Bucket=EXPORTS, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    os.environ.update({"REPORTING_TABLE": live["stack"].ids["ReportingTable"], "EXPORTS_BUCKET": EXPORTS,
                       "REPORTING_EXPORT_QUEUE_URL": queue,
                       "REPORTING_EXPORT_BARRIER_SECONDS": "0"})  # a job the stream has not reached reads the leads
    rebind_from_env()
    get_settings.cache_clear()
    return {**live, "stream": LeadStream(live["stack"].ids["WorkspacesTable"]), "queue": queue}


def run_exports(queue: str) -> int:
    """What ReportingExportFunction does: take the queue's messages until it is empty."""
    sqs, worker, done = boto3.client("sqs"), handler_of("ReportingExportFunction"), 0
    while messages := sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=1).get("Messages", []):
        record = {"messageId": messages[0]["MessageId"], "body": messages[0]["Body"]}
        assert worker({"Records": [record]}, LambdaContext()) == {"batchItemFailures": []}
        sqs.delete_message(QueueUrl=queue, ReceiptHandle=messages[0]["ReceiptHandle"])
        done += 1
    return done
