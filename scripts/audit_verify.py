"""Verify an audit chain: every event's hash, no seq missing, the head at the last event.

    python scripts/audit_verify.py --table tessera-prod-AuditTable-XYZ [--chain main] [--endpoint-url URL]

Prints the result as JSON; exits 0 when the chain is valid, 1 when it is not, 2 when it could not be
read. Needs dynamodb:GetItem and dynamodb:Query on the table (read-only)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "layers" / "tessera"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--table", required=True, help="the audit table's name")
    parser.add_argument("--chain", default="main", help="the chain to verify (default: main)")
    parser.add_argument("--endpoint-url", help="a DynamoDB-compatible endpoint (the local cloud, a store in Russia)")
    parser.add_argument("--region", help="AWS region (default: AWS_REGION)")
    args = parser.parse_args(argv)
    # read by the client tessera.core.dynamo makes when it is imported, as boto3 reads them
    if args.endpoint_url:
        os.environ["AWS_ENDPOINT_URL"] = args.endpoint_url
    if args.region:
        os.environ["AWS_REGION"] = args.region

    from pynamodb.exceptions import PynamoDBException

    from tessera.audit import repository, service
    from tessera.core.errors import Problem

    repository.bind(args.table)
    try:
        result = service.verify(args.chain)
    except (PynamoDBException, Problem) as exc:
        print(json.dumps({"table": args.table, "chain": args.chain, "error": str(exc)}), file=sys.stderr)
        return 2
    print(json.dumps({"table": args.table, "chain": args.chain, **result.model_dump()}, ensure_ascii=False))
    return 0 if result.valid else 1


if __name__ == "__main__":
    sys.exit(main())
