"""Support bundles on the stack (moto): the agent's upload through the presigned PUT (budgetctl's real
uploader, signed by the installation key), the console's list and read (the file list read from the
archive, its SHA-256 checked, the download audited), who may read, and one installation's bundle never
shown under another."""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Iterator
from unittest import mock

import boto3
import pytest
import requests

from tests.integration.deploys.conftest import ROOT, World
from tests.integration.notify.conftest import as_customer, as_staff
from tests.integration.stack import Client

sys.path.insert(0, str(ROOT / "clients" / "budgetctl"))

from budgetctl import support

READERS = {"admin", "implementation", "developer", "auditor"}
ALL_ROLES = ("admin", "sales", "implementation", "support", "billing", "developer", "auditor")
OTHER_INSTALLATION = "ins_BBBBBBBBBBBBBBBBBBBBBBBBBB"


def put(url: str, data: bytes, headers: dict[str, str]) -> int:
    """The HTTP PUT to the presigned URL (requests: moto answers S3's URLs for it)."""
    return requests.put(url, data=data, headers=headers, timeout=10).status_code


@pytest.fixture
def bundles(world: World) -> Iterator[World]:
    boto3.client("s3").create_bucket(Bucket="tessera-support-bundles",
                                     CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    from tessera.core.settings import get_settings

    with mock.patch.dict(os.environ, {"SUPPORT_BUNDLES_BUCKET": "tessera-support-bundles"}):
        get_settings.cache_clear()
        yield world
    get_settings.cache_clear()


def archive() -> bytes:
    return support.archive({"versions.txt": "current: v4.2.0",
                            "logs/compose.log": support.redact("backend | DATABASE_PASSWORD=hunter2 ok")}, "romashka")


def uploaded(world: World, data: bytes, note: str | None = "тикет 4711") -> str:
    return support.upload(world.poller(), data, note, put=put)


def test_the_agent_uploads_and_staff_read_the_files_and_a_download_url(bundles: World) -> None:
    world = bundles
    data = archive()
    bundle_id = uploaded(world, data)
    ins = world.installation.id
    listed = as_staff("auditor").get(f"/api/console/installations/{ins}/support-bundles").body["items"]
    assert [(b["id"], b["size_bytes"], b["sha256"], b["note"]) for b in listed] == [
        (bundle_id, len(data), hashlib.sha256(data).hexdigest(), "тикет 4711")]
    read = as_staff("implementation").get(f"/api/console/installations/{ins}/support-bundles/{bundle_id}")
    assert read.status == 200, read.body
    body = read.body
    assert body["uploaded"] is True and body["sha256_matches"] is True
    assert sorted(f["name"].split("/", 1)[1] for f in body["files"]) == ["logs/compose.log", "manifest.json",
                                                                         "versions.txt"]
    downloaded = requests.get(body["download_url"], timeout=10)
    assert downloaded.status_code == 200 and downloaded.content == data
    assert b"hunter2" not in data
    from tessera.audit import service as audit

    events, _ = audit.search(entity=("support_bundle", bundle_id))
    assert [(e.action, e.actor.id) for e in events] == [("deploy.support_bundle_downloaded",
                                                         "usr_01JTESTSTAFF000000000000000")]


def test_a_declared_bundle_not_uploaded_or_not_matching_is_shown_as_such(bundles: World) -> None:
    world = bundles
    poller = world.poller()
    declared = poller.call("POST", "/api/agent/support-bundles", {"size_bytes": 10, "sha256": "0" * 64})
    path = f"/api/console/installations/{world.installation.id}/support-bundles/{declared['bundle_id']}"
    pending = as_staff("admin").get(path).body
    assert pending["uploaded"] is False and pending["download_url"] is None and pending["files"] is None
    assert put(declared["upload_url"], b"not a tar!", declared["upload_headers"]) == 200
    wrong = as_staff("admin").get(path).body
    assert (wrong["uploaded"], wrong["sha256_matches"], wrong["files"]) == (True, False, [])


def test_bad_declarations_are_refused_naming_the_field(bundles: World) -> None:
    poller = bundles.poller()
    for body, field in [({"size_bytes": 0, "sha256": "0" * 64}, "size_bytes"),
                        ({"size_bytes": 300 * 1024 * 1024, "sha256": "0" * 64}, "size_bytes"),
                        ({"size_bytes": 10, "sha256": "XYZ"}, "sha256"),
                        ({"size_bytes": 10, "sha256": "0" * 64, "path": "/etc"}, "path")]:
        with pytest.raises(Exception, match=f"422.*{field}"):
            poller.call("POST", "/api/agent/support-bundles", body)
    unsigned = Client().post("/api/agent/support-bundles", {"size_bytes": 10, "sha256": "0" * 64})
    assert (unsigned.status, unsigned.code) == (401, "agent-unauthenticated")


def test_console_routes_by_role_and_tenant(bundles: World) -> None:
    world = bundles
    bundle_id = uploaded(world, archive())
    ins = world.installation.id
    routes = [f"/api/console/installations/{ins}/support-bundles",
              f"/api/console/installations/{ins}/support-bundles/{bundle_id}"]
    for path in routes:
        for role in ALL_ROLES:
            answer = as_staff(role).get(path)
            if role in READERS:
                assert answer.status == 200, (path, role, answer.body)
            else:
                assert (answer.status, answer.code) == (403, "forbidden-action"), (path, role)
        assert (as_customer(world.org_id).get(path).status, as_customer(world.org_id).get(path).code) == (
            403, "wrong-area")
        assert Client().get(path).status in (401, 403)
    # one installation's bundle is not found under another's id; a malformed id names the field
    elsewhere = as_staff("admin").get(f"/api/console/installations/{OTHER_INSTALLATION}/support-bundles/{bundle_id}")
    assert (elsewhere.status, elsewhere.code) == (404, "support-bundle-unknown")
    assert as_staff("admin").get(f"/api/console/installations/{OTHER_INSTALLATION}/support-bundles").body[
        "items"] == []
    bad = as_staff("admin").get(f"/api/console/installations/{ins}/support-bundles/bnd_nope")
    assert bad.status == 422
