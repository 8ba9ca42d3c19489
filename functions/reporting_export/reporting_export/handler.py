"""Export jobs (SQS, one message a job): the file written to the exports bucket, the job marked done."""

from __future__ import annotations

import json
from typing import Any

from tessera.core.observability import lambda_entry, logger
from tessera.reporting.exports import run


@lambda_entry(correlation_path=None)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    failed = []
    for message in event.get("Records") or []:
        try:
            job = json.loads(message["body"])
            run(job["workspace_id"], job["export_id"])
        except Exception:
            # the message comes back after the visibility timeout; a finished job is not redone
            logger.exception("export job failed; it will be retried", extra={"message_id": message["messageId"]})
            failed.append({"itemIdentifier": message["messageId"]})
    return {"batchItemFailures": failed}
