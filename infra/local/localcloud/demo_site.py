"""The demo customer's own web site for `make run`, on its own port: another origin than the platform, as a
Fast Lead customer's site is. It embeds the snippet the app hands out (`getWidgetSnippet`), so the widget
loads from the platform's CDN path, reads its published config and sends leads across origins."""

from __future__ import annotations

import threading
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PAGE = """<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Демо Бюджет — учёт ИТ-бюджета</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1f2933}}header,main{{max-width:760px;margin:auto;
padding:24px}}header{{border-bottom:1px solid #e4e7eb}}.note{{background:#f5f7fa;padding:12px 16px;
border-radius:8px;font-size:14px}}</style></head>
<body><header><strong>Демо Бюджет</strong> · сайт клиента Fast Lead</header>
<main><h1>Учёт ИТ-бюджета без таблиц</h1>
<p>Оставьте заявку в виджете справа внизу — менеджер свяжется с вами.</p>
<p class="note">Это демонстрационный сайт клиента на отдельном origin ({origin}). Виджет загружается с
платформы ({platform}), читает опубликованную конфигурацию и отправляет заявки в рабочее пространство
«{workspace}» (приложение → Fast Lead → Заявки).</p></main>
{snippet}
</body></html>
"""


class DemoSite:
    def __init__(self, host: str, port: int = 0) -> None:
        self.host, self.port = host, port
        self.snippet = "<!-- the widget is not published yet -->"
        self.workspace = "—"
        self.platform = ""
        self._server: ThreadingHTTPServer | None = None

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    def page(self) -> bytes:
        return PAGE.format(origin=escape(self.origin), platform=escape(self.platform),
                           workspace=escape(self.workspace), snippet=self.snippet).encode()

    def start(self) -> int:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                if self.path.partition("?")[0] not in ("/", "/index.html"):
                    self.send_error(404)
                    return
                body = site.page()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()
                self.wfile.write(body)

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server((self.host, self.port), Handler)
        self.port = int(self._server.server_address[1])
        threading.Thread(target=self._server.serve_forever, name="localcloud-demo-site", daemon=True).start()
        return self.port

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
