"""Reading a SAM template: Globals, per-function environments with intrinsics and conditions, and
clear TemplateError messages for templates the local cloud cannot run."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from localcloud.cloud import CloudConfig, LocalCloud
from localcloud.template import ACCOUNT_ID, REGION, TemplateError, load_template

from .conftest import TEMPLATES

BASIC = TEMPLATES / "basic" / "template.yaml"

HEADER = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
"""


def write(tmp_path: Path, body: str, *, code: bool = True) -> Path:
    if code:
        (tmp_path / "src").mkdir(exist_ok=True)
    path = tmp_path / "template.yaml"
    path.write_text(HEADER + textwrap.dedent(body))
    return path


def test_basic_globals_merge_and_environment(tmp_path: Path) -> None:
    template = load_template(BASIC)
    echo, auth = template.functions["EchoFn"], template.functions["AuthFn"]
    assert echo.timeout == auth.timeout == 3  # Globals.Function.Timeout
    assert echo.code_dir == (BASIC.parent / "fn").resolve()
    assert echo.handler == "basic_fn.echo.handler"
    # The key id exists only once moto made the key: until then the !Ref cannot resolve.
    with pytest.raises(TemplateError, match=r"EchoFn.Environment: !Ref Key: .*not provisioned"):
        template.environment("EchoFn")
    template.names.update("Key", ref="key-1234")
    env = template.environment("EchoFn")
    assert env == {
        "STAGE": "test",  # !Ref Stage (the Default)
        "TABLE": "tessera-local-Items",  # !Ref of a table is its name
        "ONLY_ECHO": "tessera-local-Work-x",  # !Sub "${Work.QueueName}-x"
        "KEY": "key-1234",
    }
    assert template.environment("AuthFn") == {"STAGE": "test", "TABLE": "tessera-local-Items"}
    assert template.conditions == {"IsProd": False}
    assert load_template(BASIC, parameter_overrides={"Stage": "prod"}).conditions == {"IsProd": True}


def test_basic_routes_sources_and_schedules() -> None:
    template = load_template(BASIC)
    routes = {route.route_key: route for route in template.routes}
    assert routes["GET /items/{id}"].authorizer == "Bearer"  # DefaultAuthorizer
    assert routes["ANY /{proxy+}"].authorizer is None  # Auth: {Authorizer: NONE}
    assert [r.route_key for r in template.routes][-1] == "ANY /{proxy+}"  # greedy routes match last
    authorizer = template.authorizers[("Api", "Bearer")]
    assert authorizer.function == "AuthFn"
    assert (authorizer.identity_headers, authorizer.ttl_seconds) == (["authorization"], 60)
    assert [(s.queue, s.batch_size, s.report_batch_item_failures) for s in template.sqs_sources] == [("Work", 5, True)]
    assert [(s.table, s.starting_position) for s in template.stream_sources] == [("Items", "TRIM_HORIZON")]
    assert [(s.name, s.expression, s.input) for s in template.schedules] == [
        ("EchoFn.T", "rate(1 day)", '{"job":"daily"}')]
    assert template.keys["Key"].aliases == ["alias/test-sign"]


def test_intrinsics_conditions_and_overrides(tmp_path: Path) -> None:
    path = write(tmp_path, """\
        Parameters:
          Stage: {Type: String, Default: dev}
          Domains: {Type: CommaDelimitedList, Default: [a.example, b.example]}
        Conditions:
          IsProd: !Equals [!Ref Stage, prod]
          NotProd: !Not [!Condition IsProd]
          ProdOrStaging: !Or [!Condition IsProd, !Equals [!Ref Stage, staging]]
        Mappings:
          Plans: {dev: {seats: 3}, staging: {seats: 10}, prod: {seats: 50}}
        Globals:
          Function:
            Runtime: python3.13
            CodeUri: src/
            Handler: app.handler
            Timeout: 10
            MemorySize: 256
            Environment:
              Variables: {SHARED: global, OVERRIDDEN: global, STAGE: !Ref Stage}
        Resources:
          Bus: {Type: AWS::SQS::Queue, Properties: {QueueName: !Sub "${Stage}-bus"}}
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Timeout: 20
              Environment:
                Variables:
                  OVERRIDDEN: own
                  MODE: !If [IsProd, live, sandbox]
                  OPTIONAL: !If [IsProd, set, !Ref AWS::NoValue]
                  NOT_PROD: !If [NotProd, "yes", "no"]
                  WIDE: !If [ProdOrStaging, wide, narrow]
                  BUS_ARN: !GetAtt Bus.Arn
                  BUS_URL: !Ref Bus
                  SELF: !Sub "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${Fn}"
                  SUB_VARS: !Sub ["${Name}.${Stage}", {Name: !Select [1, !Ref Domains]}]
                  LITERAL: !Sub "${!NotAVariable}"
                  JOINED: !Join ["|", [!Ref Stage, !Ref AWS::StackName]]
                  SEATS: !FindInMap [Plans, !Ref Stage, seats]
                  FLAG: true
          ProdOnly:
            Type: AWS::Serverless::Function
            Condition: IsProd
            Properties: {Environment: {Variables: {ONLY: prod}}}
    """)
    dev = load_template(path)
    fn = dev.functions["Fn"]
    assert (fn.timeout, fn.memory) == (20, 256)  # own Timeout wins, MemorySize from Globals
    assert "ProdOnly" not in dev.functions  # its Condition is false
    env = dev.environment("Fn")
    assert env["SHARED"] == "global" and env["OVERRIDDEN"] == "own" and env["STAGE"] == "dev"
    assert env["MODE"] == "sandbox" and "OPTIONAL" not in env
    assert env["NOT_PROD"] == "yes" and env["WIDE"] == "narrow"
    assert env["BUS_ARN"] == f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:dev-bus"
    assert env["BUS_URL"].endswith(f"/{ACCOUNT_ID}/dev-bus")
    assert env["SELF"] == f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{fn.name}"
    assert env["SUB_VARS"] == "b.example.dev"
    assert env["LITERAL"] == "${NotAVariable}"
    assert env["JOINED"] == "dev|tessera-local"
    assert env["SEATS"] == "3" and env["FLAG"] == "true"

    prod = load_template(path, parameter_overrides={"Stage": "prod"})
    env = prod.environment("Fn")
    assert env["MODE"] == "live" and env["OPTIONAL"] == "set" and env["NOT_PROD"] == "no"
    assert env["WIDE"] == "wide" and env["SEATS"] == "50"
    assert prod.environment("ProdOnly") == {"SHARED": "global", "OVERRIDDEN": "global", "STAGE": "prod",
                                            "ONLY": "prod"}
    staging = load_template(path, parameter_overrides={"Stage": "staging"})
    assert staging.environment("Fn")["WIDE"] == "wide"


def test_snapstart_and_published_aliases(tmp_path: Path) -> None:
    path = write(tmp_path, """\
        Globals:
          Function:
            Runtime: python3.13
            CodeUri: src/
            Handler: app.handler
            AutoPublishAlias: live
            SnapStart: {ApplyOn: PublishedVersions}
        Resources:
          Api:
            Type: AWS::Serverless::HttpApi
            Properties:
              Auth:
                Authorizers:
                  Session: {FunctionArn: !Ref Authorizer.Alias, AuthorizerPayloadFormatVersion: "2.0"}
          Authorizer: {Type: AWS::Serverless::Function}
          Worker:
            Type: AWS::Serverless::Function
            Properties:
              SnapStart: {ApplyOn: None}
              Environment:
                Variables: {AUTHORIZER: !Ref Authorizer.Alias, VERSION: !Ref Authorizer.Version,
                            IN_SUB: !Sub "${Authorizer.Alias}/x"}
          Unpublished:
            Type: AWS::Serverless::Function
            Properties: {AutoPublishAlias: !Ref AWS::NoValue}
    """)
    template = load_template(path)
    authorizer, worker = template.functions["Authorizer"], template.functions["Worker"]
    assert (authorizer.alias, authorizer.snap_start) == ("live", True)
    assert (worker.alias, worker.snap_start) == ("live", False)  # its own SnapStart merges over Globals'
    # SnapStart applies to published versions: without an alias, invocations reach $LATEST.
    assert (template.functions["Unpublished"].alias, template.functions["Unpublished"].snap_start) == (None, False)
    assert template.authorizers[("Api", "Session")].function == "Authorizer"
    assert template.environment("Worker") == {"AUTHORIZER": f"{authorizer.arn}:live",
                                              "VERSION": f"{authorizer.arn}:1", "IN_SUB": f"{authorizer.arn}:live/x"}
    assert authorizer.invoked_arn == f"{authorizer.arn}:live" and worker.invoked_arn == f"{worker.arn}:live"


FUNCTION = """\
    Resources:
      Fn:
        Type: AWS::Serverless::Function
        Properties: {Runtime: python3.13, Handler: app.handler%s}
"""


def test_missing_code_uri(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"^Resources\.Fn: CodeUri is required$"):
        load_template(write(tmp_path, FUNCTION % ""))


def test_code_uri_folder_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"^Resources\.Fn: CodeUri missing/ is not a folder$"):
        load_template(write(tmp_path, FUNCTION % ", CodeUri: missing/"))


def test_unknown_ref(tmp_path: Path) -> None:
    path = write(tmp_path, FUNCTION % ", CodeUri: src/, Environment: {Variables: {X: !Ref Nope}}")
    template = load_template(path)
    with pytest.raises(TemplateError, match=r"^Fn\.Environment: !Ref Nope: no such parameter or resource$"):
        template.environment("Fn")


def test_unknown_getatt_and_condition(tmp_path: Path) -> None:
    path = write(tmp_path, FUNCTION % ", CodeUri: src/, Environment: {Variables: {X: !GetAtt Ghost.Arn}}")
    with pytest.raises(TemplateError, match=r"!GetAtt Ghost\.Arn: no such resource"):
        load_template(path).environment("Fn")
    path = write(tmp_path, FUNCTION % ", CodeUri: src/, Environment: {Variables: {X: !If [Nope, a, b]}}")
    with pytest.raises(TemplateError, match=r"unknown condition Nope"):
        load_template(path).environment("Fn")


def test_undefined_authorizer(tmp_path: Path) -> None:
    path = write(tmp_path, """\
        Resources:
          Api:
            Type: AWS::Serverless::HttpApi
            Properties:
              Auth:
                Authorizers:
                  Real: {FunctionArn: !GetAtt Fn.Arn, Identity: {Headers: [Authorization]}}
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Runtime: python3.13
              Handler: app.handler
              CodeUri: src/
              Events:
                Get:
                  Type: HttpApi
                  Properties: {ApiId: !Ref Api, Path: /x, Method: get, Auth: {Authorizer: Imaginary}}
    """)
    with pytest.raises(TemplateError, match=r"route GET /x names authorizer Imaginary, which Api does not define"):
        load_template(path)


def test_other_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="no such template"):
        load_template(tmp_path / "nope.yaml")
    with pytest.raises(TemplateError, match=r"Parameters\.Secret: no Default and no override given"):
        load_template(write(tmp_path, "Parameters: {Secret: {Type: String}}\nResources: {}\n"))
    with pytest.raises(TemplateError, match=r"Runtime 'nodejs20.x' cannot run locally"):
        load_template(write(tmp_path, """\
            Resources:
              Fn: {Type: AWS::Serverless::Function, Properties: {Runtime: nodejs20.x, Handler: a.b, CodeUri: src/}}
        """))


def test_the_cloud_refuses_to_start_with_an_unresolvable_environment(tmp_path: Path) -> None:
    path = write(tmp_path, FUNCTION % ", CodeUri: src/, Environment: {Variables: {X: !Ref Nope}}")
    cloud = LocalCloud(CloudConfig(template=path, root=tmp_path, port=0, aws_port=0, log=lambda _: None))
    try:
        with pytest.raises(TemplateError, match=r"!Ref Nope: no such parameter or resource"):
            cloud.start()
    finally:
        cloud.stop()


def test_a_local_nested_stack_is_inlined_with_what_the_parent_passes(tmp_path: Path) -> None:
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "watch.yaml").write_text(textwrap.dedent("""\
        Parameters:
          StackName: {Type: String}
          Topic: {Type: String}
          QueueName: {Type: String}
          Period: {Type: Number, Default: 60}
        Resources:
          DepthAlarm:
            Type: AWS::CloudWatch::Alarm
            Properties:
              AlarmName: !Sub ${StackName}-${QueueName}-depth
              Namespace: AWS/SQS
              MetricName: ApproximateNumberOfMessagesVisible
              Dimensions: [{Name: QueueName, Value: !Ref QueueName}]
              Statistic: Maximum
              Period: !Ref Period
              EvaluationPeriods: 1
              Threshold: 0
              ComparisonOperator: GreaterThanThreshold
              AlarmActions: [!Ref Topic]
        """))
    path = write(tmp_path, """\
        Resources:
          Work: {Type: AWS::SQS::Queue}
          Alarms: {Type: AWS::SNS::Topic}
          Watch:
            Type: AWS::CloudFormation::Stack
            Properties:
              TemplateURL: stacks/watch.yaml
              Parameters: {StackName: !Ref AWS::StackName, Topic: !Ref Alarms, QueueName: !GetAtt Work.QueueName}
    """, code=False)
    template = load_template(path)
    assert "Watch" not in template.document["Resources"]
    alarm = template.alarms["DepthAlarm"].properties
    assert alarm["AlarmName"] == "tessera-local-tessera-local-Work-depth"  # the parent's stack and queue names
    assert alarm["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": ["Work", "QueueName"]}}]
    assert (alarm["Period"], alarm["AlarmActions"]) == (60, [{"Ref": "Alarms"}])


@pytest.mark.parametrize(("parameters", "url", "message"), [
    ("{StackName: x}", "stacks/watch.yaml", "Watch.Parameters.Topic: stacks/watch.yaml needs it and it is not passed"),
    ("{StackName: x, Topic: t, Extra: e}", "stacks/watch.yaml", "Parameters.Extra: stacks/watch.yaml declares no"),
    ("{}", "https://bucket.s3.amazonaws.com/watch.yaml", "Watch.TemplateURL: the local cloud runs only a local path"),
])
def test_a_nested_stack_the_local_cloud_cannot_inline_is_named(tmp_path: Path, parameters: str, url: str,
                                                               message: str) -> None:
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "watch.yaml").write_text(
        "Parameters: {StackName: {Type: String}, Topic: {Type: String}}\nResources: {}\n")
    path = write(tmp_path, f"""\
        Resources:
          Watch:
            Type: AWS::CloudFormation::Stack
            Properties: {{TemplateURL: "{url}", Parameters: {parameters}}}
    """, code=False)
    with pytest.raises(TemplateError) as raised:
        load_template(path)
    assert message in str(raised.value)
