"""One port for everything a browser or client reaches: the template's HttpApi routes (payload 2.0,
Lambda authorizers, a `$default` route for what no route matches), static files (SPA, marketing site,
widget) and the /_local developer pages.

Errors are answered the way API Gateway HTTP APIs answer them, so clients behave the same locally
and on AWS: 404 {"message":"Not Found"} (no route and no `$default` route), 500 {"message":"Internal
Server Error"}, 503 on timeouts.
"""

from __future__ import annotations

import base64
import email.utils
import gzip
import hashlib
import json
import mimetypes
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qsl, unquote

from localcloud.invoker import Invoker
from localcloud.template import ACCOUNT_ID, REGION, Authorizer, HttpRoute, Template

NOT_FOUND = (404, {"message": "Not Found"})
UNAUTHORIZED = (401, {"message": "Unauthorized"})
FORBIDDEN = (403, {"message": "Forbidden"})
INTERNAL = (500, {"message": "Internal Server Error"})
UNAVAILABLE = (503, {"message": "Service Unavailable"})
TEXT_TYPES = ("text/", "application/json", "application/javascript", "application/xml", "image/svg+xml")


class LocalPagesProtocol(Protocol):
    def handle(self, method: str, path: str, query: str, headers: dict[str, str],
               body: bytes) -> tuple[int, dict[str, str], bytes]: ...


@dataclass
class StaticMount:
    prefix: str  # "/console"
    directory: Path
    spa_fallback: bool = False


@dataclass
class BucketMount:
    """A CloudFront behaviour onto an S3 origin: `<prefix>/…` reads the object of that key from the bucket
    (in moto) with its own Content-Type and Cache-Control, for any origin (Managed-SimpleCORS)."""

    prefix: str  # "/widgets": the key is the path without its leading slash, as CloudFront forwards it
    bucket: str
    endpoint_url: str
    s3: Any = field(init=False, repr=False)

    def __post_init__(self) -> None:
        import boto3

        self.s3 = boto3.client("s3", endpoint_url=self.endpoint_url, region_name=REGION)

    def read(self, request: Request) -> Response | None:
        if request.method not in ("GET", "HEAD") or not request.path.startswith(self.prefix.rstrip("/") + "/"):
            return None
        try:
            found = self.s3.get_object(Bucket=self.bucket, Key=unquote(request.path).lstrip("/"))
        except self.s3.exceptions.NoSuchKey:
            return Response(403, [("Content-Type", "application/xml"), ("Access-Control-Allow-Origin", "*")],
                            b"<Error><Code>AccessDenied</Code></Error>")  # S3 through OAC hides what is missing
        headers = [("Content-Type", found.get("ContentType") or "application/octet-stream"),
                   ("Access-Control-Allow-Origin", "*"), ("ETag", found["ETag"])]
        if found.get("CacheControl"):
            headers.append(("Cache-Control", found["CacheControl"]))
        if request.header("if-none-match") == found["ETag"]:
            return Response(304, headers, b"")
        return Response(200, headers, found["Body"].read())


@dataclass
class Request:
    method: str
    path: str
    query: str
    headers: list[tuple[str, str]]
    body: bytes
    source_ip: str

    def header(self, name: str) -> str | None:
        values = [v for k, v in self.headers if k.lower() == name]
        return ",".join(values) if values else None


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def _json_response(status: int, payload: Any, extra: list[tuple[str, str]] | None = None) -> Response:
    return Response(status, [("Content-Type", "application/json"), *(extra or [])], json.dumps(payload).encode())


class Gateway:
    def __init__(self, template: Template, invoker: Invoker, *, host: str = "127.0.0.1", port: int = 8080,
                 static_mounts: list[StaticMount] | tuple[StaticMount, ...] = (),
                 bucket_mounts: list[BucketMount] | tuple[BucketMount, ...] = (),
                 pages: LocalPagesProtocol | None = None, log: Callable[[str], None] = print,
                 access_log: bool = True) -> None:
        self.template = template
        self.invoker = invoker
        self.host, self.port = host, port
        self.mounts = sorted(static_mounts, key=lambda m: len(m.prefix), reverse=True)
        self.bucket_mounts = list(bucket_mounts)
        self.pages = pages
        self.log = log
        self.access_log = access_log
        self.routes = [(route, route.regex()) for route in template.routes if not route.is_default]
        # Static files stand in for CloudFront in front of the API: they come before the `$default` route.
        self.default_route = next((route for route in template.routes if route.is_default), None)
        self.cors = self._cors_configs()
        self._auth_cache: dict[tuple[str, str, tuple[str, ...]], tuple[float, bool, dict[str, Any]]] = {}
        self._server: ThreadingHTTPServer | None = None

    # Lifecycle

    def start(self) -> int:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                # Headers and body go out as separate writes: without this, Nagle + delayed ACK add ~40 ms.
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def log_message(self, *args: Any) -> None:
                pass

            def _dispatch(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path, _, query = self.path.partition("?")
                request = Request(self.command, path, query, list(self.headers.items()), body, self.client_address[0])
                response = gateway.handle(request)
                self.send_response(response.status)
                for key, value in response.headers:
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(response.body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(response.body)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _dispatch

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            allow_reuse_address = True
            request_queue_size = 128  # socketserver's 5 resets a burst of browsers or a load run

        self._server = Server((self.host, self.port), Handler)
        threading.Thread(target=self._server.serve_forever, name="localcloud-gateway", daemon=True).start()
        self.port = int(self._server.server_address[1])
        return self.port

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # Requests

    def handle(self, request: Request) -> Response:
        started = time.perf_counter()
        request_id = base64.b32encode(uuid.uuid4().bytes[:10]).decode().rstrip("=")
        label = "-"
        try:
            if request.path.startswith("/_local") and self.pages is not None:
                label = "_local"
                headers = {k.lower(): v for k, v in request.headers}
                status, out_headers, body = self.pages.handle(request.method, request.path, request.query, headers,
                                                              request.body)
                response = Response(status, list(out_headers.items()), body)
            else:
                matched = self.match(request.method, request.path)
                if matched is not None:
                    route, params = matched
                    label = route.route_key
                    response = self.call_route(route, params, request, request_id)
                elif request.method == "OPTIONS" and self.preflight(request) is not None:
                    label = "CORS preflight"
                    response = self.preflight(request)  # type: ignore[assignment]
                else:
                    static = self.static(request)
                    if static is not None:
                        label = "static"
                        response = static
                    elif self.default_route is not None:
                        label = self.default_route.route_key
                        response = self.call_route(self.default_route, {}, request, request_id)
                    else:
                        response = _json_response(*NOT_FOUND)
        except Exception as exc:
            self.log(f"localcloud gateway: {request.method} {request.path} failed: {type(exc).__name__}: {exc}")
            response = _json_response(*INTERNAL)
        response.headers.append(("apigw-requestid", request_id))
        if self.access_log and label not in ("static", "_local"):
            elapsed = (time.perf_counter() - started) * 1000
            self.log(f"{request.method} {request.path} → {response.status} ({label}, {elapsed:.1f} ms)")
        return response

    def match(self, method: str, path: str) -> tuple[HttpRoute, dict[str, str]] | None:
        for route, regex in self.routes:
            if route.method not in ("ANY", method):
                continue
            found = regex.match(path)
            if found:
                return route, {k: unquote(v) for k, v in found.groupdict().items()}
        return None

    def call_route(self, route: HttpRoute, params: dict[str, str], request: Request, request_id: str) -> Response:
        event = build_event(route, params, request, request_id, self.template)
        cors_headers = self.cors_headers(route.api, request)
        if route.authorizer:
            authorizer = self.template.authorizers[(route.api, route.authorizer)]
            denied, context = self.authorize(authorizer, route, event)
            if denied is not None:
                denied.headers.extend(cors_headers)
                return denied
            event["requestContext"]["authorizer"] = {"lambda": context}
        result = self.invoker.invoke(route.function, event)
        if result.function_error:
            status, body = UNAVAILABLE if result.error_type == "Sandbox.Timedout" else INTERNAL
            return _json_response(status, body, cors_headers)
        try:
            response = to_http_response(result.json())
        except (ValueError, TypeError, KeyError) as exc:
            self.log(f"localcloud gateway: {route.function} returned an invalid response: {exc}")
            return _json_response(*INTERNAL, cors_headers)
        response.headers.extend(cors_headers)
        return response

    def authorize(self, authorizer: Authorizer, route: HttpRoute,
                  event: dict[str, Any]) -> tuple[Response | None, dict[str, Any]]:
        headers = event["headers"]
        identity = tuple(headers.get(name) or "" for name in authorizer.identity_headers)
        if authorizer.identity_headers and not all(identity):
            return _json_response(*UNAUTHORIZED), {}
        key = (route.api, authorizer.name, identity)
        cached = self._auth_cache.get(key) if authorizer.ttl_seconds and identity else None
        if cached and cached[0] > time.monotonic():
            allowed, context = cached[1], cached[2]
        else:
            auth_event = {
                "version": "2.0", "type": "REQUEST",
                "routeArn": f"arn:aws:execute-api:{REGION}:{ACCOUNT_ID}:{route.api}/$default/"
                            f"{event['requestContext']['http']['method']}{event['rawPath']}",
                "identitySource": list(identity), "routeKey": event["routeKey"], "rawPath": event["rawPath"],
                "rawQueryString": event["rawQueryString"], "cookies": event.get("cookies"), "headers": headers,
                "queryStringParameters": event.get("queryStringParameters"),
                "requestContext": event["requestContext"], "pathParameters": event.get("pathParameters"),
            }
            result = self.invoker.invoke(authorizer.function, auth_event)
            if result.function_error:
                return _json_response(*INTERNAL), {}
            answer = result.json() or {}
            if authorizer.simple_responses:
                allowed, context = bool(answer.get("isAuthorized")), answer.get("context") or {}
            else:  # IAM policy format
                statements = (answer.get("policyDocument") or {}).get("Statement") or []
                allowed = any(s.get("Effect") == "Allow" for s in statements) and not any(
                    s.get("Effect") == "Deny" for s in statements)
                context = answer.get("context") or {}
            if authorizer.ttl_seconds and identity:
                self._auth_cache[key] = (time.monotonic() + authorizer.ttl_seconds, allowed, context)
        if not allowed:
            return _json_response(*FORBIDDEN), {}
        return None, context

    # CORS, as API Gateway applies an HttpApi's CorsConfiguration

    def _cors_configs(self) -> dict[str, dict[str, Any]]:
        configs = {}
        resources = self.template.document["Resources"]
        global_cors = ((self.template.document.get("Globals") or {}).get("HttpApi") or {}).get("CorsConfiguration")
        for logical_id, resource in resources.items():
            if resource.get("Type") != "AWS::Serverless::HttpApi":
                continue
            raw = (resource.get("Properties") or {}).get("CorsConfiguration", global_cors)
            if raw:
                try:
                    configs[logical_id] = self.template.resolve(raw, where=f"{logical_id}.CorsConfiguration")
                except Exception as exc:
                    self.log(f"localcloud gateway: CORS of {logical_id} ignored: {exc}")
        return configs

    def _allowed_origin(self, config: dict[str, Any], origin: str | None) -> str | None:
        if not origin:
            return None
        allowed = config.get("AllowOrigins") or []
        if "*" in allowed:
            return "*" if not config.get("AllowCredentials") else origin
        return origin if origin in allowed else None

    def cors_headers(self, api: str, request: Request) -> list[tuple[str, str]]:
        config = self.cors.get(api)
        origin = self._allowed_origin(config, request.header("origin")) if config else None
        if not config or not origin:
            return []
        headers = [("Access-Control-Allow-Origin", origin)]
        if config.get("AllowCredentials"):
            headers.append(("Access-Control-Allow-Credentials", "true"))
        if config.get("ExposeHeaders"):
            headers.append(("Access-Control-Expose-Headers", ",".join(config["ExposeHeaders"])))
        return headers

    def preflight(self, request: Request) -> Response | None:
        if not request.header("access-control-request-method"):
            return None
        for api, config in self.cors.items():
            origin = self._allowed_origin(config, request.header("origin"))
            if origin is None:
                continue
            headers = [("Access-Control-Allow-Origin", origin),
                       ("Access-Control-Allow-Methods", ",".join(config.get("AllowMethods") or ["*"])),
                       ("Access-Control-Allow-Headers", ",".join(config.get("AllowHeaders") or ["*"]))]
            if config.get("AllowCredentials"):
                headers.append(("Access-Control-Allow-Credentials", "true"))
            if config.get("MaxAge") is not None:
                headers.append(("Access-Control-Max-Age", str(config["MaxAge"])))
            del api
            return Response(204, headers, b"")
        return None

    # Static files

    def static(self, request: Request) -> Response | None:
        if request.method not in ("GET", "HEAD"):
            return None
        for bucket in self.bucket_mounts:
            read = bucket.read(request)
            if read is not None:
                return read
        for mount in self.mounts:
            prefix = mount.prefix.rstrip("/")
            if request.path != prefix and not request.path.startswith(prefix + "/"):
                continue
            relative = unquote(request.path[len(prefix):]).lstrip("/")
            root = mount.directory.resolve()
            target = (root / relative).resolve()
            if root != target and root not in target.parents:
                return _json_response(*FORBIDDEN)
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file() and mount.spa_fallback and "." not in Path(relative).name:
                target = root / "index.html"
            if target.is_file():
                return self._file(target, request)
        return None

    def _file(self, target: Path, request: Request) -> Response:
        stat = target.stat()
        etag = '"' + hashlib.md5(f"{stat.st_mtime_ns}-{stat.st_size}".encode(), usedforsecurity=False).hexdigest() + '"'
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type in ("application/javascript", "application/json"):
            content_type += "; charset=utf-8"
        cache = "no-cache" if target.suffix == ".html" else "public, max-age=31536000, immutable" \
            if "/assets/" in str(target) else "public, max-age=300"
        headers = [("ETag", etag), ("Last-Modified", email.utils.formatdate(stat.st_mtime, usegmt=True)),
                   ("Cache-Control", cache)]
        if request.header("if-none-match") == etag:
            return Response(304, headers, b"")
        body = target.read_bytes()
        headers.append(("Content-Type", content_type))
        if "gzip" in (request.header("accept-encoding") or "") and content_type.startswith(TEXT_TYPES) \
                and len(body) > 1024:
            body = gzip.compress(body, compresslevel=5)
            headers.append(("Content-Encoding", "gzip"))
        return Response(200, headers, body)


def build_event(route: HttpRoute, params: dict[str, str], request: Request, request_id: str,
                template: Template) -> dict[str, Any]:
    """An API Gateway HTTP API payload 2.0 event, as AWS builds it."""
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for key, value in request.headers:
        name = key.lower()
        if name == "cookie":
            cookies.extend(part.strip() for part in value.split(";") if part.strip())
            continue
        headers[name] = f"{headers[name]},{value}" if name in headers else value
    query: dict[str, str] = {}
    for key, value in parse_qsl(request.query, keep_blank_values=True):
        query[key] = f"{query[key]},{value}" if key in query else value
    content_type = headers.get("content-type", "")
    body: str | None = None
    is_base64 = False
    if request.body:
        textual = content_type.startswith(TEXT_TYPES) or "form-urlencoded" in content_type or not content_type
        try:
            body = request.body.decode("utf-8") if textual else None
        except UnicodeDecodeError:
            body = None
        if body is None:
            body, is_base64 = base64.b64encode(request.body).decode(), True
    now = time.time()
    api_id = template.names.get(route.api).ref if route.api in template.names else "local"  # type: ignore[union-attr]
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route.route_key,
        "rawPath": request.path,
        "rawQueryString": request.query,
        "headers": headers,
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": api_id,
            "domainName": headers.get("host", "localhost"),
            "domainPrefix": headers.get("host", "localhost").split(".")[0],
            "http": {"method": request.method, "path": request.path, "protocol": "HTTP/1.1",
                     "sourceIp": request.source_ip, "userAgent": headers.get("user-agent", "")},
            "requestId": request_id,
            "routeKey": route.route_key,
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "isBase64Encoded": is_base64,
    }
    if cookies:
        event["cookies"] = cookies
    if query:
        event["queryStringParameters"] = query
    if params:
        event["pathParameters"] = params
    if body is not None:
        event["body"] = body
    return event


def to_http_response(result: Any) -> Response:
    """Map a handler's answer as API Gateway does: the structured format, or an inferred 200 JSON."""
    if not isinstance(result, dict) or "statusCode" not in result:
        return Response(200, [("Content-Type", "application/json")], json.dumps(result).encode())
    status = int(result["statusCode"])
    headers: list[tuple[str, str]] = []
    for key, value in (result.get("headers") or {}).items():
        headers.append((key, str(value)))
    for key, values in (result.get("multiValueHeaders") or {}).items():
        headers.extend((key, str(value)) for value in values)
    for cookie in result.get("cookies") or []:
        headers.append(("Set-Cookie", cookie))
    raw = result.get("body")
    if raw is None:
        body = b""
    elif result.get("isBase64Encoded"):
        body = base64.b64decode(raw)
    elif isinstance(raw, str):
        body = raw.encode()
    else:
        body = json.dumps(raw).encode()
    if not any(k.lower() == "content-type" for k, _ in headers) and body:
        headers.append(("Content-Type", "application/json"))
    return Response(status, headers, body)
