"""The workspaces table's stream: each new lead goes to the channels its owner chose, and its e-mail
and phone are remembered for Cal.com's bookings. The ingest writes the lead and returns; nothing here
can slow or fail it."""

from __future__ import annotations

from typing import Any

from tessera.core.observability import logger
from tessera.workspaces.channels.service import notify_new_lead
from tessera.workspaces.records import LeadRecord


def on_stream(records: list[dict[str, Any]]) -> None:
    """Notifications are sent at most once: a provider's failure is logged and counted, not retried (a
    retried batch would send the others again)."""
    for record in records:
        change = record.get("dynamodb") or {}
        if record.get("eventName") != "INSERT" or not str(change.get("Keys", {}).get("sk", {}).get("S", "")) \
                .startswith("LEAD#"):
            continue
        lead = LeadRecord.from_raw_data(change["NewImage"])
        try:
            notify_new_lead(lead)
        except Exception:  # one lead's trouble (a broken secret, a throttled table) must not stop the batch
            logger.exception("new lead notification failed", extra={"lead_id": lead.lead_id})
