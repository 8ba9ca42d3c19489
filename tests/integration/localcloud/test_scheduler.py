"""Schedules on platform time: next_fire for rate/cron/at, firing on tick, coalesced catch-up after a
clock jump, and state machine targets."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from localcloud.scheduler import ScheduleError, next_fire

from .conftest import Running, wait_until


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


ANCHOR = at("2024-01-01T10:00:00")  # a Monday


@pytest.mark.parametrize(("expression", "after", "expected"), [
    # rate() counts from the anchor (when the schedule was created)
    ("rate(5 minutes)", "2024-01-01T10:00:00", "2024-01-01T10:05:00"),
    ("rate(5 minutes)", "2024-01-01T10:07:00", "2024-01-01T10:10:00"),
    ("rate(5 minutes)", "2024-01-01T10:10:00", "2024-01-01T10:15:00"),  # strictly after
    ("rate(1 minute)", "2024-01-01T09:00:00", "2024-01-01T10:01:00"),  # before the anchor
    ("rate(2 hours)", "2024-01-01T13:30:00", "2024-01-01T14:00:00"),
    ("rate(1 day)", "2024-01-03T09:59:59", "2024-01-03T10:00:00"),
    # cron(): minutes hours day-of-month month day-of-week year; day-of-week 1 = Sunday
    ("cron(0 9 * * ? *)", "2024-01-01T08:59:00", "2024-01-01T09:00:00"),
    ("cron(0 9 * * ? *)", "2024-01-01T09:00:00", "2024-01-02T09:00:00"),
    ("cron(0 9 ? * 1 *)", "2024-01-01T00:00:00", "2024-01-07T09:00:00"),  # 1 = Sunday
    ("cron(0 9 ? * 2 *)", "2024-01-01T08:00:00", "2024-01-01T09:00:00"),  # 2 = Monday
    ("cron(0 9 ? * SUN *)", "2024-01-01T00:00:00", "2024-01-07T09:00:00"),
    ("cron(15 10 ? * MON-FRI *)", "2024-01-05T11:00:00", "2024-01-08T10:15:00"),  # Fri -> Mon
    ("cron(0 18 ? * 2-6 *)", "2024-01-06T12:00:00", "2024-01-08T18:00:00"),  # Sat -> Mon
    ("cron(0 0 L * ? *)", "2024-02-10T00:00:00", "2024-02-29T00:00:00"),  # leap year
    ("cron(0 0 L * ? *)", "2023-02-28T00:00:00", "2023-03-31T00:00:00"),
    ("cron(0/15 * * * ? *)", "2024-01-01T10:07:00", "2024-01-01T10:15:00"),
    ("cron(0/15 * * * ? *)", "2024-01-01T10:45:00", "2024-01-01T11:00:00"),
    ("cron(5/20 * * * ? *)", "2024-01-01T10:26:00", "2024-01-01T10:45:00"),
    ("cron(0 8-10 * * ? *)", "2024-01-01T10:30:00", "2024-01-02T08:00:00"),
    ("cron(30 6,18 * * ? *)", "2024-01-01T07:00:00", "2024-01-01T18:30:00"),
    ("cron(0 12 1 JAN,JUL ? *)", "2024-02-01T00:00:00", "2024-07-01T12:00:00"),
    ("cron(0 12 1 1 ? 2027)", "2024-01-01T00:00:00", "2027-01-01T12:00:00"),
    ("at(2030-01-01T00:00:00)", "2029-12-31T23:59:59", "2030-01-01T00:00:00"),
    ("at(2030-01-01T00:00:00)", "2030-01-01T00:00:00", None),  # one-time: already past
    ("cron(0 12 1 1 ? 2020)", "2024-01-01T00:00:00", None),  # a year gone by
])
def test_next_fire(expression: str, after: str, expected: str | None) -> None:
    result = next_fire(expression, at(after), ANCHOR)
    assert result == (at(expected) if expected else None)


@pytest.mark.parametrize("expression", [
    "rate(1 week)", "rate(0 minutes)", "cron(0 9 * * *)", "cron(0 9 * * 2 *)", "cron(0 9 ? * ? *)",
    "cron(0 25 * * ? *)", "cron(0 9 ? * 2#1 *)", "cron(0 9 ? * 6L *)", "every day", "at(tomorrow)",
])
def test_invalid_expressions(expression: str) -> None:
    with pytest.raises(ScheduleError):
        next_fire(expression, ANCHOR, ANCHOR)


def _fired(lc: Running, name: str) -> int:
    return sum(1 for schedule, _ in lc.cloud.scheduler.fired if schedule == name)


def _jobs(lc: Running, job: str) -> int:
    return sum(1 for r in lc.records("tick") if r.get("job") == job)


def test_schedule_fires_on_tick(lc: Running) -> None:
    fired, delivered = _fired(lc, "TickFn.Minute"), _jobs(lc, "minute")
    lc.cloud.clock.advance(61)  # the clock's listener ticks the scheduler
    assert _fired(lc, "TickFn.Minute") == fired + 1
    wait_until(lambda: _jobs(lc, "minute") == delivered + 1, what="the minute job")
    lc.cloud.scheduler.tick()  # nothing more is due
    assert _fired(lc, "TickFn.Minute") == fired + 1


def test_clock_jump_coalesces_catch_up_into_one_delivery(lc: Running) -> None:
    fired, delivered = _fired(lc, "TickFn.Daily"), _jobs(lc, "daily")
    before = lc.cloud.clock.now()
    lc.cloud.clock.advance(3 * 86400)  # three daily occurrences were skipped
    lc.cloud.scheduler.tick()
    wait_until(lambda: _jobs(lc, "daily") > delivered, what="the daily job")
    time.sleep(0.5)
    assert _jobs(lc, "daily") == delivered + 1
    assert _fired(lc, "TickFn.Daily") == fired + 1
    # It fired for the latest occurrence in the skipped span, and the next one is in the future.
    scheduled = [when for name, when in lc.cloud.scheduler.fired if name == "TickFn.Daily"][-1]
    assert at(scheduled.rstrip("Z")) > before.replace(microsecond=0)
    upcoming = dict(lc.cloud.scheduler.upcoming())["TickFn.Daily"]
    assert upcoming is not None and upcoming > lc.cloud.clock.now()


def test_state_machine_target_starts_an_execution(lc: Running) -> None:
    sfn = lc.client("stepfunctions")
    arn = lc.cloud.template.state_machines["SimpleMachine"].arn  # type: ignore[union-attr]

    def executions() -> list:
        return sfn.list_executions(stateMachineArn=arn)["executions"]

    before = len(executions())
    for _ in range(2):  # every firing starts a new execution
        lc.cloud.clock.advance(86400 + 60)
        lc.cloud.scheduler.tick()
    started = wait_until(lambda: len(executions()) >= before + 2 and executions(), what="two executions")
    assert len(started) == before + 2
    latest = started[0]["executionArn"]
    described = wait_until(lambda: (d := sfn.describe_execution(executionArn=latest))["status"] != "RUNNING" and d,
                           what="the execution")
    assert described["status"] == "SUCCEEDED"
    assert '"from": "scheduler"' in described["input"]
    assert '"greeting": "hello"' in described["output"]
