"""Read a SAM template into the model the local cloud runs.

The template is the single source of truth: tables, queues, keys, functions, routes, event
sources and state machines all come from here. Intrinsics are resolved against a `Names`
registry that provisioning fills with the physical ids moto hands out (KMS key ids are random),
so a function's environment is resolved only after its resources exist.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ACCOUNT_ID = "123456789012"
REGION = "eu-central-1"
PARTITION = "aws"


class TemplateError(Exception):
    """A template the local cloud cannot run; the message names the resource and the property."""


# --- YAML with CloudFormation short-form tags -------------------------------------------------


class _CfnLoader(yaml.SafeLoader):
    pass


def _construct_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "GetAtt":
        if isinstance(value, str):
            resource, _, attribute = value.partition(".")
            value = [resource, attribute]
        return {"Fn::GetAtt": value}
    if suffix == "Condition":
        return {"Condition": value}
    return {f"Fn::{suffix}": value}


_CfnLoader.add_multi_constructor("!", _construct_tag)


def load_yaml(path: Path) -> dict[str, Any]:
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=_CfnLoader)  # noqa: S506
    except FileNotFoundError as exc:
        raise TemplateError(f"{path}: no such template") from exc
    except yaml.YAMLError as exc:
        raise TemplateError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("Resources"), dict):
        raise TemplateError(f"{path}: a template needs a Resources mapping")
    return document


# --- Nested stacks ----------------------------------------------------------------------------


NESTED_STACK = "AWS::CloudFormation::Stack"


def inline_nested_stacks(document: dict[str, Any], root: Path) -> dict[str, Any]:
    """The document with each nested stack of a local TemplateURL replaced by that template's resources,
    every use of a nested parameter replaced by what the parent passes it: the one stack the local cloud
    runs (and tests/infra checks), with the parent's logical ids throughout."""
    resources: dict[str, Any] = {}
    for logical_id, resource in document["Resources"].items():
        if not (isinstance(resource, dict) and resource.get("Type") == NESTED_STACK):
            resources[logical_id] = resource
            continue
        props = resource.get("Properties") or {}
        url = props.get("TemplateURL")
        if not isinstance(url, str) or "://" in url:
            raise TemplateError(f"{logical_id}.TemplateURL: the local cloud runs only a local path, not {url!r}")
        nested = load_yaml(root / url)
        if nested.get("Conditions") or nested.get("Mappings"):
            raise TemplateError(f"{logical_id}: {url} has Conditions or Mappings: not inlined locally")
        passed = props.get("Parameters") or {}
        values: dict[str, Any] = {}
        for name, spec in (nested.get("Parameters") or {}).items():
            if name not in passed and "Default" not in spec:
                raise TemplateError(f"{logical_id}.Parameters.{name}: {url} needs it and it is not passed")
            values[name] = passed.get(name, spec.get("Default"))
        for name in passed:
            if name not in values:
                raise TemplateError(f"{logical_id}.Parameters.{name}: {url} declares no such parameter")
        for nested_id, nested_resource in nested["Resources"].items():
            if nested_id in document["Resources"] or nested_id in resources:
                raise TemplateError(f"{logical_id}: {url} declares {nested_id}, which the parent has too")
            inlined = _with_parameters(nested_resource, values)
            if "Condition" in resource:
                inlined.setdefault("Condition", resource["Condition"])
            resources[nested_id] = inlined
    return {**document, "Resources": resources}


def _with_parameters(value: Any, values: dict[str, Any]) -> Any:
    if isinstance(value, list):
        return [_with_parameters(item, values) for item in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"Ref"} and value["Ref"] in values:
        return copy.deepcopy(values[value["Ref"]])  # each use its own, as the parent's template has it
    if set(value) == {"Fn::Sub"}:
        text, variables = (value["Fn::Sub"] if isinstance(value["Fn::Sub"], list) else [value["Fn::Sub"], {}])
        variables = _with_parameters(variables, values)
        extra: dict[str, Any] = {}

        def replace(match: re.Match[str]) -> str:
            token = match.group(1)
            if token in variables or token not in values:
                return match.group(0)
            passed = values[token]
            if isinstance(passed, (str, int)):
                return str(passed)
            if set(passed) == {"Ref"}:
                return "${" + str(passed["Ref"]) + "}"
            if set(passed) == {"Fn::GetAtt"}:
                return "${" + ".".join(passed["Fn::GetAtt"]) + "}"
            extra[token] = passed
            return match.group(0)

        text = re.sub(r"\$\{([^}!]+)\}", replace, text)
        variables = {**variables, **extra}
        return {"Fn::Sub": [text, variables] if variables else text}
    return {key: _with_parameters(item, values) for key, item in value.items()}


# --- Model ------------------------------------------------------------------------------------


DEFAULT_ROUTE = "$default"


@dataclass
class HttpRoute:
    method: str  # upper case, or "ANY"
    path: str  # "/api/licenses/{license_key}", "{proxy+}" allowed
    function: str  # logical id
    api: str  # logical id of the HttpApi
    authorizer: str | None  # authorizer name, or None for a public route

    def regex(self) -> re.Pattern[str]:
        pattern = re.sub(r"\{([A-Za-z0-9_]+)\+\}", r"(?P<\1>.+)", self.path)
        pattern = re.sub(r"\{([A-Za-z0-9_]+)\}", r"(?P<\1>[^/]+)", pattern)
        return re.compile(f"^{pattern}$")

    @property
    def is_default(self) -> bool:
        """The `$default` route: what no other route of its API matches."""
        return self.path == DEFAULT_ROUTE

    @property
    def route_key(self) -> str:
        return DEFAULT_ROUTE if self.is_default else f"{self.method} {self.path}"

    def specificity(self) -> tuple[int, int, int]:
        """Sort key: greedy routes last, then routes with fewer variables first, then longer paths."""
        greedy = 1 if "+}" in self.path else 0
        variables = self.path.count("{")
        return (greedy, variables, -len(self.path))


@dataclass
class Authorizer:
    name: str
    api: str
    function: str  # logical id
    identity_headers: list[str]  # lower-cased header names the cache is keyed by
    simple_responses: bool
    payload_version: str
    ttl_seconds: int


@dataclass
class SqsSource:
    function: str
    queue: str  # logical id
    batch_size: int
    max_batching_window_seconds: int
    report_batch_item_failures: bool
    enabled: bool = True


@dataclass
class StreamSource:
    function: str
    table: str  # logical id
    batch_size: int
    starting_position: str
    report_batch_item_failures: bool
    filters: list[dict[str, Any]] = field(default_factory=list)  # parsed FilterCriteria patterns
    enabled: bool = True
    on_failure_queue: str | None = None  # logical id: DestinationConfig.OnFailure, told of skipped records


@dataclass
class SnsSource:
    """A function subscribed to a topic (SAM `Type: SNS`). Locally the topic delivers to a queue of the
    cloud's own (moto does SNS to SQS), which a poller turns into Lambda's SNS events."""

    function: str
    topic: str  # logical id
    filter_policy: dict[str, Any] | None
    filter_policy_scope: str  # MessageAttributes | MessageBody
    delivery_queue_url: str | None = None  # set by provisioning
    subscription_arn: str | None = None  # set by provisioning


@dataclass
class Schedule:
    name: str
    expression: str  # rate(...), cron(...), at(...)
    target_kind: str  # "function" | "statemachine"
    target: str  # logical id
    input: str | None
    enabled: bool = True


@dataclass
class FunctionDef:
    logical_id: str
    name: str  # physical FunctionName
    handler: str  # "health.handler.lambda_handler"
    code_dir: Path
    layer_dirs: list[Path]
    raw_environment: dict[str, Any]  # unresolved; see Template.environment()
    timeout: int
    memory: int
    alias: str | None = None  # AutoPublishAlias: events and `!Ref <Function>.Alias` reach this alias
    snap_start: bool = False  # SnapStart on the published version the alias points at
    dead_letter_queue: str | None = None  # logical id of the queue failed asynchronous events go to
    async_retries: int = 2  # EventInvokeConfig.MaximumRetryAttempts

    @property
    def arn(self) -> str:
        return f"arn:{PARTITION}:lambda:{REGION}:{ACCOUNT_ID}:function:{self.name}"

    @property
    def invoked_arn(self) -> str:
        """What a handler's context.invoked_function_arn says: the alias when events go through one."""
        return f"{self.arn}:{self.alias}" if self.alias else self.arn


@dataclass
class TableDef:
    logical_id: str
    name: str
    properties: dict[str, Any]  # CreateTable-shaped, see table_create_args()
    ttl_attribute: str | None
    stream_view_type: str | None


@dataclass
class QueueDef:
    logical_id: str
    name: str
    fifo: bool
    attributes: dict[str, Any]  # unresolved CFN properties (VisibilityTimeout, RedrivePolicy, ...)


@dataclass
class KeyDef:
    logical_id: str
    key_spec: str
    key_usage: str
    description: str
    aliases: list[str]  # resolved alias names


@dataclass
class BucketDef:
    logical_id: str
    name: str
    properties: dict[str, Any]


@dataclass
class StateMachineDef:
    logical_id: str
    name: str
    definition_path: Path | None
    inline_definition: dict[str, Any] | None
    substitutions: dict[str, Any]  # unresolved

    @property
    def arn(self) -> str:
        return f"arn:{PARTITION}:states:{REGION}:{ACCOUNT_ID}:stateMachine:{self.name}"


@dataclass
class TopicDef:
    logical_id: str
    name: str

    @property
    def arn(self) -> str:
        return f"arn:{PARTITION}:sns:{REGION}:{ACCOUNT_ID}:{self.name}"


@dataclass
class AlarmDef:
    logical_id: str
    properties: dict[str, Any]  # unresolved; PutMetricAlarm takes CloudFormation's property names


@dataclass
class SecretDef:
    logical_id: str
    name: str
    properties: dict[str, Any]


@dataclass
class EmailIdentityDef:
    logical_id: str
    raw_identity: Any  # unresolved


@dataclass
class Template:
    path: Path
    root: Path  # the folder CodeUri and DefinitionUri are relative to
    stack_name: str
    document: dict[str, Any]
    parameters: dict[str, str]
    conditions: dict[str, bool]
    functions: dict[str, FunctionDef]
    tables: dict[str, TableDef]
    queues: dict[str, QueueDef]
    keys: dict[str, KeyDef]
    buckets: dict[str, BucketDef]
    state_machines: dict[str, StateMachineDef]
    secrets: dict[str, SecretDef]
    email_identities: dict[str, EmailIdentityDef]
    configuration_sets: dict[str, str]  # logical id -> name
    routes: list[HttpRoute]
    authorizers: dict[tuple[str, str], Authorizer]  # (api logical id, name) -> authorizer
    sqs_sources: list[SqsSource]
    stream_sources: list[StreamSource]
    schedules: list[Schedule]
    names: Names
    topics: dict[str, TopicDef] = field(default_factory=dict)
    sns_sources: list[SnsSource] = field(default_factory=list)
    alarms: dict[str, AlarmDef] = field(default_factory=dict)

    def resolve(self, value: Any, *, where: str = "") -> Any:
        return Resolver(self, where).resolve(value)

    def environment(self, logical_id: str) -> dict[str, str]:
        """The function's own environment (Globals merged with its own), intrinsics resolved."""
        fn = self.functions[logical_id]
        resolved = self.resolve(fn.raw_environment, where=f"{logical_id}.Environment")
        return {key: _as_env_string(value) for key, value in resolved.items()}

    def definition(self, logical_id: str) -> dict[str, Any]:
        """A state machine's ASL with DefinitionSubstitutions applied."""
        sm = self.state_machines[logical_id]
        if sm.inline_definition is not None:
            text = json.dumps(self.resolve(sm.inline_definition, where=f"{logical_id}.Definition"))
        else:
            assert sm.definition_path is not None
            try:
                text = sm.definition_path.read_text(encoding="utf-8")
            except FileNotFoundError as exc:
                raise TemplateError(f"{logical_id}: DefinitionUri {sm.definition_path} not found") from exc
        substitutions = self.resolve(sm.substitutions, where=f"{logical_id}.DefinitionSubstitutions")

        def substitute(match: re.Match[str]) -> str:
            key = match.group(1)
            if key not in substitutions:
                raise TemplateError(f"{logical_id}: definition uses ${{{key}}} but no DefinitionSubstitution")
            value = substitutions[key]
            return value if isinstance(value, str) else json.dumps(value)

        text = re.sub(r"\$\{([A-Za-z0-9_]+)\}", substitute, text)
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise TemplateError(f"{logical_id}: definition is not valid JSON: {exc}") from exc

    def table_create_args(self, logical_id: str) -> dict[str, Any]:
        table = self.tables[logical_id]
        props = self.resolve(table.properties, where=logical_id)
        args: dict[str, Any] = {
            "TableName": table.name,
            "KeySchema": props["KeySchema"],
            "AttributeDefinitions": props["AttributeDefinitions"],
            "BillingMode": "PAY_PER_REQUEST",
        }
        if props.get("GlobalSecondaryIndexes"):
            args["GlobalSecondaryIndexes"] = [
                {k: v for k, v in gsi.items() if k in ("IndexName", "KeySchema", "Projection")}
                for gsi in props["GlobalSecondaryIndexes"]
            ]
        if props.get("LocalSecondaryIndexes"):
            args["LocalSecondaryIndexes"] = props["LocalSecondaryIndexes"]
        if table.stream_view_type:
            args["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": table.stream_view_type}
        return args


def _as_env_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


# --- Physical names ---------------------------------------------------------------------------


@dataclass
class PhysicalResource:
    ref: str  # what !Ref answers
    attributes: dict[str, str] = field(default_factory=dict)  # what !GetAtt answers


class Names:
    """Logical id -> physical ref and attributes. Provisioning adds the ids moto generates."""

    def __init__(self) -> None:
        self._resources: dict[str, PhysicalResource] = {}

    def set(self, logical_id: str, ref: str, **attributes: str) -> None:
        self._resources[logical_id] = PhysicalResource(ref, dict(attributes))

    def update(self, logical_id: str, ref: str | None = None, **attributes: str) -> None:
        existing = self._resources.setdefault(logical_id, PhysicalResource(ref or logical_id))
        if ref is not None:
            existing.ref = ref
        existing.attributes.update(attributes)

    def get(self, logical_id: str) -> PhysicalResource | None:
        return self._resources.get(logical_id)

    def __contains__(self, logical_id: str) -> bool:
        return logical_id in self._resources


# --- Intrinsic functions ----------------------------------------------------------------------


class Resolver:
    def __init__(self, template: Template, where: str) -> None:
        self.t = template
        self.where = where

    def fail(self, message: str) -> TemplateError:
        return TemplateError(f"{self.where}: {message}" if self.where else message)

    def pseudo(self, name: str) -> str | None:
        return {
            "AWS::Region": REGION,
            "AWS::AccountId": ACCOUNT_ID,
            "AWS::StackName": self.t.stack_name,
            "AWS::StackId": f"arn:aws:cloudformation:{REGION}:{ACCOUNT_ID}:stack/{self.t.stack_name}/local",
            "AWS::Partition": PARTITION,
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NoValue": None,
        }.get(name, "\0missing")

    def ref(self, name: str) -> Any:
        if name in self.t.parameters:
            value = self.t.parameters[name]
            kind = str(((self.t.document.get("Parameters") or {}).get(name) or {}).get("Type", ""))
            return value.split(",") if kind == "CommaDelimitedList" or kind.startswith("List<") else value
        pseudo = self.pseudo(name)
        if pseudo != "\0missing":
            return pseudo
        resource, _, published = name.partition(".")
        if published in ("Alias", "Version"):  # SAM: a function's AutoPublishAlias and its version
            return self.get_att(resource, published)
        physical = self.t.names.get(name)
        if physical is not None:
            return physical.ref
        if name in self.t.document["Resources"]:
            raise self.fail(f"!Ref {name}: the resource has no local physical id yet (not provisioned)")
        raise self.fail(f"!Ref {name}: no such parameter or resource")

    def get_att(self, resource: str, attribute: str) -> Any:
        physical = self.t.names.get(resource)
        if physical is None:
            if resource in self.t.document["Resources"]:
                raise self.fail(f"!GetAtt {resource}.{attribute}: resource not provisioned locally")
            raise self.fail(f"!GetAtt {resource}.{attribute}: no such resource")
        if attribute not in physical.attributes:
            raise self.fail(f"!GetAtt {resource}.{attribute}: attribute not supported locally")
        return physical.attributes[attribute]

    def sub(self, value: Any) -> str:
        if isinstance(value, list):
            text, variables = value[0], self.resolve(value[1])
        else:
            text, variables = value, {}

        def replace(match: re.Match[str]) -> str:
            token = match.group(1)
            if token.startswith("!"):
                return "${" + token[1:] + "}"
            if token in variables:
                return str(variables[token])
            if "." in token and not token.startswith("AWS::"):
                resource, attribute = token.split(".", 1)
                return str(self.get_att(resource, attribute))
            resolved = self.ref(token)
            return "" if resolved is None else str(resolved)

        return re.sub(r"\$\{([^}]+)\}", replace, text)

    def condition(self, name: str) -> bool:
        if name not in self.t.conditions:
            raise self.fail(f"unknown condition {name}")
        return self.t.conditions[name]

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            resolved = [self.resolve(item) for item in value]
            return [item for item in resolved if item is not _NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            (key, arg), = value.items()
            handler = self._functions().get(key)
            if handler is not None:
                result = handler(arg)
                return _NO_VALUE if result is None and key == "Ref" else result
        out = {}
        for key, item in value.items():
            resolved = self.resolve(item)
            if resolved is not _NO_VALUE:
                out[key] = resolved
        return out

    def _functions(self) -> dict[str, Callable[[Any], Any]]:
        return {
            "Ref": lambda arg: self.ref(arg),
            "Fn::GetAtt": lambda arg: self.get_att(*(arg if isinstance(arg, list) else arg.split(".", 1))),
            "Fn::Sub": self.sub,
            "Fn::Join": lambda arg: str(arg[0]).join(str(x) for x in self.resolve(arg[1])),
            "Fn::Select": lambda arg: self.resolve(arg[1])[int(self.resolve(arg[0]))],
            "Fn::Split": lambda arg: str(self.resolve(arg[1])).split(arg[0]),
            "Fn::If": lambda arg: self.resolve(arg[1] if self.condition(arg[0]) else arg[2]),
            "Fn::FindInMap": self._find_in_map,
            "Fn::GetAZs": lambda arg: [f"{REGION}a", f"{REGION}b", f"{REGION}c"],
            "Fn::Base64": lambda arg: __import__("base64").b64encode(str(self.resolve(arg)).encode()).decode(),
            "Fn::ToJsonString": lambda arg: json.dumps(self.resolve(arg)),
            "Fn::ImportValue": lambda arg: (_ for _ in ()).throw(self.fail("Fn::ImportValue is not supported")),
        }

    def _find_in_map(self, arg: list[Any]) -> Any:
        name, top, second = (self.resolve(a) for a in arg)
        try:
            return self.t.document["Mappings"][name][top][second]
        except KeyError as exc:
            raise self.fail(f"!FindInMap {name}/{top}/{second}: no such entry") from exc


def _published(layer: Any) -> bool:
    arn = layer.get("Fn::Sub") if isinstance(layer, dict) else layer
    return isinstance(arn, str) and arn.startswith("arn:")


class _NoValue:
    def __repr__(self) -> str:
        return "AWS::NoValue"


_NO_VALUE = _NoValue()


def _evaluate_conditions(document: dict[str, Any], parameters: dict[str, str]) -> dict[str, bool]:
    raw = document.get("Conditions") or {}
    done: dict[str, bool] = {}

    def value(arg: Any) -> Any:
        if isinstance(arg, dict) and "Ref" in arg:
            return parameters.get(arg["Ref"], {"AWS::Region": REGION, "AWS::AccountId": ACCOUNT_ID}.get(arg["Ref"]))
        if isinstance(arg, dict) and "Condition" in arg:
            return evaluate(arg["Condition"])
        if isinstance(arg, dict) and len(arg) == 1:
            return truth(arg)
        return arg

    def truth(expr: Any) -> bool:
        (fn, args), = expr.items()
        if fn == "Fn::Equals":
            return str(value(args[0])) == str(value(args[1]))
        if fn == "Fn::Not":
            return not truth_or_condition(args[0])
        if fn == "Fn::And":
            return all(truth_or_condition(a) for a in args)
        if fn == "Fn::Or":
            return any(truth_or_condition(a) for a in args)
        if fn == "Condition":
            return evaluate(args)
        raise TemplateError(f"Conditions: unsupported function {fn}")

    def truth_or_condition(expr: Any) -> bool:
        if isinstance(expr, dict) and "Condition" in expr:
            return evaluate(expr["Condition"])
        return truth(expr)

    def evaluate(name: str) -> bool:
        if name not in done:
            if name not in raw:
                raise TemplateError(f"Conditions: unknown condition {name}")
            done[name] = truth(raw[name])
        return done[name]

    for name in raw:
        evaluate(name)
    return done


# --- Parsing ----------------------------------------------------------------------------------


def load_template(
    path: Path | str,
    *,
    stack_name: str = "tessera-local",
    parameter_overrides: Mapping[str, str] | None = None,
) -> Template:
    path = Path(path).resolve()
    document = inline_nested_stacks(load_yaml(path), path.parent)
    parameters: dict[str, str] = {}
    for name, spec in (document.get("Parameters") or {}).items():
        if parameter_overrides and name in parameter_overrides:
            parameters[name] = str(parameter_overrides[name])
        elif "Default" in spec:
            default = spec["Default"]
            parameters[name] = ",".join(default) if isinstance(default, list) else str(default)
        else:
            raise TemplateError(f"Parameters.{name}: no Default and no override given")
    conditions = _evaluate_conditions(document, parameters)
    template = Template(
        path=path, root=path.parent, stack_name=stack_name, document=document, parameters=parameters,
        conditions=conditions, functions={}, tables={}, queues={}, keys={}, buckets={}, state_machines={},
        secrets={}, email_identities={}, configuration_sets={}, routes=[], authorizers={}, sqs_sources=[],
        stream_sources=[],
        schedules=[], names=Names(),
    )
    _Parser(template).parse()
    return template


def _lower_name(logical_id: str) -> str:
    return re.sub(r"[^a-z0-9-]", "-", logical_id.lower())


class _Parser:
    def __init__(self, template: Template) -> None:
        self.t = template
        self.resources: dict[str, Any] = template.document["Resources"]
        self.globals_fn: dict[str, Any] = (template.document.get("Globals") or {}).get("Function") or {}
        self.globals_api: dict[str, Any] = (template.document.get("Globals") or {}).get("HttpApi") or {}

    def active(self, logical_id: str) -> bool:
        condition = self.resources[logical_id].get("Condition")
        return condition is None or self.t.conditions.get(condition, False)

    def early(self, value: Any, where: str) -> Any:
        """Resolve values needed at parse time (names, paths): parameters and pseudo-parameters only."""
        try:
            return self.t.resolve(value, where=where)
        except TemplateError as exc:
            raise TemplateError(f"{exc} (needed at parse time)") from exc

    def parse(self) -> None:
        for logical_id, resource in self.resources.items():
            if not isinstance(resource, dict) or "Type" not in resource:
                raise TemplateError(f"Resources.{logical_id}: a resource needs a Type")
            if not self.active(logical_id):
                continue
            props = resource.get("Properties") or {}
            kind = resource["Type"]
            parse = {
                "AWS::DynamoDB::Table": self.table,
                "AWS::Serverless::SimpleTable": self.simple_table,
                "AWS::SQS::Queue": self.queue,
                "AWS::KMS::Key": self.key,
                "AWS::S3::Bucket": self.bucket,
                "AWS::Serverless::StateMachine": self.state_machine,
                "AWS::StepFunctions::StateMachine": self.state_machine,
                "AWS::SecretsManager::Secret": self.secret,
                "AWS::SES::EmailIdentity": self.email_identity,
                "AWS::SES::ConfigurationSet": self.configuration_set,
                "AWS::Scheduler::Schedule": self.scheduler_schedule,
                "AWS::Events::Rule": self.events_rule,
                "AWS::SNS::Topic": self.topic,
                "AWS::CloudWatch::Alarm": self.alarm,
            }.get(kind)
            if parse is not None:
                parse(logical_id, props)
        # Names known before provisioning let functions be parsed with their ARNs.
        for logical_id, resource in self.resources.items():
            if self.active(logical_id) and resource["Type"] == "AWS::Serverless::Function":
                self.function(logical_id, resource.get("Properties") or {})
        for logical_id, resource in self.resources.items():
            if self.active(logical_id) and resource["Type"] == "AWS::KMS::Alias":
                self.alias(logical_id, resource.get("Properties") or {})
        for logical_id, resource in self.resources.items():
            if self.active(logical_id) and resource["Type"] == "AWS::Serverless::HttpApi":
                self.http_api(logical_id, resource.get("Properties") or {})
        for route in self.t.routes:
            if route.authorizer == "\0default":  # on the implicit API, or an API without a default
                route.authorizer = None
        self.t.routes.sort(key=HttpRoute.specificity)
        for route in self.t.routes:
            if route.authorizer and (route.api, route.authorizer) not in self.t.authorizers:
                raise TemplateError(
                    f"{route.function}: route {route.route_key} names authorizer {route.authorizer}, "
                    f"which {route.api} does not define"
                )

    # Resources

    def name_of(self, logical_id: str, props: dict[str, Any], prop: str) -> str:
        if prop in props:
            return str(self.early(props[prop], f"{logical_id}.{prop}"))
        return f"{self.t.stack_name}-{logical_id}"

    def table(self, logical_id: str, props: dict[str, Any]) -> None:
        name = self.name_of(logical_id, props, "TableName")
        ttl = props.get("TimeToLiveSpecification") or {}
        stream = props.get("StreamSpecification") or {}
        self.t.tables[logical_id] = TableDef(
            logical_id, name, props,
            ttl_attribute=ttl.get("AttributeName") if ttl.get("Enabled", True) else None,
            stream_view_type=stream.get("StreamViewType"),
        )
        arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT_ID}:table/{name}"
        self.t.names.set(logical_id, name, Arn=arn)  # StreamArn is added by provisioning

    def simple_table(self, logical_id: str, props: dict[str, Any]) -> None:
        key = props.get("PrimaryKey") or {"Name": "id", "Type": "String"}
        attr_type = {"String": "S", "Number": "N", "Binary": "B"}[key.get("Type", "String")]
        table_props = {
            "TableName": props.get("TableName"),
            "KeySchema": [{"AttributeName": key["Name"], "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": key["Name"], "AttributeType": attr_type}],
        }
        self.table(logical_id, {k: v for k, v in table_props.items() if v is not None})

    def queue(self, logical_id: str, props: dict[str, Any]) -> None:
        fifo = bool(props.get("FifoQueue"))
        name = self.name_of(logical_id, props, "QueueName")
        if fifo and not name.endswith(".fifo"):
            name += ".fifo"
        self.t.queues[logical_id] = QueueDef(logical_id, name, fifo, props)
        arn = f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{name}"
        # The URL host is rewritten by provisioning to the local endpoint.
        self.t.names.set(logical_id, f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT_ID}/{name}", Arn=arn,
                         QueueName=name, QueueUrl=f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT_ID}/{name}")

    def key(self, logical_id: str, props: dict[str, Any]) -> None:
        self.t.keys[logical_id] = KeyDef(
            logical_id,
            key_spec=props.get("KeySpec", "SYMMETRIC_DEFAULT"),
            key_usage=props.get("KeyUsage", "ENCRYPT_DECRYPT"),
            description=str(self.early(props.get("Description", logical_id), f"{logical_id}.Description")),
            aliases=[],
        )

    def alias(self, logical_id: str, props: dict[str, Any]) -> None:
        target = props.get("TargetKeyId")
        target_id = target.get("Ref") if isinstance(target, dict) else None
        if target_id is None and isinstance(target, dict) and "Fn::GetAtt" in target:
            target_id = target["Fn::GetAtt"][0]
        if target_id not in self.t.keys:
            raise TemplateError(f"{logical_id}: TargetKeyId must reference a key in this template")
        alias_name = str(self.early(props["AliasName"], f"{logical_id}.AliasName"))
        self.t.keys[target_id].aliases.append(alias_name)
        self.t.names.set(logical_id, alias_name)

    def bucket(self, logical_id: str, props: dict[str, Any]) -> None:
        name = self.name_of(logical_id, props, "BucketName").lower()
        self.t.buckets[logical_id] = BucketDef(logical_id, name, props)
        self.t.names.set(logical_id, name, Arn=f"arn:aws:s3:::{name}", DomainName=f"{name}.s3.amazonaws.com",
                         RegionalDomainName=f"{name}.s3.{REGION}.amazonaws.com")

    def state_machine(self, logical_id: str, props: dict[str, Any]) -> None:
        name = self.name_of(logical_id, props, "Name" if "Name" in props else "StateMachineName")
        uri = props.get("DefinitionUri")
        definition = props.get("Definition")
        if uri is None and definition is None:
            raise TemplateError(f"{logical_id}: a state machine needs DefinitionUri or Definition")
        if isinstance(uri, dict):
            raise TemplateError(f"{logical_id}: DefinitionUri must be a local file path to run locally")
        sm = StateMachineDef(
            logical_id, name,
            definition_path=(self.t.root / uri) if uri else None,
            inline_definition=definition,
            substitutions=props.get("DefinitionSubstitutions") or {},
        )
        self.t.state_machines[logical_id] = sm
        self.t.names.set(logical_id, sm.arn, Arn=sm.arn, Name=name)
        for event_name, event in (props.get("Events") or {}).items():
            kind = event.get("Type")
            ep = event.get("Properties") or {}
            if kind in ("Schedule", "ScheduleV2"):
                expression = ep.get("Schedule") or ep.get("ScheduleExpression")
                self.t.schedules.append(Schedule(
                    name=f"{logical_id}.{event_name}", expression=expression, target_kind="statemachine",
                    target=logical_id, input=ep.get("Input"), enabled=_enabled(ep),
                ))

    def topic(self, logical_id: str, props: dict[str, Any]) -> None:
        topic = TopicDef(logical_id, self.name_of(logical_id, props, "TopicName"))
        self.t.topics[logical_id] = topic
        self.t.names.set(logical_id, topic.arn, TopicArn=topic.arn, TopicName=topic.name)

    def alarm(self, logical_id: str, props: dict[str, Any]) -> None:
        name = self.name_of(logical_id, props, "AlarmName")
        self.t.alarms[logical_id] = AlarmDef(logical_id, {**props, "AlarmName": name})
        self.t.names.set(logical_id, name, Arn=f"arn:{PARTITION}:cloudwatch:{REGION}:{ACCOUNT_ID}:alarm:{name}")

    def secret(self, logical_id: str, props: dict[str, Any]) -> None:
        name = self.name_of(logical_id, props, "Name")
        self.t.secrets[logical_id] = SecretDef(logical_id, name, props)
        arn = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT_ID}:secret:{name}"
        self.t.names.set(logical_id, arn, Arn=arn, Id=arn)  # provisioning replaces with moto's ARN

    def email_identity(self, logical_id: str, props: dict[str, Any]) -> None:
        self.t.email_identities[logical_id] = EmailIdentityDef(logical_id, props.get("EmailIdentity"))
        self.t.names.set(logical_id, str(self.early(props.get("EmailIdentity"), logical_id)))

    def configuration_set(self, logical_id: str, props: dict[str, Any]) -> None:
        name = str(self.early(props.get("Name") or f"{_lower_name(logical_id)}-local", logical_id))
        self.t.configuration_sets[logical_id] = name
        self.t.names.set(logical_id, name)

    def target_of(self, where: str, arn: Any) -> tuple[str, str]:
        logical = None
        if isinstance(arn, dict) and "Fn::GetAtt" in arn:
            logical = arn["Fn::GetAtt"][0]
        elif isinstance(arn, dict) and "Ref" in arn:
            logical = str(arn["Ref"]).removesuffix(".Alias").removesuffix(".Version")
        if logical in self.t.state_machines:
            return "statemachine", logical
        if logical is not None and self.resources.get(logical, {}).get("Type") == "AWS::Serverless::Function":
            return "function", logical
        raise TemplateError(f"{where}: the target must be a function or state machine of this template")

    def scheduler_schedule(self, logical_id: str, props: dict[str, Any]) -> None:
        target = props.get("Target") or {}
        kind, logical = self.target_of(f"{logical_id}.Target", target.get("Arn"))
        self.t.schedules.append(Schedule(
            name=logical_id, expression=str(self.early(props["ScheduleExpression"], logical_id)),
            target_kind=kind, target=logical, input=target.get("Input"),
            enabled=props.get("State", "ENABLED") == "ENABLED",
        ))

    def events_rule(self, logical_id: str, props: dict[str, Any]) -> None:
        expression = props.get("ScheduleExpression")
        if not expression:
            return  # event-pattern rules have no local delivery yet
        for index, target in enumerate(props.get("Targets") or []):
            kind, logical = self.target_of(f"{logical_id}.Targets[{index}]", target.get("Arn"))
            self.t.schedules.append(Schedule(
                name=f"{logical_id}.{target.get('Id', index)}", expression=str(expression), target_kind=kind,
                target=logical, input=target.get("Input"), enabled=props.get("State", "ENABLED") == "ENABLED",
            ))

    def function(self, logical_id: str, props: dict[str, Any]) -> None:
        merged = {**self.globals_fn, **props}
        where = f"Resources.{logical_id}"
        for required in ("CodeUri", "Handler"):
            if required not in merged:
                raise TemplateError(f"{where}: {required} is required")
        if merged.get("PackageType", "Zip") != "Zip":
            raise TemplateError(f"{where}: only Zip functions run locally")
        runtime = merged.get("Runtime", "")
        if not str(runtime).startswith("python"):
            raise TemplateError(f"{where}: Runtime {runtime!r} cannot run locally (python only)")
        code_uri = self.early(merged["CodeUri"], f"{where}.CodeUri")
        if not isinstance(code_uri, str):
            raise TemplateError(f"{where}: CodeUri must be a local path to run locally")
        code_dir = (self.t.root / code_uri).resolve()
        if not code_dir.is_dir():
            raise TemplateError(f"{where}: CodeUri {code_uri} is not a folder")
        layers = list(self.globals_fn.get("Layers") or []) + (
            list(props.get("Layers") or []) if "Layers" in props and "Layers" in self.globals_fn else []
        )
        if "Layers" in props and "Layers" not in self.globals_fn:
            layers = list(props["Layers"])
        # A published layer (an ARN, e.g. the ADOT collector extension) has nothing to run here
        layer_dirs = [self.layer_dir(where, layer) for layer in layers if not _published(layer)]
        env = dict(((self.globals_fn.get("Environment") or {}).get("Variables")) or {})
        env.update(((props.get("Environment") or {}).get("Variables")) or {})
        name = self.name_of(logical_id, props, "FunctionName")
        alias = self.early(merged.get("AutoPublishAlias"), f"{where}.AutoPublishAlias")
        alias = str(alias) if alias and alias is not _NO_VALUE else None
        # SAM merges maps from Globals: a function's own `SnapStart: {ApplyOn: None}` turns it off.
        snap_start = {**(self.globals_fn.get("SnapStart") or {}), **(props.get("SnapStart") or {})}
        dlq = (merged.get("DeadLetterQueue") or {}).get("TargetArn")
        dlq_logical = dlq["Fn::GetAtt"][0] if isinstance(dlq, dict) and "Fn::GetAtt" in dlq else None
        if dlq is not None and dlq_logical not in self.t.queues:
            raise TemplateError(f"{where}.DeadLetterQueue: TargetArn must be !GetAtt <Queue>.Arn of this template")
        retries = (merged.get("EventInvokeConfig") or {}).get("MaximumRetryAttempts", 2)
        fn = FunctionDef(
            logical_id=logical_id, name=name, handler=str(merged["Handler"]), code_dir=code_dir,
            layer_dirs=layer_dirs, raw_environment=env, timeout=int(merged.get("Timeout", 3)),
            memory=int(merged.get("MemorySize", 128)), alias=alias,
            # Lambda applies SnapStart to published versions only; without an alias events reach $LATEST.
            snap_start=alias is not None and snap_start.get("ApplyOn") == "PublishedVersions",
            dead_letter_queue=dlq_logical, async_retries=int(retries),
        )
        self.t.functions[logical_id] = fn
        # SAM's `!Ref <Function>.Alias` and `.Version` (see Resolver.ref); locally the alias is on version 1.
        published = {"Alias": fn.invoked_arn, "Version": f"{fn.arn}:1"} if fn.alias else {}
        self.t.names.set(logical_id, name, Arn=fn.arn, **published)
        for event_name, event in (props.get("Events") or {}).items():
            self.function_event(fn, event_name, event)

    def layer_dir(self, where: str, layer: Any) -> Path:
        logical = layer.get("Ref") if isinstance(layer, dict) else None
        resource = self.resources.get(logical or "")
        if not resource or resource.get("Type") != "AWS::Serverless::LayerVersion":
            raise TemplateError(f"{where}.Layers: {layer!r} must !Ref an AWS::Serverless::LayerVersion here")
        content = (resource.get("Properties") or {}).get("ContentUri")
        if not isinstance(content, str):
            raise TemplateError(f"{logical}: ContentUri must be a local path to run locally")
        folder = (self.t.root / content).resolve()
        # BuildMethod layers keep the package at the top (SAM copies it to python/); prebuilt layers use python/.
        return folder / "python" if (folder / "python").is_dir() else folder

    def function_event(self, fn: FunctionDef, event_name: str, event: dict[str, Any]) -> None:
        kind = event.get("Type")
        props = event.get("Properties") or {}
        where = f"Resources.{fn.logical_id}.Events.{event_name}"
        if kind == "HttpApi":
            api = props.get("ApiId", {"Ref": "ServerlessHttpApi"})
            api_id = api.get("Ref") if isinstance(api, dict) else None
            if api_id is None:
                raise TemplateError(f"{where}: ApiId must be !Ref to an AWS::Serverless::HttpApi")
            auth = props.get("Auth") or {}
            authorizer = auth.get("Authorizer", "\0default")
            method = str(props.get("Method", "ANY")).upper()
            path = props.get("Path", "$default")
            if method == "X-AMAZON-APIGATEWAY-ANY-METHOD":
                method = "ANY"
            self.t.routes.append(HttpRoute(method, path, fn.logical_id, api_id, authorizer))
        elif kind == "SQS":
            queue = props.get("Queue")
            logical = queue["Fn::GetAtt"][0] if isinstance(queue, dict) and "Fn::GetAtt" in queue else None
            if logical not in self.t.queues:
                raise TemplateError(f"{where}: Queue must be !GetAtt <Queue>.Arn of this template")
            self.t.sqs_sources.append(SqsSource(
                function=fn.logical_id, queue=logical, batch_size=int(props.get("BatchSize", 10)),
                max_batching_window_seconds=int(props.get("MaximumBatchingWindowInSeconds", 0)),
                report_batch_item_failures="ReportBatchItemFailures" in (props.get("FunctionResponseTypes") or []),
                enabled=_enabled(props),
            ))
        elif kind == "DynamoDB":
            stream = props.get("Stream")
            logical = stream["Fn::GetAtt"][0] if isinstance(stream, dict) and "Fn::GetAtt" in stream else None
            if logical not in self.t.tables:
                raise TemplateError(f"{where}: Stream must be !GetAtt <Table>.StreamArn of this template")
            if not self.t.tables[logical].stream_view_type:
                raise TemplateError(f"{where}: table {logical} has no StreamSpecification")
            filters = []
            for flt in ((props.get("FilterCriteria") or {}).get("Filters") or []):
                pattern = flt.get("Pattern")
                filters.append(json.loads(pattern) if isinstance(pattern, str) else pattern)
            on_failure = ((props.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
            failure_queue = on_failure["Fn::GetAtt"][0] if isinstance(on_failure, dict) and "Fn::GetAtt" in on_failure \
                else None
            if on_failure is not None and failure_queue not in self.t.queues:
                raise TemplateError(f"{where}: DestinationConfig.OnFailure must be !GetAtt <Queue>.Arn of this "
                                    "template")
            self.t.stream_sources.append(StreamSource(
                function=fn.logical_id, table=logical, batch_size=int(props.get("BatchSize", 100)),
                starting_position=props.get("StartingPosition", "LATEST"),
                report_batch_item_failures="ReportBatchItemFailures" in (props.get("FunctionResponseTypes") or []),
                filters=filters, enabled=_enabled(props), on_failure_queue=failure_queue,
            ))
        elif kind == "SNS":
            topic = props.get("Topic")
            logical = topic.get("Ref") if isinstance(topic, dict) else None
            if logical not in self.t.topics:
                raise TemplateError(f"{where}: Topic must be !Ref to an AWS::SNS::Topic of this template")
            self.t.sns_sources.append(SnsSource(
                function=fn.logical_id, topic=logical, filter_policy=props.get("FilterPolicy"),
                filter_policy_scope=str(props.get("FilterPolicyScope", "MessageAttributes")),
            ))
        elif kind in ("Schedule", "ScheduleV2"):
            expression = props.get("Schedule") or props.get("ScheduleExpression")
            if not expression:
                raise TemplateError(f"{where}: a schedule needs Schedule / ScheduleExpression")
            self.t.schedules.append(Schedule(
                name=f"{fn.logical_id}.{event_name}", expression=str(self.early(expression, where)),
                target_kind="function", target=fn.logical_id, input=props.get("Input"), enabled=_enabled(props),
            ))

    def http_api(self, logical_id: str, props: dict[str, Any]) -> None:
        auth = {**(self.globals_api.get("Auth") or {}), **(props.get("Auth") or {})}
        default = auth.get("DefaultAuthorizer")
        for name, spec in (auth.get("Authorizers") or {}).items():
            fn_arn = spec.get("FunctionArn")
            kind, fn_logical = self.target_of(f"{logical_id}.Auth.Authorizers.{name}.FunctionArn", fn_arn)
            if kind != "function":
                raise TemplateError(f"{logical_id}.Auth.Authorizers.{name}: FunctionArn must be a function")
            identity = spec.get("Identity") or {}
            self.t.authorizers[(logical_id, name)] = Authorizer(
                name=name, api=logical_id, function=fn_logical,
                identity_headers=[h.lower() for h in (identity.get("Headers") or [])],
                simple_responses=bool(spec.get("EnableSimpleResponses", False)),
                payload_version=str(spec.get("AuthorizerPayloadFormatVersion", "2.0")),
                ttl_seconds=int(identity.get("ReauthorizeEvery", 300)),
            )
        for route in self.t.routes:
            if route.api == logical_id and route.authorizer == "\0default":
                route.authorizer = default
        for route in self.t.routes:
            if route.api == logical_id and route.authorizer == "NONE":
                route.authorizer = None
        self.t.names.set(logical_id, f"{_lower_name(logical_id)[:10]}local",
                         ApiEndpoint="http://localhost", ApiId=f"{_lower_name(logical_id)[:10]}local")


def _enabled(props: dict[str, Any]) -> bool:
    return bool(props.get("Enabled", True)) and props.get("State", "ENABLED") == "ENABLED"


def local_parameters(root: Path, gateway: str) -> dict[str, str]:
    """infra/local/parameters.json: what the product's template gets locally (OAuth fakes and the like)."""
    path = root / "infra" / "local" / "parameters.json"
    if not path.is_file():
        return {}
    values = json.loads(path.read_text(encoding="utf-8"))
    return {k: str(v).replace("{gateway}", gateway) for k, v in values.items() if not k.startswith("_")}
