"""What staff read in Slack for each notification on AlarmTopic."""

from __future__ import annotations

import json

from tessera.notify.alarms import chat_text

ALARM = {
    "AlarmName": "tessera-prod-api-5xx-rate",
    "AlarmDescription": "More than 5 % of API requests answered 5xx.",
    "AWSAccountId": "123456789012",
    "NewStateValue": "ALARM",
    "NewStateReason": "Threshold Crossed: 2 out of the last 3 datapoints [7.5 (02/03/26 07:10:00)] were greater "
                      "than the threshold (5.0).",
    "StateChangeTime": "2026-03-02T07:15:42.123+0000",
    "Region": "EU (Frankfurt)",
    "AlarmArn": "arn:aws:cloudwatch:eu-central-1:123456789012:alarm:tessera-prod-api-5xx-rate",
    "OldStateValue": "OK",
    "Trigger": {"Period": 300, "EvaluationPeriods": 3, "Threshold": 5.0},
}


def sns(message: object, subject: str | None = None) -> dict[str, object]:
    return {"Message": message if isinstance(message, str) else json.dumps(message), "Subject": subject}


def test_an_alarm_says_what_its_new_state_why_when_and_where_to_look() -> None:
    assert chat_text(sns(ALARM)).split("\n") == [
        "🔴 ALARM: tessera-prod-api-5xx-rate",
        "More than 5 % of API requests answered 5xx.",
        "Why: Threshold Crossed: 2 out of the last 3 datapoints [7.5 (02/03/26 07:10:00)] were greater than the "
        "threshold (5.0).",
        "Was OK; changed 2026-03-02 10:15 Moscow",
        "https://eu-central-1.console.aws.amazon.com/cloudwatch/home?region=eu-central-1"
        "#alarmsV2:alarm/tessera-prod-api-5xx-rate",
    ]


def test_a_recovery_is_marked_ok_and_a_name_is_encoded_in_the_link() -> None:
    text = chat_text(sns({**ALARM, "AlarmName": "tessera prod/odd name", "NewStateValue": "OK",
                          "OldStateValue": "ALARM", "AlarmDescription": None}))
    assert text.startswith("✅ OK: tessera prod/odd name\nWhy: ")
    assert text.endswith("#alarmsV2:alarm/tessera%20prod%2Fodd%20name")


def test_a_failed_backup_job_names_the_table_and_the_reason() -> None:
    event = {"source": "aws.backup", "detail-type": "Backup Job State Change", "region": "eu-central-1",
             "time": "2026-03-02T01:40:00Z",
             "detail": {"backupJobId": "0D1B2C3D-4E5F", "backupVaultName": "tessera-prod-tables", "state": "FAILED",
                        "resourceArn": "arn:aws:dynamodb:eu-central-1:123456789012:table/tessera-prod-AuditTable-X",
                        "statusMessage": "Insufficient privileges to perform this action."}}
    assert chat_text(sns(event)).split("\n") == [
        "🔴 Backup job FAILED: arn:aws:dynamodb:eu-central-1:123456789012:table/tessera-prod-AuditTable-X",
        "Why: Insufficient privileges to perform this action.",
        "Vault tessera-prod-tables; at 2026-03-02 04:40 Moscow",
        "https://eu-central-1.console.aws.amazon.com/backup/home?region=eu-central-1#/jobs/backup/details/0D1B2C3D-4E5F",
    ]


def test_any_other_notice_is_passed_on_with_its_subject_and_cut_to_a_readable_length() -> None:
    assert chat_text(sns("The webhook was rotated.", "Ops notice")) == "📣 Ops notice\nThe webhook was rotated."
    long = chat_text(sns({"note": "x" * 5000}))
    assert long.startswith("📣 AWS notice\n{") and len(long) < 1600 and long.endswith("…")
