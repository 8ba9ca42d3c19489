"""The billing table's stream (invoices issued or paid): the счёт by e-mail; the act of a paid invoice,
made once and e-mailed."""

from __future__ import annotations

from typing import Any

from tessera.billing.documents_mail import on_stream
from tessera.core.observability import lambda_entry


@lambda_entry(correlation_path=None)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    unfinished = on_stream(event.get("Records") or [])
    # the stream resumes from the first record not done; everything before it is
    return {"batchItemFailures": [{"itemIdentifier": unfinished}] if unfinished else []}
