"""DeployStartsQueue's worker: each message starts one queued deploy run when a running slot is free; a
start with no free slot is a partial batch failure, so SQS brings it back after the visibility timeout."""

from __future__ import annotations

import json
from typing import Any

from tessera.core.observability import handling, lambda_entry, logger
from tessera.deploys import service


@lambda_entry(correlation_path=None)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    waiting = []
    for record in event.get("Records") or []:
        with handling(record):
            try:
                run_id = str(json.loads(record["body"])["run_id"])
            except (ValueError, KeyError, TypeError):
                continue  # malformed: retrying cannot fix it; the console never queues such a message
            try:
                started = service.start_queued(run_id)
            except Exception:  # this start comes back later; the others in the batch go on
                logger.exception("a deploy start failed", extra={"run_id": run_id})
                started = False
            if not started:
                waiting.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": waiting}
