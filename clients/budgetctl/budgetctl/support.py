"""`budgetctl support-bundle`: an installation's diagnostics in one tar.gz, secrets redacted, for the portal.

Collected from the server (over SSH, or on this host with `--local`): versions (the current release, the
releases on the server, Docker and Compose, the OS), disk (`df`, the size of releases/ and backups/),
container state (`compose ps`), the last log lines of every service, the deploy history, and the running
release's rendered configuration (never its secrets/ folder). Every file passes `redact` before it is
archived: a bundle goes to the vendor's staff, and a log line may carry anything.

The upload asks the portal for a presigned PUT (`POST /api/agent/support-bundles`, signed by the
installation key like every agent call) and sends the archive straight to S3."""

from __future__ import annotations

import hashlib
import io
import json
import posixpath
import re
import tarfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from budgetctl.bundle import Product
from budgetctl.installation import Installation
from budgetctl.models import Client
from budgetctl.ssh import Server, quote

REDACTED = "***"
_KEY_WORDS = r"password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?|authorization"
# (pattern, replacement): the order matters, a PEM block or a DSN first, then name=value forms.
REDACTIONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|\Z)", re.S),
     "[private key removed]"),
    # scheme://user:password@host → the user stays (it helps), the password goes
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^/\s:@]*):[^/\s@]+@"), rf"\1:{REDACTED}@"),
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"), rf"\1 {REDACTED}"),
    # a JWT / JWS anywhere (three base64url parts, the first a JSON header)
    (re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"), REDACTED),
    (re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b"), REDACTED),  # AWS access key ids
    # NAME=value, NAME: value, "name": "value", --password value, in env files, YAML, JSON and command lines
    (re.compile(rf"(?i)([\"']?[\w.-]*(?:{_KEY_WORDS})[\w.-]*[\"']?)"  # the name, maybe quoted
                r"([ \t]*[=:][ \t]*|[ \t]+)"  # = or : or a space (a command line's --password value)
                r"(\"[^\"]*\"|'[^']*'|[^\s,;}\]]+)"),  # the value, maybe quoted
     rf"\1\2{REDACTED}"),
]
# A name that only points at a secret (the file it is in) is kept: it is what a person debugging needs.
_POINTER = re.compile(r"(?i)_FILE[\"']?$")


def redact(text: str) -> str:
    """`text` with passwords, tokens, keys and the credentials of DSNs replaced by ***."""
    for pattern, replacement in REDACTIONS[:-1]:
        text = pattern.sub(replacement, text)

    def value(match: re.Match[str]) -> str:
        name, separator, found = match.group(1), match.group(2), match.group(3)
        if _POINTER.search(name) or found.startswith(("/run/secrets/", "{secret:")) or found == REDACTED:
            return match.group(0)
        return f"{name}{separator}{REDACTED}"

    return REDACTIONS[-1][0].sub(value, text)


def collect(server: Server, client: Client, product: Product, log_lines: int = 500) -> dict[str, str]:
    """Name in the archive → redacted text."""
    site = Installation(server, client, product)
    current = site.current_version()
    root = site.root

    def run(command: str) -> str:
        result = server.run(command, timeout=120)
        return result.stdout + (f"\n[exit {result.exit_status}] {result.stderr}" if not result.ok else result.stderr)

    files = {
        "versions.txt": "\n".join([
            f"client: {client.client}", f"current: {current or '—'}", f"releases: {', '.join(site.releases())}",
            run("docker version --format '{{.Server.Version}}' 2>&1; docker compose version --short 2>&1"),
            run("uname -a; cat /etc/os-release 2>/dev/null")]),
        "disk.txt": run(f"df -h; du -sh {quote(posixpath.join(root, 'releases'))} "
                        f"{quote(posixpath.join(root, 'backups'))} 2>&1"),
        "host.txt": run("nproc; cat /proc/meminfo 2>/dev/null | head -5; uptime"),
        "history.jsonl": run(f"tail -n 200 {quote(posixpath.join(root, 'history.jsonl'))} 2>/dev/null"),
    }
    if current is not None:
        release = site.release_dir(current)
        files["containers.json"] = run(site.compose(current, "ps", "--all", "--format", "json"))
        files["logs/compose.log"] = run(site.compose(current, "logs", "--no-color", "--timestamps", "--tail",
                                                     str(log_lines)))
        for name in ("docker-compose.yaml", "Caddyfile", "license.env", "secrets.yaml"):
            files[f"config/{name}"] = run(f"cat {quote(posixpath.join(release, name))} 2>/dev/null")
    return {name: redact(text) for name, text in files.items()}


def archive(files: dict[str, str], client: str, clock: Callable[[], float] = time.time) -> bytes:
    """A tar.gz of `files` under `support-<client>-<stamp>/`, with manifest.json (what is in it, when)."""
    stamp = datetime.fromtimestamp(clock(), UTC)
    prefix = f"support-{client}-{stamp.strftime('%Y%m%dT%H%M%SZ')}"
    manifest = {"client": client, "created_at": stamp.isoformat(timespec="seconds"), "files": sorted(files),
                "redacted": True}
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, text in {**files, "manifest.json": json.dumps(manifest, ensure_ascii=False, indent=2)}.items():
            data = text.encode()
            member = tarfile.TarInfo(f"{prefix}/{name}")
            member.size, member.mtime, member.mode = len(data), int(stamp.timestamp()), 0o644
            tar.addfile(member, io.BytesIO(data))
    return buffer.getvalue()


# (url, data, headers) → the HTTP status
Put = Callable[[str, bytes, dict[str, str]], int]


def _urllib_put(url: str, data: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=data, method="PUT", headers=headers)  # noqa: S310  (the portal's URL)
    try:
        with urllib.request.urlopen(request, timeout=300) as answer:  # noqa: S310
            return int(answer.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


class UploadFailed(Exception):
    pass


def upload(poller: Any, data: bytes, note: str | None = None, put: Put = _urllib_put) -> str:
    """Ask the portal for an upload URL (a signed agent call) and PUT the archive there; the bundle id."""
    body: dict[str, Any] = {"size_bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    if note:
        body["note"] = note
    answer = poller.call("POST", "/api/agent/support-bundles", body)
    status = put(answer["upload_url"], data, {**answer["upload_headers"], "Content-Length": str(len(data))})
    if not 200 <= status < 300:
        raise UploadFailed(f"S3 answered {status} to the upload of {answer['bundle_id']}")
    return str(answer["bundle_id"])
