"""The product's handlers in-process on moto: tables, keys and secrets as template.yaml declares them,
each function's environment, and an HTTP client that runs the Lambda authorizer before console and
app routes exactly as API Gateway does."""

from __future__ import annotations

import base64
import importlib
import json
import os
import sys
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlencode

import boto3

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "infra" / "local"))

from localcloud.template import load_yaml  # noqa: E402

TEMPLATE = load_yaml(ROOT / "template.yaml")
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]
BASE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "eu-central-1", "AWS_REGION": "eu-central-1", "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_NAMESPACE": "Tessera", "POWERTOOLS_SERVICE_NAME": "tessera", "TESSERA_STAGE": "test",
    "SES_SENDER": "no-reply@tessera.local", "WEB_BASE_URL": "http://127.0.0.1:8080",
}


def create_tables() -> dict[str, str]:
    """Every AWS::DynamoDB::Table of template.yaml, keys and indexes as declared; name = logical id."""
    client = boto3.client("dynamodb")
    names = {}
    for logical_id, resource in RESOURCES.items():
        if resource["Type"] != "AWS::DynamoDB::Table":
            continue
        props = resource["Properties"]
        args: dict[str, Any] = {"TableName": logical_id, "BillingMode": "PAY_PER_REQUEST",
                                "KeySchema": props["KeySchema"], "AttributeDefinitions": props["AttributeDefinitions"]}
        if props.get("GlobalSecondaryIndexes"):
            args["GlobalSecondaryIndexes"] = [{k: gsi[k] for k in ("IndexName", "KeySchema", "Projection")}
                                              for gsi in props["GlobalSecondaryIndexes"]]
        if props.get("StreamSpecification"):
            args["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
        client.create_table(**args)
        names[logical_id] = logical_id
    return names


@dataclass
class Platform:
    """What `platform()` created: physical ids by logical id."""

    ids: dict[str, str]
    mailer: Any
    audit_stream: Any = None

    def chain_audit(self) -> None:
        """What AuditChainFunction does behind every request: chain the new audit events (the table's stream)."""
        from tests.audit_stream import Stream

        if self.audit_stream is None:
            self.audit_stream = Stream(self.ids["AuditTable"])
        self.audit_stream.deliver()

    def run_audit_jobs(self) -> None:
        """What AuditVerifyWorkerFunction does: take the verification queue's messages until it is empty."""
        sqs, url = boto3.client("sqs"), os.environ["AUDIT_VERIFY_QUEUE_URL"]
        worker = handler_of("AuditVerifyWorkerFunction")
        while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1).get("Messages", []):
            record = {"messageId": messages[0]["MessageId"], "body": messages[0]["Body"]}
            assert worker({"Records": [record]}, LambdaContext()) == {"batchItemFailures": []}
            sqs.delete_message(QueueUrl=url, ReceiptHandle=messages[0]["ReceiptHandle"])

    def mails_to(self, address: str) -> list[Any]:
        return [m for m in self.mailer.sent if m.to == address]

    def link_in_last_mail(self, address: str, marker: str) -> str:
        text = self.mails_to(address)[-1].text
        return next(word for word in text.split() if marker in word)


def platform() -> Platform:
    """Call inside mock_aws(): keys, the JWT secret, tables, and the environment every function reads."""
    os.environ.pop("AWS_ENDPOINT_URL", None)  # mock_aws intercepts AWS's own endpoints, not a local one
    os.environ.update(BASE_ENV)
    kms = boto3.client("kms")
    data_key = kms.create_key(Description="data")["KeyMetadata"]["Arn"]
    signing_key = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    secret = boto3.client("secretsmanager").create_secret(Name="jwt", SecretString="s" * 64)["ARN"]
    response_key = boto3.client("secretsmanager").create_secret(Name="response-key", SecretString="{}")["ARN"]
    cursor_secret = boto3.client("secretsmanager").create_secret(Name="cursor", SecretString="c" * 64)["ARN"]
    queue = boto3.client("sqs").create_queue(QueueName="heartbeats")["QueueUrl"]
    notify_queue = boto3.client("sqs").create_queue(QueueName="notify")["QueueUrl"]
    boto3.client("ses").verify_email_identity(EmailAddress=BASE_ENV["SES_SENDER"])
    documents = "tessera-documents"
    boto3.client("s3").create_bucket(Bucket=documents,
                                     CreateBucketConfiguration={"LocationConstraint": BASE_ENV["AWS_REGION"]})
    boto3.client("s3").put_bucket_versioning(Bucket=documents, VersioningConfiguration={"Status": "Enabled"})
    os.environ["DOCUMENTS_BUCKET"] = documents
    audit_key = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    audit_queue = boto3.client("sqs").create_queue(QueueName="audit-verify")["QueueUrl"]
    boto3.client("s3").create_bucket(Bucket="tessera-audit-checkpoints", ObjectLockEnabledForBucket=True,
                                     CreateBucketConfiguration={"LocationConstraint": BASE_ENV["AWS_REGION"]})
    os.environ.update({"AUDIT_SIGNING_KEY_ID": audit_key, "AUDIT_VERIFY_QUEUE_URL": audit_queue,
                       "AUDIT_CHECKPOINT_BUCKET": "tessera-audit-checkpoints"})
    ids = {**create_tables(), "DataKey": data_key, "LicenseSigningKey": signing_key, "JwtSigningSecret": secret}
    os.environ.update({"IDENTITY_TABLE": ids["IdentityTable"], "ACCOUNTS_TABLE": ids["AccountsTable"],
                       "AUDIT_TABLE": ids["AuditTable"],
                       "BACKOFFICE_TABLE": ids["BackofficeTable"], "LICENSING_TABLE": ids["LicensingTable"],
                       "CATALOG_TABLE": ids["CatalogTable"], "HEARTBEAT_QUEUE_URL": queue,
                       "RESPONSE_KEY_SECRET_ARN": response_key,
                       "JWT_SECRET_ARN": secret, "DATA_KEY_ID": data_key, "LICENSE_SIGNING_KEY_ID": signing_key,
                       "NOTIFY_TABLE": ids["NotifyTable"], "NOTIFY_QUEUE_URL": notify_queue,
                       "CURSOR_SECRET_ARN": cursor_secret, "BILLING_TABLE": ids["BillingTable"]})
    from tessera.core.dynamo import rebind_from_env
    from tessera.core.settings import get_settings
    from tessera.identity import passwords, sessions
    from tessera.notify.mail import MemoryMailer, use_mailer

    rebind_from_env()
    get_settings.cache_clear()
    sessions.keys.cache_clear()
    from tessera.catalog import service as catalog
    from tessera.licensing import signing, state

    signing.signer.cache_clear()
    signing.public_key_jwk.cache_clear()
    state._status_cache.clear()
    from tessera.core import clock
    from tessera.licensing import heartbeats, response_keys

    response_keys.forget()
    with clock.frozen(datetime(2020, 1, 1, tzinfo=UTC)):  # what the hourly rotation does after a deploy, dated
        response_keys.rotate()  # before every test's own frozen time, so a key is in turn for each of them
    heartbeats._seen.clear()
    heartbeats._licenses.clear()
    catalog.save_product(catalog.demo_product())
    from tessera.core.crypto import data_cipher

    data_cipher.cache_clear()
    from tessera.audit import checkpoints

    checkpoints.signer.cache_clear()
    passwords.COST = 4  # bcrypt cost 12 in production; tests only need it to work
    mailer = MemoryMailer()
    use_mailer(mailer)
    return Platform(ids=ids, mailer=mailer)


# --- calling the API ------------------------------------------------------------------------------

def _route_table() -> list[tuple[str, str, str, bool]]:
    """(method, path template, function logical id, behind the authorizer) for every HttpApi route."""
    routes = []
    for logical_id, resource in RESOURCES.items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        for event in (resource["Properties"].get("Events") or {}).values():
            props = event.get("Properties") or {}
            if event.get("Type") == "HttpApi" and "Path" in props:  # not the $default route
                routes.append((props["Method"].upper(), props["Path"], logical_id,
                               (props.get("Auth") or {}).get("Authorizer") == "SessionAuthorizer"))
    return routes


ROUTES = _route_table()
DEFAULT_ROUTE_FUNCTION = "UnmatchedRouteFunction"  # the API's $default route: what no route matches


def handler_of(logical_id: str) -> Any:
    props = RESOURCES[logical_id]["Properties"]
    code = str(ROOT / props["CodeUri"])
    if code not in sys.path:
        sys.path.insert(0, code)
    module, _, function = props["Handler"].rpartition(".")
    return getattr(importlib.import_module(module), function)


def route_functions() -> dict[tuple[str, str], Any]:
    """(method, template path) → the Python function the resolver routes it to, for every HttpApi route."""
    found: dict[tuple[str, str], Any] = {}
    for function in {fn for _, _, fn, _ in ROUTES}:
        module = sys.modules[handler_of(function).__module__]
        app = module.app
        for route in [*app._static_routes, *app._dynamic_routes]:
            found[(route.method, route.openapi_path)] = route.func
    return found


def match(method: str, path: str) -> tuple[str, str, dict[str, str], bool] | None:
    parts = path.strip("/").split("/")
    for route_method, template, function, authorized in ROUTES:
        pattern = template.strip("/").split("/")
        if route_method != method or len(pattern) != len(parts):
            continue
        params = {}
        for want, got in zip(pattern, parts, strict=True):
            if want.startswith("{"):
                params[want.strip("{}")] = got
            elif want != got:
                break
        else:
            return template, function, params, authorized
    return None


def invoke_server(logical_id: str) -> ThreadingHTTPServer:
    """Lambda's Invoke API for one function, answered by its handler in this process (a state machine's task
    Lambda on moto): a raised exception comes back as the error envelope Step Functions matches Retry/Catch on.
    Serving in a daemon thread; `shutdown()` it when done."""

    class Invoke(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            name = unquote(self.path.split("/functions/")[1].split("/")[0])
            assert logical_id in name, name
            event = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
            headers = {"Content-Type": "application/json"}
            try:
                body = handler_of(logical_id)(event, LambdaContext())
            except Exception as exc:
                body = {"errorType": type(exc).__name__, "errorMessage": str(exc), "stackTrace": []}
                headers["X-Amz-Function-Error"] = "Unhandled"
            raw = json.dumps(body).encode()
            self.send_response(200)
            for key, value in {**headers, "Content-Length": str(len(raw))}.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(raw)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Invoke)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class LambdaContext:
    function_name = "test"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:eu-central-1:123456789012:function:test"
    aws_request_id = "req-1"

    def get_remaining_time_in_millis(self) -> int:
        return 300_000


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: Any
    cookies: list[str] = field(default_factory=list)
    raw: bytes = b""

    @property
    def code(self) -> str | None:
        return self.body.get("code") if isinstance(self.body, dict) else None


class Client:
    """A browser-like caller: keeps cookies, sends the CSRF header on writes, speaks a language."""

    def __init__(self, ip: str = "203.0.113.7", language: str = "en") -> None:
        self.cookies: dict[str, str] = {}
        self.ip = ip
        self.language = language
        self.bearer: str | None = None
        self.as_principal: dict[str, Any] | None = None  # skip the authorizer: this is its answer

    def call(self, method: str, path: str, body: Any = None, *, query: dict[str, str] | None = None,
             headers: dict[str, str] | None = None, raw_body: str | bytes | None = None) -> Answer:
        """`raw_body` as bytes goes base64-encoded, as API Gateway passes a body that is not UTF-8 text."""
        found = match(method, path)
        template, function, params, authorized = found or ("$default", DEFAULT_ROUTE_FUNCTION, {}, False)
        route_key = f"{method} {template}" if found else "$default"
        all_headers = {"content-type": "application/json", "accept-language": self.language,
                       "user-agent": "pytest", **(headers or {})}
        if self.bearer:
            all_headers["authorization"] = f"Bearer {self.bearer}"
        if method in ("POST", "PUT", "PATCH", "DELETE") and "tessera_csrf" in self.cookies:
            all_headers.setdefault("x-csrf-token", self.cookies["tessera_csrf"])
        event: dict[str, Any] = {
            "version": "2.0", "routeKey": route_key, "rawPath": path,
            "rawQueryString": urlencode(query or {}), "headers": all_headers,
            "cookies": [f"{k}={v}" for k, v in self.cookies.items()],
            "requestContext": {"http": {"method": method, "path": path, "sourceIp": self.ip, "protocol": "HTTP/1.1",
                                        "userAgent": "pytest"},
                               "requestId": "req-1", "routeKey": route_key,
                               "stage": "$default", "accountId": "123456789012", "apiId": "local",
                               "domainName": "localhost", "timeEpoch": 0, "time": ""},
            "pathParameters": params, "isBase64Encoded": False,
        }
        if query:
            event["queryStringParameters"] = query
        if isinstance(raw_body, bytes):
            event["body"], event["isBase64Encoded"] = base64.b64encode(raw_body).decode(), True
        elif raw_body is not None or body is not None:
            event["body"] = raw_body if raw_body is not None else json.dumps(body)
        if authorized and self.as_principal is not None:
            event["requestContext"]["authorizer"] = {"lambda": self.as_principal}
        elif authorized:
            verdict = handler_of("AuthorizerFunction")({**event, "type": "REQUEST"}, LambdaContext())  # as API GW sends
            if not verdict.get("isAuthorized"):
                return Answer(403, {}, {"message": "Forbidden"})  # API Gateway's own answer
            event["requestContext"]["authorizer"] = {"lambda": verdict.get("context", {})}
        result = handler_of(function)(event, LambdaContext())
        for cookie in result.get("cookies") or []:
            jar = SimpleCookie()
            jar.load(cookie)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        text = result.get("body") or ""
        raw = base64.b64decode(text) if result.get("isBase64Encoded") else text.encode()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw.decode("utf-8", "replace")
        return Answer(result["statusCode"], {k.lower(): v for k, v in (result.get("headers") or {}).items()},
                      parsed, result.get("cookies") or [], raw)

    def get(self, path: str, **kwargs: Any) -> Answer:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Answer:
        return self.call("POST", path, body, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any) -> Answer:
        return self.call("PATCH", path, body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Answer:
        return self.call("DELETE", path, **kwargs)


