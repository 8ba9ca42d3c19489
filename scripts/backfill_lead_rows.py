"""Fill the leads' rows model (tessera.reporting.lead_rows) for workspaces created before it existed.

    python scripts/backfill_lead_rows.py --workspaces-table T --reporting-table R (--workspace ws_01J… … | --all)
        [--endpoint-url URL] [--region R]

A workspace created since then has complete rows from its own INSERT on the stream and needs nothing; an
older one is exported from the leads table (exact, slower) until this has run for it. Each workspace's
leads are read and merged into the rows (a row the stream wrote since is newer and stays), then the
workspace is marked complete; safe while the stream runs and to run again. `--all` scans the workspaces
table once. Prints one JSON line per workspace. Needs dynamodb:Query (and Scan for --all) on the
workspaces table, dynamodb:Query and PutItem on the reporting table."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "layers" / "tessera"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspaces-table", required=True)
    parser.add_argument("--reporting-table", required=True)
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--workspace", action="append", help="a workspace id (repeatable)")
    which.add_argument("--all", action="store_true", help="every workspace (one scan of the workspaces table)")
    parser.add_argument("--endpoint-url", help="an AWS-compatible endpoint (the local cloud)")
    parser.add_argument("--region", help="AWS region (default: AWS_REGION)")
    args = parser.parse_args(argv)
    os.environ.update({"WORKSPACES_TABLE": args.workspaces_table, "REPORTING_TABLE": args.reporting_table})
    if args.endpoint_url:
        os.environ["AWS_ENDPOINT_URL"] = args.endpoint_url
    if args.region:
        os.environ["AWS_REGION"] = os.environ["AWS_DEFAULT_REGION"] = args.region

    from tessera.core.dynamo import rebind_from_env
    from tessera.reporting import lead_rows
    from tessera.workspaces import leads

    rebind_from_env()
    for workspace_id in args.workspace or leads.every_workspace_id():
        started = time.perf_counter()
        count = lead_rows.backfill(workspace_id, leads.stored_leads(workspace_id))
        print(json.dumps({"workspace_id": workspace_id, "leads": count,
                          "seconds": round(time.perf_counter() - started, 2)}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
