"""Operations as template.yaml and its nested stack stacks/monitoring.yaml declare them, checked by walking
the parent with the nested stack inlined (its parameters replaced by what the parent passes, so an alarm on a
parameter the parent wires to the wrong resource counts for that resource), so what others add later is
covered too: every function, dead-letter queue and state machine has its alarms and every alarm notifies
someone; every table is backed up; every log group expires, audit-relevant ones after a year at the
earliest; the dashboard shows every function, queue and table. Each check is also run on a template with
one thing missing, to prove it fails."""

from __future__ import annotations

import copy
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest

from localcloud.template import NESTED_STACK, TemplateError, inline_nested_stacks, load_yaml
from tests.infra.conftest import ROOT

pytestmark = pytest.mark.infra

PARENT = load_yaml(ROOT / "template.yaml")
TEMPLATE = inline_nested_stacks(PARENT, ROOT)
FUNCTIONS = {"AWS::Serverless::Function", "AWS::Lambda::Function"}
STATE_MACHINES = {"AWS::Serverless::StateMachine", "AWS::StepFunctions::StateMachine"}
TABLES = {"AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable", "AWS::Serverless::SimpleTable"}
QUEUE = "AWS::SQS::Queue"
ALARM = "AWS::CloudWatch::Alarm"
LOG_GROUP = "AWS::Logs::LogGroup"
AUDIT_MINIMUM_DAYS = 365
BUSINESS_METRICS = ("user_logged_in", "user_registered", "license_issued", "license_activated", "heartbeat_received",
                    "heartbeat_recorded", "notification_sent", "notification_failed")

# What each kind of resource must have alarms on: (namespace, metric).
REQUIRED_ALARMS = {
    "function": {("AWS/Lambda", "Errors"), ("AWS/Lambda", "Throttles")},
    "dead-letter queue": {("AWS/SQS", "ApproximateNumberOfMessagesVisible")},
    "state machine": {("AWS/States", "ExecutionsFailed"), ("AWS/States", "ExecutionsTimedOut"),
                      ("AWS/States", "ExecutionsAborted")},
    "HTTP API": {("AWS/ApiGateway", "5xx"), ("AWS/ApiGateway", "Latency")},
}


def resources(template: dict[str, Any] = TEMPLATE) -> dict[str, dict[str, Any]]:
    return template["Resources"]


def props(resource: dict[str, Any]) -> dict[str, Any]:
    return resource.get("Properties") or {}


def of_type(template: dict[str, Any], types: set[str] | str) -> dict[str, dict[str, Any]]:
    wanted = {types} if isinstance(types, str) else types
    return {name: r for name, r in resources(template).items() if r["Type"] in wanted}


def referenced(value: Any) -> str | None:
    """The logical id a !Ref or !GetAtt points at (SAM's `!Ref Function.Alias` names the function)."""
    if isinstance(value, dict) and "Ref" in value:
        return str(value["Ref"]).split(".")[0]
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        return str(value["Fn::GetAtt"][0])
    return None


def references(value: Any) -> Iterator[str]:
    """Every logical id named anywhere inside a value (!Ref, !GetAtt, ${…} in !Sub)."""
    if isinstance(value, dict):
        if (found := referenced(value)) is not None:
            yield found
        elif "Fn::Sub" in value:
            text = value["Fn::Sub"][0] if isinstance(value["Fn::Sub"], list) else value["Fn::Sub"]
            yield from (m.split(".")[0] for m in re.findall(r"\$\{([A-Za-z0-9.]+)\}", str(text)))
        for item in value.values():
            yield from references(item)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)


# --- alarms ---------------------------------------------------------------------------------------


def dead_letter_queues(template: dict[str, Any]) -> set[str]:
    """Queues something sends its failures to (a redrive policy, a function's DeadLetterQueue, an
    on-failure destination, a rule's or schedule's DeadLetterConfig), and queues named as one."""
    queues = of_type(template, QUEUE)
    found = {name for name in queues if "deadletter" in name.lower()}

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if "deadletter" in key.lower() or key == "OnFailure":
                    found.update(name for name in references(item) if name in queues)
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(resources(template))
    return found


def watched(template: dict[str, Any]) -> dict[str, set[tuple[str, str]]]:
    """Logical id -> the (namespace, metric) pairs alarms watch with a dimension naming it."""
    out: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for alarm in of_type(template, ALARM).values():
        p = props(alarm)
        metrics = [p] + [m["MetricStat"]["Metric"] for m in p.get("Metrics") or [] if "MetricStat" in m]
        for metric in metrics:
            for dimension in metric.get("Dimensions") or []:
                for name in references(dimension.get("Value")):
                    out[name].add((metric["Namespace"], metric["MetricName"]))
    return out


def alarm_problems(template: dict[str, Any]) -> list[str]:
    kinds = {**{n: "function" for n in of_type(template, FUNCTIONS)},
             **{n: "state machine" for n in of_type(template, STATE_MACHINES)},
             **{n: "dead-letter queue" for n in dead_letter_queues(template)},
             **{n: "HTTP API" for n in of_type(template, "AWS::Serverless::HttpApi")}}
    seen = watched(template)
    problems = [f"{name} ({kind}) has no alarm on {', '.join(m for _, m in sorted(missing))}"
                for name, kind in sorted(kinds.items())
                if (missing := REQUIRED_ALARMS[kind] - seen.get(name, set()))]
    topics = set(of_type(template, "AWS::SNS::Topic"))
    for name, alarm in sorted(of_type(template, ALARM).items()):
        p = props(alarm)
        actions = [referenced(a) for a in p.get("AlarmActions") or []]
        if not actions or not set(actions) <= topics:
            problems.append(f"{name} notifies nobody: AlarmActions must name this template's SNS topic")
        if "TreatMissingData" not in p:
            problems.append(f"{name} does not say what missing data means (TreatMissingData)")
    return problems


def test_every_function_dlq_state_machine_and_the_api_has_alarms_that_notify() -> None:
    assert alarm_problems(TEMPLATE) == []


def test_the_alarm_check_finds_what_is_missing() -> None:
    broken = copy.deepcopy(TEMPLATE)
    res = broken["Resources"]
    res["NewFunction"] = {"Type": "AWS::Serverless::Function", "Properties": {"Handler": "x.handler"}}
    res["NewDlq"] = {"Type": QUEUE, "Properties": {}}
    res["NewWorkQueue"] = {"Type": QUEUE, "Properties": {
        "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": ["NewDlq", "Arn"]}, "maxReceiveCount": 3}}}
    res["NewMachine"] = {"Type": "AWS::Serverless::StateMachine", "Properties": {"DefinitionUri": "x.asl.json"}}
    res["SilentAlarm"] = copy.deepcopy(res["HealthFunctionErrorsAlarm"])
    del res["SilentAlarm"]["Properties"]["AlarmActions"]
    found = "\n".join(alarm_problems(broken))
    assert "NewFunction (function) has no alarm on Errors, Throttles" in found
    assert "NewDlq (dead-letter queue) has no alarm on ApproximateNumberOfMessagesVisible" in found
    assert "NewMachine (state machine) has no alarm on ExecutionsAborted, ExecutionsFailed, ExecutionsTimedOut" in found
    assert "SilentAlarm notifies nobody" in found
    assert "NewWorkQueue" not in found  # a work queue is watched through its DLQ


def test_the_alarms_and_the_dashboard_live_in_the_monitoring_stack_only() -> None:
    (monitoring,) = of_type(PARENT, NESTED_STACK).values()
    assert props(monitoring)["TemplateURL"] == "stacks/monitoring.yaml"
    assert of_type(PARENT, {ALARM, "AWS::CloudWatch::Dashboard"}) == {}  # they count against the parent's 500
    nested = load_yaml(ROOT / "stacks" / "monitoring.yaml")
    assert set(of_type(nested, ALARM)) == set(of_type(TEMPLATE, ALARM))
    assert "${AWS::StackName}" not in json.dumps(nested)  # the nested stack's own name: alarms keep the parent's


def test_a_parameter_wired_to_the_wrong_resource_leaves_the_right_one_without_alarms() -> None:
    broken = copy.deepcopy(PARENT)
    (monitoring,) = of_type(broken, NESTED_STACK).values()
    props(monitoring)["Parameters"]["DeployTasksFunction"] = {"Ref": "DeployStartsFunction"}
    assert alarm_problems(inline_nested_stacks(broken, ROOT)) == [
        "DeployTasksFunction (function) has no alarm on Errors, Throttles"]


def test_a_parameter_the_parent_does_not_pass_is_refused() -> None:
    broken = copy.deepcopy(PARENT)
    (monitoring,) = of_type(broken, NESTED_STACK).values()
    del props(monitoring)["Parameters"]["AgentApiFunction"]
    with pytest.raises(TemplateError, match=r"Parameters\.AgentApiFunction: stacks/monitoring\.yaml needs it"):
        inline_nested_stacks(broken, ROOT)


def api_alarm(metric: str) -> dict[str, Any]:
    for alarm in of_type(TEMPLATE, ALARM).values():
        metrics = props(alarm).get("Metrics") or []
        if any(m.get("MetricStat", {}).get("Metric", {}).get("MetricName") == metric for m in metrics):
            return props(alarm)
    raise AssertionError(f"no alarm on the API's {metric}")


def test_the_api_alarms_page_on_a_5xx_rate_over_5_percent_and_p95_over_a_second_with_enough_requests() -> None:
    errors, latency = api_alarm("5xx"), api_alarm("Latency")
    assert (errors["Threshold"], errors["ComparisonOperator"]) == (5, "GreaterThanThreshold")
    assert (latency["Threshold"], latency["ComparisonOperator"]) == (1000, "GreaterThanThreshold")
    assert "p95" in {m["MetricStat"]["Stat"] for m in latency["Metrics"] if "MetricStat" in m}
    for alarm in (errors, latency):  # a handful of requests in a window never pages anyone
        expression = next(m["Expression"] for m in alarm["Metrics"] if m.get("ReturnData", True))
        assert re.search(r"IF\(requests >= \d{2,}", expression), expression


def test_the_alarm_topic_is_encrypted_and_reaches_staff_by_email_and_slack() -> None:
    res = resources()
    topic = props(res["AlarmTopic"])
    assert referenced(topic["KmsMasterKeyId"]) == "DataKey"
    key_policy = props(res["DataKey"])["KeyPolicy"]["Statement"]
    assert any("cloudwatch.amazonaws.com" in json.dumps(s.get("Principal")) and "kms:GenerateDataKey*" in s["Action"]
               for s in key_policy), "CloudWatch cannot publish to a topic encrypted with a key it may not use"
    email = res["AlarmEmailSubscription"]
    assert (props(email)["Protocol"], email["Condition"]) == ("email", "HasAlarmEmail")
    slack = props(res["AlarmSlackFunction"])["Events"]
    assert [referenced(e["Properties"]["Topic"]) for e in slack.values() if e["Type"] == "SNS"] == [
        "AlarmTopic", "StaffNoticesTopic"]


def test_staff_notices_are_encrypted_and_reach_staff_by_email_and_slack() -> None:
    res = resources()
    assert referenced(props(res["StaffNoticesTopic"])["KmsMasterKeyId"]) == "DataKey"
    email = res["StaffNoticesEmailSubscription"]
    assert (referenced(props(email)["TopicArn"]), props(email)["Protocol"], email["Condition"]) == (
        "StaffNoticesTopic", "email", "HasAlarmEmail")


# --- backups --------------------------------------------------------------------------------------


def backup_problems(template: dict[str, Any]) -> list[str]:
    selected = {name for s in of_type(template, "AWS::Backup::BackupSelection").values()
                for name in references(props(s)["BackupSelection"].get("Resources"))}
    problems = [f"{name} is not in a BackupSelection" for name in sorted(of_type(template, TABLES))
                if name not in selected]
    problems += [f"{name} has no point-in-time recovery" for name, table in sorted(of_type(template, TABLES).items())
                 if not (props(table).get("PointInTimeRecoverySpecification") or {}).get("PointInTimeRecoveryEnabled")]
    return problems


def test_every_table_is_backed_up_daily_next_to_pitr() -> None:
    assert backup_problems(TEMPLATE) == []


def test_the_backup_check_finds_a_table_that_is_left_out() -> None:
    broken = copy.deepcopy(TEMPLATE)
    broken["Resources"]["NewTable"] = {"Type": "AWS::DynamoDB::Table", "Properties": {}}
    assert backup_problems(broken) == ["NewTable is not in a BackupSelection", "NewTable has no point-in-time recovery"]


def test_the_backup_plan_is_daily_keeps_35_days_in_a_vault_under_the_data_key() -> None:
    res = resources()
    (plan,) = of_type(TEMPLATE, "AWS::Backup::BackupPlan").values()
    for rule in props(plan)["BackupPlan"]["BackupPlanRule"]:
        assert re.fullmatch(r"cron\(\d+ \d+ \* \* \? \*\)", rule["ScheduleExpression"]), rule["ScheduleExpression"]
        assert rule["Lifecycle"]["DeleteAfterDays"] == 35
        vault = res[referenced(rule["TargetBackupVault"])]  # type: ignore[index]
        assert referenced(props(vault)["EncryptionKeyArn"]) == "DataKey"
    (selection,) = of_type(TEMPLATE, "AWS::Backup::BackupSelection").values()
    role = props(res[referenced(props(selection)["BackupSelection"]["IamRoleArn"])])  # type: ignore[index]
    managed = " ".join(p["Fn::Sub"] if isinstance(p, dict) else p for p in role["ManagedPolicyArns"])
    assert "AWSBackupServiceRolePolicyForBackup" in managed and "AWSBackupServiceRolePolicyForRestores" in managed


# --- log retention --------------------------------------------------------------------------------


def function_log_groups(template: dict[str, Any]) -> dict[str, str | None]:
    """Function -> its log group's logical id (LoggingConfig.LogGroup, or a group named /aws/lambda/${Fn})."""
    by_name = {}
    for name, group in of_type(template, LOG_GROUP).items():
        log_name = props(group).get("LogGroupName")
        pattern = log_name.get("Fn::Sub") if isinstance(log_name, dict) else None
        if match := re.fullmatch(r"/aws/lambda/\$\{(\w+)\}", str(pattern)):
            by_name[match.group(1)] = name
    out: dict[str, str | None] = {}
    for name, fn in of_type(template, FUNCTIONS).items():
        configured = referenced((props(fn).get("LoggingConfig") or {}).get("LogGroup"))
        out[name] = configured or by_name.get(name)
    return out


def audit_relevant(template: dict[str, Any]) -> dict[str, str]:
    """Log group -> why it is audit-relevant: the API's access log, API functions, authorizers, and every
    function that writes the audit log (sign-ins, access to customer data, changes)."""
    why: dict[str, str] = {}
    authorizers = {fn for api in of_type(template, {"AWS::Serverless::HttpApi", "AWS::Serverless::Api"}).values()
                   for fn in references((props(api).get("Auth") or {}).get("Authorizers"))}
    for api in of_type(template, {"AWS::Serverless::HttpApi", "AWS::Serverless::Api"}).values():
        if access := referenced((props(api).get("AccessLogSettings") or {}).get("DestinationArn")):
            why[access] = "the API access log"
    groups = function_log_groups(template)
    for name, fn in of_type(template, FUNCTIONS).items():
        p = props(fn)
        api = any(event.get("Type") in ("HttpApi", "Api") for event in (p.get("Events") or {}).values())
        reason = ("the authorizer" if name in authorizers else "an API function" if api
                  else "writes audit events" if "AuditTable" in set(references(p)) else None)
        if reason and groups.get(name):
            why[groups[name]] = f"{name}: {reason}"  # type: ignore[index]
    return why


def shortest_retention(value: Any, template: dict[str, Any]) -> int:
    """The fewest days a deployer can make RetentionInDays (a parameter: its smallest allowed value)."""
    if isinstance(value, int):
        return value
    parameter = template["Parameters"][referenced(value)]
    if "AllowedValues" in parameter:
        return min(int(v) for v in parameter["AllowedValues"])
    return int(parameter.get("MinValue", 1))


def log_problems(template: dict[str, Any]) -> list[str]:
    problems = [f"{fn} has no log group of its own (Lambda would create one that is kept forever)"
                for fn, group in sorted(function_log_groups(template).items()) if group is None]
    for name, group in sorted(of_type(template, LOG_GROUP).items()):
        if "RetentionInDays" not in props(group):
            problems.append(f"{name} has no RetentionInDays")
    for name, reason in sorted(audit_relevant(template).items()):
        days = shortest_retention(props(resources(template)[name]).get("RetentionInDays", 0), template)
        if days < AUDIT_MINIMUM_DAYS:
            problems.append(f"{name} ({reason}) can be kept only {days} days; audit-relevant logs need "
                            f"{AUDIT_MINIMUM_DAYS}")
    return problems


def test_every_log_group_expires_and_audit_relevant_ones_are_kept_a_year_at_least() -> None:
    assert log_problems(TEMPLATE) == []


def test_audit_relevant_logs_are_the_api_its_authorizer_and_audit_writers() -> None:
    relevant = audit_relevant(TEMPLATE)
    assert relevant["HttpApiAccessLogs"] == "the API access log"
    assert relevant["AuthorizerFunctionLogs"] == "AuthorizerFunction: the authorizer"
    assert relevant["LicenseHeartbeatFunctionLogs"] == "LicenseHeartbeatFunction: an API function"
    assert "HeartbeatWorkerFunctionLogs" not in relevant and "AlarmSlackFunctionLogs" not in relevant


def test_the_log_check_finds_short_retention_and_missing_groups() -> None:
    broken = copy.deepcopy(TEMPLATE)
    res = broken["Resources"]
    res["AuthorizerFunctionLogs"]["Properties"]["RetentionInDays"] = {"Ref": "LogRetentionDays"}  # allows 30
    res["NewFunction"] = {"Type": "AWS::Serverless::Function", "Properties": {"Handler": "x.handler"}}
    del res["NotifyWorkerFunctionLogs"]["Properties"]["RetentionInDays"]
    assert log_problems(broken) == [
        "NewFunction has no log group of its own (Lambda would create one that is kept forever)",
        "NotifyWorkerFunctionLogs has no RetentionInDays",
        "AuthorizerFunctionLogs (AuthorizerFunction: the authorizer) can be kept only 30 days; audit-relevant "
        "logs need 365",
    ]


# --- dashboard ------------------------------------------------------------------------------------


def dashboard_metrics(template: dict[str, Any]) -> tuple[set[tuple[str, str, str]], str]:
    """(namespace, metric, resource logical id) of every metric row on the dashboards ("." repeats the row
    above), and the text of their search expressions."""
    rows: set[tuple[str, str, str]] = set()
    expressions = []
    for dashboard in of_type(template, "AWS::CloudWatch::Dashboard").values():
        body = props(dashboard)["DashboardBody"]["Fn::Sub"]
        document = json.loads(re.sub(r"\$\{([A-Za-z0-9]+)(\.[A-Za-z]+)?\}", r"\1", body))
        for widget in document["widgets"]:
            previous: list[Any] = []
            for row in widget.get("properties", {}).get("metrics", []):
                if isinstance(row[0], dict):
                    expressions.append(row[0].get("expression", ""))
                    continue
                fields = [v for v in row if not isinstance(v, dict)]
                fields = [previous[i] if v == "." else v for i, v in enumerate(fields)]
                previous = fields
                rows.update((fields[0], fields[1], value) for value in fields[3::2])
    return rows, "\n".join(expressions)


def dashboard_problems(template: dict[str, Any]) -> list[str]:
    rows, searches = dashboard_metrics(template)
    dlqs = dead_letter_queues(template)
    wanted: list[tuple[str, str, str]] = []
    for fn in of_type(template, FUNCTIONS):
        wanted += [("AWS/Lambda", m, fn) for m in ("Errors", "Throttles", "Duration", "ConcurrentExecutions")]
    for queue in of_type(template, QUEUE):
        metrics = ("ApproximateNumberOfMessagesVisible",) if queue in dlqs else (
            "ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage")
        wanted += [("AWS/SQS", m, queue) for m in metrics]
    for table in of_type(template, TABLES):
        wanted += [("AWS/DynamoDB", m, table) for m in ("ReadThrottleEvents", "WriteThrottleEvents")]
    for api in of_type(template, "AWS::Serverless::HttpApi"):
        wanted += [("AWS/ApiGateway", m, api) for m in ("Count", "4xx", "5xx", "Latency")]
    problems = [f"the dashboard does not show {metric} of {name}" for namespace, metric, name in wanted
                if (namespace, metric, name) not in rows]
    problems += [f"the dashboard does not show the business metric {name}" for name in BUSINESS_METRICS
                 if f"{{Tessera,service}} MetricName=\"{name}\"" not in searches]
    return problems


def test_the_dashboard_shows_the_api_every_function_queue_table_and_the_business_metrics() -> None:
    assert dashboard_problems(TEMPLATE) == []


def test_the_dashboard_check_finds_a_function_that_is_left_out() -> None:
    broken = copy.deepcopy(TEMPLATE)
    broken["Resources"]["NewFunction"] = {"Type": "AWS::Serverless::Function", "Properties": {"Handler": "x.handler"}}
    assert dashboard_problems(broken) == [f"the dashboard does not show {m} of NewFunction"
                                          for m in ("Errors", "Throttles", "Duration", "ConcurrentExecutions")]
