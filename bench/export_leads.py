"""Leads export (issue 11's budget: 100 000 leads to CSV in S3 in ≤ 10 s locally, flat memory):
`python -m bench.export_leads [--rows-leads N ...]`.

In one process on moto (mock_aws): a workspace with N leads in the rows model (tessera.reporting.lead_rows,
written by its backfill, as the stream keeps it) or in the workspaces table, then one export job run by the
worker's code (`tessera.reporting.exports.run`): the rows (or leads) read page by page, the CSV streamed
into an S3 multipart upload. Reported per N: the job's wall time, and the export's working memory under
tracemalloc (the peak less what stays allocated after it, which is moto's copy of the table and of the
uploaded file: memory the export itself needs is the difference, and it should not grow with N). The
memory run discards the S3 writes (answered without being sent), so moto's copies of the parts do not
count; the timed run uploads for real."""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "infra" / "local"))
# moto answers in-process; the platform's boto3 clients are made at import, after these
os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "eu-central-1",
                   "AWS_REGION": "eu-central-1", "POWERTOOLS_TRACE_DISABLED": "1", "POWERTOOLS_METRICS_DISABLED": "1"})
os.environ.pop("AWS_ENDPOINT_URL", None)
BUDGET_SECONDS = 10.0
BUDGET_LEADS = 100_000
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _tables() -> None:
    import boto3

    from localcloud.template import load_yaml

    resources = load_yaml(ROOT / "template.yaml")["Resources"]
    for name in ("WorkspacesTable", "ReportingTable", "BillingTable"):
        props = resources[name]["Properties"]
        args: dict[str, Any] = {"TableName": name, "BillingMode": "PAY_PER_REQUEST", "KeySchema": props["KeySchema"],
                                "AttributeDefinitions": props["AttributeDefinitions"]}
        if props.get("GlobalSecondaryIndexes"):
            args["GlobalSecondaryIndexes"] = [{k: g[k] for k in ("IndexName", "KeySchema", "Projection")}
                                              for g in props["GlobalSecondaryIndexes"]]
        boto3.client("dynamodb").create_table(**args)
    os.environ.update({"WORKSPACES_TABLE": "WorkspacesTable", "REPORTING_TABLE": "ReportingTable",
                       "BILLING_TABLE": "BillingTable", "EXPORTS_BUCKET": "exports",
                       "REPORTING_EXPORT_QUEUE_URL": "unused"})
    boto3.client("s3").create_bucket(Bucket="exports", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    from tessera.core.dynamo import rebind_from_env

    rebind_from_env()


def _lead(n: int, org_id: str, workspace_id: str) -> dict[str, Any]:
    """The n-th bench lead's attributes as stored: form fields as the widget sends, a second apart."""
    from ulid import ULID

    moment = T0 + timedelta(seconds=n)
    lead_id = f"lead_{ULID.from_timestamp(moment.timestamp())}"
    return dict(pk=f"WS#{workspace_id}", sk=f"LEAD#{lead_id}", lead_id=lead_id, org_id=org_id,
                workspace_id=workspace_id, channel="widget", status="new", name=f"Клиент {n}", phone=f"+7999{n:07d}",
                email=f"client{n}@example.ru", message="Нужен замер окон, перезвоните вечером",
                page_url="https://okna.example.ru/catalog", utm={"utm_source": "yandex"}, created_at=moment,
                updated_at=moment, status_key=f"WS#{workspace_id}#new", lead_key=lead_id,
                search_text=f"клиент {n} +7999{n:07d} client{n}@example.ru нужен замер окон")


def _workspace(count: int, rows: bool = False) -> tuple[str, str, float]:
    """An organization's workspace with `count` leads: in the workspaces table, or (`rows`) in the rows
    model as the stream's aggregator and the backfill write it. Also the seconds the rows took to write."""
    from ulid import ULID

    from tessera.reporting import lead_rows
    from tessera.workspaces.records import LeadRecord, WorkspaceRecord

    org_id, workspace_id = f"org_{ULID()}", f"ws_{ULID()}"
    WorkspaceRecord(pk=f"ORG#{org_id}", sk=f"WS#{workspace_id}", workspace_id=workspace_id, org_id=org_id,
                    name="Окна", status="active", widget_id=f"wgt_{ULID()}", created_at=T0, created_by="bench",
                    updated_at=T0).save()
    if rows:
        started = time.perf_counter()
        lead_rows.backfill(workspace_id, (_lead(n, org_id, workspace_id) for n in range(count)))
        return org_id, workspace_id, time.perf_counter() - started
    with LeadRecord.batch_write() as batch:
        for n in range(count):
            batch.save(LeadRecord(**_lead(n, org_id, workspace_id)))
    return org_id, workspace_id, 0.0


def _job(org_id: str, workspace_id: str) -> str:
    from ulid import ULID

    from tessera.reporting.records import ExportJobRecord

    export_id = f"exp_{ULID()}"
    ExportJobRecord(pk=f"WS#{workspace_id}", sk=f"EXPORT#{export_id}", export_id=export_id,
                    workspace_id=workspace_id, org_id=org_id, kind="leads", format="csv", filters={},
                    status="queued", requested_by="bench", created_at=T0,
                    rows_ready_at=T0).save()  # as the stream's aggregator marks it when it reaches the job
    return export_id


def _memory_leads(org_id: str, workspace_id: str, count: int) -> Any:
    """What `leads.export_batches` yields, made in memory: the export's own pipeline without DynamoDB."""
    from tessera.workspaces.models import LeadView

    def batches(*_args: Any, batch_size: int, **_filters: Any) -> Any:
        for start in range(0, count, batch_size):
            yield [LeadView(id=f"lead_{n:026d}", workspace_id=workspace_id, channel="widget", status="new",
                            locked=False, name=f"Клиент {n}", phone=f"+7999{n:07d}", email=f"client{n}@example.ru",
                            message="Нужен замер окон, перезвоните вечером", page_url="https://okna.example.ru/catalog",
                            utm={"utm_source": "yandex"}, created_at=T0 + timedelta(seconds=n),
                            updated_at=T0 + timedelta(seconds=n))
                   for n in range(start, min(start + batch_size, count))]
    return batches


def _discard_uploads(s3: Any) -> None:
    """S3 writes answered without being sent (botocore's before-call short circuit): the memory measured is
    the export's own, not moto's copies of the parts and of the joined file."""
    from types import SimpleNamespace

    answers = {"CreateMultipartUpload": {"UploadId": "discarded"}, "UploadPart": {"ETag": '"discarded"'},
               "CompleteMultipartUpload": {}, "PutObject": {"ETag": '"discarded"'}}
    for operation, parsed in answers.items():
        s3.meta.events.register(f"before-call.s3.{operation}",
                                lambda parsed=parsed, **_: (SimpleNamespace(status_code=200, headers={}), parsed))


def measure(count: int, source: str) -> dict[str, float]:
    """Seconds and working memory (MiB) of one CSV export of `count` leads read from the rows model on moto
    (`source="rows"`, what an export reads once the stream has caught up), from the workspaces table on
    moto (`"moto"`: the fallback), or made in memory (`"memory"`: the CSV and the S3 multipart upload)."""
    from unittest import mock

    from moto import mock_aws

    from tessera.reporting import exports

    with mock_aws():
        _tables()
        write_seconds = 0.0
        if source in ("moto", "rows"):
            org_id, workspace_id, write_seconds = _workspace(count, rows=source == "rows")
            patch: Any = mock.patch.object(exports.leads, "export_batches", exports.leads.export_batches)
        else:
            org_id, workspace_id = "org_bench", "ws_bench"
            patch = mock.patch.object(exports.leads, "export_batches", _memory_leads(org_id, workspace_id, count))
        with patch:
            started = time.perf_counter()
            job = exports.run(workspace_id, _job(org_id, workspace_id))
            seconds = time.perf_counter() - started
            assert job is not None and job.status == "done" and int(job.rows) == count, job
            assert job.read_from == ("rows" if source == "rows" else "leads"), job.read_from
            _discard_uploads(exports.service.s3)  # moto keeps the parts and joins them: S3's memory, not ours
            tracemalloc.start()
            exports.run(workspace_id, _job(org_id, workspace_id))
            after, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        return {"leads": count, "seconds": seconds, "working_mib": (peak - after) / 2**20,
                "file_mib": int(job.size or 0) / 2**20, "write_seconds": write_seconds}


def parse_cost(per_page: int = 1_000, pages: int = 5) -> dict[str, float]:
    """What reading a lead costs the export's own process on AWS, where DynamoDB answers fast: a Query page
    of leads as the table stores them (the bench's leads, serialized by PynamoDB, ~1 MB) parsed by botocore's
    JSON parser and turned into records by PynamoDB, as `repository.all_leads` does. Microseconds per lead."""
    import json as _json

    import botocore.session
    from botocore.parsers import create_parser
    from ulid import ULID

    from tessera.workspaces.records import LeadRecord

    workspace_id, org_id = f"ws_{ULID()}", f"org_{ULID()}"
    items = []
    for n in range(per_page):
        moment = T0 + timedelta(seconds=n)
        lead_id = f"lead_{ULID.from_timestamp(moment.timestamp())}"
        record = LeadRecord(
            pk=f"WS#{workspace_id}", sk=f"LEAD#{lead_id}", lead_id=lead_id, org_id=org_id, workspace_id=workspace_id,
            widget_id="wgt_1", client_lead_id=str(ULID()), channel="widget", status="new", name=f"Клиент {n}",
            phone=f"+7999{n:07d}", email=f"client{n}@example.ru", message="Нужен замер окон, перезвоните вечером",
            consent={"accepted": True, "text_version": "v1", "at": moment.isoformat(), "ip": "203.0.113.5"},
            page_url="https://okna.example.ru/catalog", referrer="https://ya.ru/", utm={"utm_source": "yandex"},
            locale="ru", search_text=f"клиент {n} +7999{n:07d} client{n}@example.ru нужен замер окон",
            created_at=moment, updated_at=moment, status_key=f"WS#{workspace_id}#new", lead_key=lead_id)
        record.row_version = 1
        items.append(record.serialize())
    body = _json.dumps({"Items": items, "Count": per_page, "ScannedCount": per_page}).encode()
    shape = botocore.session.get_session().get_service_model("dynamodb").operation_model("Query").output_shape
    parser = create_parser("json")
    started = time.perf_counter()
    for _ in range(pages):
        parsed = parser.parse({"body": body, "headers": {}, "status_code": 200}, shape)
        records = [LeadRecord.from_raw_data(item) for item in parsed["Items"]]
    seconds = (time.perf_counter() - started) / pages
    assert len(records) == per_page
    return {"page_kib": len(body) / 1024, "us_per_lead": seconds / per_page * 1e6}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.export_leads")
    parser.add_argument("--rows-leads", type=int, action="append",
                        help="end to end from the rows model on moto (10 000 and 100 000)")
    parser.add_argument("--leads", type=int, action="append", help="in-memory pipeline sizes (100 000)")
    parser.add_argument("--moto-leads", type=int, default=1_000, help="from the leads table on moto (the fallback)")
    args = parser.parse_args(argv)
    runs = (("rows", args.rows_leads or [10_000, BUDGET_LEADS]), ("memory", args.leads or [BUDGET_LEADS]),
            ("moto", [args.moto_leads]))
    for source, counts in runs:
        for count in counts:
            result = measure(count, source)
            verdict = ""
            if count == BUDGET_LEADS:
                within = "ok" if result["seconds"] <= BUDGET_SECONDS else "OVER"
                verdict = f" (budget ≤ {BUDGET_SECONDS:.0f} s {within})"
            written = f"; the rows written in {result['write_seconds']:.1f} s" if source == "rows" else ""
            print(f"{source}: {count} leads → CSV {result['file_mib']:.1f} MiB in S3: {result['seconds']:.1f} s"
                  f"{verdict}; export working memory {result['working_mib']:.1f} MiB{written}")
    cost = parse_cost()
    print(f"reading one lead (a {cost['page_kib']:.0f} KiB Query page parsed by botocore and PynamoDB): "
          f"{cost['us_per_lead']:.0f} µs → {cost['us_per_lead'] * BUDGET_LEADS / 1e6:.1f} s of CPU for "
          f"{BUDGET_LEADS} leads before any network")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
