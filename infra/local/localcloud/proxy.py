"""The AWS endpoint of the local cloud: the Lambda Invoke API served from the project's handlers,
everything else forwarded to moto. Moto's Step Functions interpreter reaches Lambda through here."""

from __future__ import annotations

import http.client
import json
import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from localcloud.invoker import FunctionNotFound, Invoker

_INVOKE = re.compile(r"^/2015-03-31/functions/(?P<name>[^/]+)/invocations/?$")
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-authorization"}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def start_proxy(invoker: Invoker, moto_port: int, host: str = "127.0.0.1", port: int = 0) -> tuple[Any, int]:
    local = threading.local()

    def moto() -> http.client.HTTPConnection:
        if getattr(local, "conn", None) is None:
            local.conn = http.client.HTTPConnection("127.0.0.1", moto_port, timeout=120)
        return local.conn

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            # Headers and body go out as separate writes: without this, Nagle + delayed ACK add ~40 ms.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, *args: Any) -> None:
            pass

        def _body(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _send(self, status: int, body: bytes, headers: dict[str, str], length: str | None = None) -> None:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", length if length is not None else str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _invoke(self, name: str) -> None:
            from urllib.parse import unquote

            body = self._body()
            invocation_type = self.headers.get("X-Amz-Invocation-Type", "RequestResponse")
            try:
                result = invoker.invoke(unquote(name), body or None, invocation_type=invocation_type)
            except FunctionNotFound as exc:
                error = {"Type": "User", "message": str(exc)}
                self._send(404, json.dumps(error).encode(), {"Content-Type": "application/json",
                                                              "x-amzn-ErrorType": "ResourceNotFoundException"})
                return
            except ValueError as exc:
                error = {"Type": "User", "message": f"Could not parse request body into json: {exc}"}
                self._send(400, json.dumps(error).encode(), {"Content-Type": "application/json",
                                                              "x-amzn-ErrorType": "InvalidRequestContentException"})
                return
            headers = {"Content-Type": "application/json", "X-Amz-Executed-Version": "$LATEST",
                       "x-amzn-RequestId": result.request_id}
            if result.function_error:
                headers["X-Amz-Function-Error"] = result.function_error
            self._send(result.status_code, result.payload, headers)

        def _forward(self) -> None:
            body = self._body()
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
            for attempt in range(2):
                conn = moto()
                try:
                    conn.request(self.command, self.path, body=body, headers=headers)
                    response = conn.getresponse()
                    data = response.read()
                    break
                except (http.client.HTTPException, OSError):
                    conn.close()
                    local.conn = None
                    if attempt:
                        raise
            out = {k: v for k, v in response.getheaders() if k.lower() not in _HOP_BY_HOP | {"content-length"}}
            # A HEAD answer has no body but tells the object's size (S3 HeadObject): pass that on.
            length = response.getheader("Content-Length") if self.command == "HEAD" else None
            self._send(response.status, data, out, length)

        def _dispatch(self) -> None:
            match = _INVOKE.match(self.path.split("?", 1)[0])
            if match and self.command == "POST":
                self._invoke(match.group("name"))
            else:
                self._forward()

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _dispatch

    server = _Server((host, port), Handler)
    threading.Thread(target=server.serve_forever, name="localcloud-proxy", daemon=True).start()
    return server, int(server.server_address[1])
