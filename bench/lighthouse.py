"""`python -m bench.lighthouse --write bench/RESULTS.md` (`make marketing-lighthouse`): Lighthouse from npm
(frontend/marketing/node_modules) on Debian's chromium against the marketing site served locally.

Issue 11's budget: ≥ 95 for performance, accessibility, best practices and SEO on the landing and the
pricing page. The site is built into a temporary folder for the local address (canonical and OpenGraph
URLs then name the origin Lighthouse loads) and served with gzip and the response headers CloudFront adds
(SecurityHeadersPolicy in template.yaml), so best practices are judged under the production CSP. Lighthouse
runs once per page, one after the other: it is a benchmark, never a test, and only this file's section of
RESULTS.md is replaced."""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
MARKETING = ROOT / "frontend" / "marketing"
LIGHTHOUSE = MARKETING / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = (("landing", "/"), ("pricing", "/pricing/"))
BUDGET = 95
HEADING = "## Lighthouse: marketing site (issue 11)"
TEXT_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
              ".js": "text/javascript; charset=utf-8", ".json": "application/json", ".xml": "application/xml",
              ".txt": "text/plain; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png"}


def cloudfront_headers() -> list[tuple[str, str]]:
    """The security headers the distribution adds to the site's responses, read from template.yaml."""
    class TemplateLoader(yaml.SafeLoader):  # CloudFormation's short forms (!Sub, !Ref) read as None
        pass

    TemplateLoader.add_multi_constructor("!", lambda _loader, _suffix, _node: None)
    template = yaml.load((ROOT / "template.yaml").read_text(), Loader=TemplateLoader)
    config = template["Resources"]["SecurityHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    security = config["SecurityHeadersConfig"]
    return [("Content-Security-Policy", security["ContentSecurityPolicy"]["ContentSecurityPolicy"]),
            ("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", security["FrameOptions"]["FrameOption"]),
            ("Referrer-Policy", security["ReferrerPolicy"]["ReferrerPolicy"])]


def serve(directory: Path) -> ThreadingHTTPServer:
    headers = cloudfront_headers()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            target = (directory / path.lstrip("/")).resolve()
            if target.is_dir():
                target = target / "index.html"
            status = 200
            if directory.resolve() not in target.parents or not target.is_file():
                status, target = 404, directory / "404.html"
            body = target.read_bytes()
            self.send_response(status)
            self.send_header("Content-Type", TEXT_TYPES.get(target.suffix, "application/octet-stream"))
            # as CloudFront's CachingOptimized with the files' own lifetimes: HTML revalidated, assets cached
            self.send_header("Cache-Control", "no-cache" if target.suffix == ".html" else "public, max-age=86400")
            if "gzip" in (self.headers.get("Accept-Encoding") or "") and target.suffix != ".png":
                body = gzip.compress(body)
                self.send_header("Content-Encoding", "gzip")
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def audit(url: str, chrome: str) -> dict[str, Any]:
    command = [str(LIGHTHOUSE), url, "--output=json", "--output-path=stdout", "--quiet",
               f"--only-categories={','.join(CATEGORIES)}", "--chrome-flags=--headless=new --no-sandbox"]
    result = subprocess.run(command, env={**os.environ, "CHROME_PATH": chrome}, capture_output=True, text=True,
                            timeout=300, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"lighthouse {url} exited {result.returncode}: {result.stderr[-2000:]}")
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def scores(report: dict[str, Any]) -> dict[str, int]:
    return {c: round((report["categories"][c]["score"] or 0) * 100) for c in CATEGORIES}


def misses(report: dict[str, Any]) -> list[str]:
    """The audits that cost points: weighted, scored below 1."""
    found = []
    for category in CATEGORIES:
        for ref in report["categories"][category]["auditRefs"]:
            result = report["audits"][ref["id"]]
            if ref["weight"] and result["score"] is not None and result["score"] < 1:
                found.append(f"{category}: {result['title']} ({result['score']:.2f})")
    return found


def section(results: list[tuple[str, str, dict[str, Any]]], chrome_version: str, lighthouse_version: str) -> str:
    lines = [HEADING, "",
             f"Recorded {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `make marketing-lighthouse`: Lighthouse "
             f"{lighthouse_version} (npm), {chrome_version}, mobile emulation with simulated throttling (Lighthouse's "
             f"defaults), the built site served locally with gzip and template.yaml's security headers. "
             f"Budget ≥ {BUDGET} on each category.", "",
             "| page | performance | accessibility | best practices | SEO | budget |", "|---|---|---|---|---|---|"]
    notes = []
    for name, path, report in results:
        got = scores(report)
        verdict = "ok" if min(got.values()) >= BUDGET else "OVER"
        cells = " | ".join(str(got[c]) for c in CATEGORIES)
        lines.append(f"| {name} (`{path}`) | {cells} | ≥ {BUDGET} {verdict} |")
        notes += [f"- {name}: {miss}" for miss in misses(report)]
    lines.append("")
    if notes:
        lines += ["Audits below full score:", "", *notes, ""]
    return "\n".join(lines)


def write_section(results_file: Path, text: str) -> None:
    """Replace this benchmark's section (from its heading to the next `## `), or append it."""
    current = results_file.read_text(encoding="utf-8") if results_file.exists() else "# Benchmark results\n"
    start = current.find(HEADING)
    if start == -1:
        updated = current.rstrip("\n") + "\n\n" + text
    else:
        end = current.find("\n## ", start + len(HEADING))
        updated = current[:start] + text + ("" if end == -1 else current[end:])
    results_file.write_text(updated.rstrip("\n") + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.lighthouse", description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, help="replace this section of the Markdown report")
    args = parser.parse_args(argv)
    chrome = os.environ.get("CHROME_PATH") or shutil.which("chromium")
    if not chrome:
        print("bench.lighthouse: no chromium (make chromium installs Debian's)", file=sys.stderr)
        return 1
    if not LIGHTHOUSE.exists():
        print("bench.lighthouse: no Lighthouse (make marketing-deps installs it)", file=sys.stderr)
        return 1
    sys.path.insert(0, str(MARKETING))
    import build_site

    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        server = serve(site)
        origin = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            build_site.build(site, base_url=origin)
            results = []
            for name, path in PAGES:
                report = audit(origin + path, chrome)
                results.append((name, path, report))
                print(f"{name}: {scores(report)}", flush=True)
        finally:
            server.shutdown()
    chrome_version = subprocess.run([chrome, "--version"], capture_output=True, text=True, check=False).stdout
    text = section(results, chrome_version.strip() or chrome, report["lighthouseVersion"])
    print(text)
    if args.write:
        write_section(args.write, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
