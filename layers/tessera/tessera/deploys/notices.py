"""Staff notices of releases and deploy outcomes: one SNS message each to the staff notices topic, which
e-mails staff and reaches their Slack channel through AlarmSlackFunction (a message that is no alarm is
posted as its subject and text). The audit event is the record; a notice that cannot be sent is logged and
counted and never fails the change it tells of."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from tessera.core import aws
from tessera.core.observability import count, logger
from tessera.core.settings import CoreSettings, get_settings
from tessera.deploys.settings import DeploySettings

sns = aws.client("sns")

OUTCOME_TITLES = {"succeeded": "✅ Развёртывание {version} завершено",
                  "rolled_back": "↩️ Развёртывание {version} откатено к {previous}",
                  "failed": "🔴 Развёртывание {version} не выполнено",
                  "rollback_failed": "🔴 Откат с {version} не удался: установка требует внимания"}


def _console(path: str) -> str:
    return get_settings(CoreSettings).web_base_url.rstrip("/") + path


def publish(subject: str, lines: list[str]) -> bool:
    topic = get_settings(DeploySettings).staff_notices_topic_arn
    if not topic:
        return False
    try:
        sns.publish(TopicArn=topic, Subject=subject[:100], Message="\n".join(lines)[:10_000])
    except (BotoCoreError, ClientError):
        logger.exception("staff notice not sent", extra={"subject": subject})
        count("staff_notice_failed")
        return False
    return True


def release_registered(version: str, channel: str, git_sha: str, changelog: str) -> bool:
    summary = [line for line in changelog.splitlines() if line.strip()][:10]
    return publish(f"Новый релиз IT Budget Manager {version} ({channel})",
                   [f"Версия {version}, канал {channel}, коммит {git_sha[:12]}", "", *summary, "",
                    _console("/console/deploys/releases")])


def run_finished(run_id: str, outcome: str, version: str, previous: str | None, installation: str,
                 kind: str, detail: str | None) -> bool:
    title = OUTCOME_TITLES.get(outcome, "Развёртывание {version}: {outcome}").format(
        version=version, previous=previous or "—", outcome=outcome)
    lines = [f"Установка {installation}, {'откат' if kind == 'rollback' else 'обновление'}; было {previous or '—'}"]
    if detail:
        lines.append(f"Причина: {detail}")
    lines.append(_console(f"/console/deploys/runs/{run_id}"))
    return publish(title, lines)
