"""AlarmTopic's and StaffNoticesTopic's subscriber: alarm state changes, failed backup jobs and staff notices (releases,
deploy outcomes) to the staff's Slack channel."""

from __future__ import annotations

from typing import Any

from tessera.core.observability import lambda_entry
from tessera.notify.alarms import send_to_slack


@lambda_entry(correlation_path=None, measured=False)
def lambda_handler(event: dict[str, Any], context: Any) -> None:
    send_to_slack(event.get("Records") or [])
