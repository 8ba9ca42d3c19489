"""Verification jobs (SQS, one message a job): advances a job until it is done or the time is nearly up,
then queues it again to continue."""

from __future__ import annotations

import json
from typing import Any

from tessera.audit.checkpoints import Store
from tessera.audit.verification import continue_later, run_job
from tessera.core.observability import lambda_entry, logger


@lambda_entry(correlation_path=None)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    failed = []
    for message in event.get("Records") or []:
        try:
            job_id = json.loads(message["body"])["job_id"]
            if not run_job(job_id, lambda: context.get_remaining_time_in_millis() / 1000, Store.from_settings()):
                continue_later(job_id)
        except Exception:
            # the message comes back after the visibility timeout, and the job continues from its last save
            logger.exception("audit verification failed; it will be retried",
                             extra={"message_id": message["messageId"]})
            failed.append({"itemIdentifier": message["messageId"]})
    return {"batchItemFailures": failed}
