"""Fire the template's schedules on platform time.

EventBridge never fires schedules in moto, so this does: rate(), cron() (AWS's six fields) and
at(). When the clock jumps forward, a schedule with occurrences in the skipped span fires once, for
the latest of them: scheduled jobs must be catch-up safe (process everything due, not "today's")."""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3

from localcloud.template import ACCOUNT_ID, REGION, Schedule, Template

_RATE = re.compile(r"^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$")
_AT = re.compile(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")
_UNITS = {"minute": 60, "hour": 3600, "day": 86400}
_MONTHS = {m: i for i, m in enumerate("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split(), 1)}  # noqa: SIM905
_DAYS = {d: i for i, d in enumerate(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], 1)}


class ScheduleError(ValueError):
    pass


def _field(text: str, low: int, high: int, names: dict[str, int] | None = None) -> set[int] | None:
    """The values a cron field allows; None for '?' (no constraint from this field)."""
    if text == "?":
        return None
    values: set[int] = set()
    for part in text.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            step = int(step_text)
        if part == "*":
            start, end = low, high
        elif "-" in part:
            a, b = part.split("-", 1)
            start, end = _value(a, names), _value(b, names)
        else:
            start = _value(part, names)
            end = high if step > 1 else start
        if not (low <= start <= high and low <= end <= high):
            raise ScheduleError(f"cron value {part!r} out of range {low}-{high}")
        values.update(range(start, end + 1, step))
    return values


def _value(text: str, names: dict[str, int] | None) -> int:
    upper = text.upper()
    if names and upper in names:
        return names[upper]
    if not text.isdigit():
        raise ScheduleError(f"cron value {text!r} is not supported locally")
    return int(text)


class Cron:
    def __init__(self, expression: str) -> None:
        fields = expression.split()
        if len(fields) != 6:
            raise ScheduleError(f"cron({expression}) needs 6 fields: minutes hours day-of-month month day-of-week year")
        minute, hour, dom, month, dow, year = fields
        if (dom == "?") == (dow == "?"):
            raise ScheduleError(f"cron({expression}): exactly one of day-of-month and day-of-week must be '?'")
        self.minutes = _field(minute, 0, 59) or set(range(60))
        self.hours = _field(hour, 0, 23) or set(range(24))
        self.last_dom = dom == "L"
        self.dom = None if self.last_dom else _field(dom, 1, 31)
        self.months = _field(month, 1, 12, _MONTHS) or set(range(1, 13))
        self.dow = _field(dow, 1, 7, _DAYS)
        self.years = _field(year, 1970, 2199)

    def matches_day(self, day: datetime) -> bool:
        if day.month not in self.months or (self.years is not None and day.year not in self.years):
            return False
        if self.last_dom:
            return (day + timedelta(days=1)).month != day.month
        if self.dom is not None:
            return day.day in self.dom
        assert self.dow is not None
        return (day.isoweekday() % 7) + 1 in self.dow  # AWS: 1 = Sunday

    def next_after(self, moment: datetime) -> datetime | None:
        candidate = (moment + timedelta(minutes=1)).replace(second=0, microsecond=0)
        for _ in range(366 * 5):
            if self.matches_day(candidate):
                for hour in sorted(h for h in self.hours if h >= candidate.hour):
                    for minute in sorted(self.minutes):
                        at = candidate.replace(hour=hour, minute=minute)
                        if at >= candidate:
                            return at
            candidate = (candidate + timedelta(days=1)).replace(hour=0, minute=0)
        return None


def next_fire(expression: str, after: datetime, anchor: datetime) -> datetime | None:
    """The first occurrence strictly after `after`; rate() counts from `anchor` (when it was created)."""
    rate = _RATE.match(expression)
    if rate:
        period = int(rate.group(1)) * _UNITS[rate.group(2).rstrip("s")]
        if period <= 0:
            raise ScheduleError(f"{expression}: the rate must be positive")
        elapsed = (after - anchor).total_seconds()
        count = int(elapsed // period) + 1 if elapsed >= 0 else 1
        return anchor + timedelta(seconds=count * period)
    if expression.startswith("cron(") and expression.endswith(")"):
        return Cron(expression[5:-1]).next_after(after)
    at = _AT.match(expression)
    if at:
        moment = datetime.fromisoformat(at.group(1)).replace(tzinfo=UTC)
        return moment if moment > after else None
    raise ScheduleError(f"unsupported schedule expression {expression!r}")


class Scheduler:
    def __init__(self, template: Template, invoker: Any, clock: Any, endpoint_url: str,
                 log: Callable[[str], None] = print) -> None:
        self.template = template
        self.invoker = invoker
        self.clock = clock
        self.endpoint_url = endpoint_url
        self.log = log
        now = clock.now()
        self._anchor = now
        self._next: dict[str, datetime | None] = {}
        self.fired: list[tuple[str, str]] = []  # (schedule, scheduled time) for the resources page and tests
        for schedule in template.schedules:
            try:
                self._next[schedule.name] = next_fire(schedule.expression, now, now) if schedule.enabled else None
            except ScheduleError as exc:
                raise ScheduleError(f"{schedule.name}: {exc}") from exc
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        clock.subscribe(self.tick)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="localcloud-scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)

    def _loop(self) -> None:
        while not self._stop.wait(1.0):
            self.tick()

    def tick(self) -> list[str]:
        fired = []
        with self._lock:
            now = self.clock.now()
            for schedule in self.template.schedules:
                due = self._next.get(schedule.name)
                if due is None or due > now:
                    continue
                latest = due
                while True:  # coalesce every occurrence up to now into one firing
                    following = next_fire(schedule.expression, latest, self._anchor)
                    if following is None or following > now:
                        break
                    latest = following
                self._next[schedule.name] = next_fire(schedule.expression, now, self._anchor)
                fired.append(schedule.name)
                self._deliver(schedule, latest)
        return fired

    def fire(self, name: str) -> None:
        schedule = next((s for s in self.template.schedules if s.name == name), None)
        if schedule is None:
            raise KeyError(name)
        self._deliver(schedule, self.clock.now())

    def upcoming(self) -> list[tuple[str, datetime | None]]:
        return [(s.name, self._next.get(s.name)) for s in self.template.schedules]

    def _deliver(self, schedule: Schedule, scheduled: datetime) -> None:
        when = scheduled.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.fired.append((schedule.name, when))
        if schedule.input is not None:
            payload = schedule.input if isinstance(schedule.input, str) else json.dumps(schedule.input)
        else:
            payload = json.dumps({
                "version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event", "source": "aws.events",
                "account": ACCOUNT_ID, "time": when, "region": REGION,
                "resources": [f"arn:aws:events:{REGION}:{ACCOUNT_ID}:rule/{schedule.name}"], "detail": {},
            })
        self.log(f"localcloud: schedule {schedule.name} fired for {when}")
        try:
            if schedule.target_kind == "function":
                self.invoker.invoke(schedule.target, payload, invocation_type="Event")
            else:
                sfn = boto3.client("stepfunctions", endpoint_url=self.endpoint_url, region_name=REGION)
                arn = self.template.state_machines[schedule.target].arn
                # moto names every unnamed execution 'None', so the second firing would collide.
                sfn.start_execution(stateMachineArn=arn, name=str(uuid.uuid4()), input=payload)
        except Exception as exc:
            self.log(f"localcloud: schedule {schedule.name} could not be delivered: {exc}")
