"""The notify queue: {"kind": "limit", …} from the heartbeat worker, {"kind": "retry", "delivery_id"} delayed
retries. Both are idempotent (once-markers; a retry claims its attempt), so SQS redelivery is harmless."""

from __future__ import annotations

import json
from typing import Any

from tessera.core.observability import handling, logger
from tessera.notify import alerts, service


def handle_batch(messages: list[dict[str, Any]]) -> list[str]:
    failed: list[str] = []
    for message in messages:
        with handling(message):
            try:
                body = json.loads(message["body"])
                kind = body.get("kind") if isinstance(body, dict) else None
            except (ValueError, KeyError, TypeError):
                logger.warning("malformed notify message dropped")
                continue
            try:
                if kind == "limit":
                    alerts.handle(body)
                elif kind == "retry" and isinstance(body.get("delivery_id"), str):
                    service.retry(body["delivery_id"])
                else:
                    logger.warning("unknown notify message dropped", extra={"kind": str(kind)[:40]})
            except Exception:
                logger.exception("notify message failed; SQS will redeliver it", extra={"kind": kind})
                failed.append(message["messageId"])
    return failed
