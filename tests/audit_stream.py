"""The audit table's stream as AuditChainFunction's event source mapping delivers it: moto's stream
records, filtered by the template's FilterCriteria, in batches, resumed from a reported failure."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from localcloud.events import _matches_filters
from localcloud.template import load_yaml
from tessera.audit.chaining import chain_records

ROOT = Path(__file__).resolve().parents[1]
_SOURCE = load_yaml(ROOT / "template.yaml")["Resources"]["AuditChainFunction"]["Properties"]["Events"]["NewEvents"]
FILTERS = [json.loads(f["Pattern"]) for f in _SOURCE["Properties"]["FilterCriteria"]["Filters"]]


class Stream:
    def __init__(self, table: str = "audit") -> None:
        # botocore's account-based endpoints route Streams past moto's in-process mock
        self.client = boto3.client("dynamodbstreams", config=Config(account_id_endpoint_mode="disabled"))
        arn = boto3.client("dynamodb").describe_table(TableName=table)["Table"]["LatestStreamArn"]
        shard = self.client.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
        self.iterator = self.client.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                                       ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        self.pending: list[dict[str, Any]] = []

    def read(self) -> list[dict[str, Any]]:
        """Records written since the last read that pass the filter (what the chainer is invoked with)."""
        page = self.client.get_records(ShardIterator=self.iterator)
        self.iterator = page["NextShardIterator"]
        fresh = [r for r in page["Records"] if _matches_filters(r, FILTERS)]
        self.pending.extend(fresh)
        return fresh

    def deliver(self, batch_size: int = 100) -> int:
        """Run the chainer over everything pending, batch by batch, as Lambda does: a batch that reports a
        failure is retried from that record. Returns the number of invocations."""
        self.read()
        invocations = 0
        while self.pending:
            batch = self.pending[:batch_size]
            invocations += 1
            failed = chain_records(batch)
            done = len(batch) if failed is None else [r["dynamodb"]["SequenceNumber"] for r in batch].index(failed)
            self.pending = self.pending[done:]
            assert invocations < 1000, "the chainer makes no progress"
        return invocations
