"""The widget's logo and avatar: a presigned POST bound to the type and size, the upload checked at
confirm (size, format by its bytes, dimensions) and saved into the widget's settings as a new version,
the workspace's images counted against 100 MB, a replaced image deleted (moto in-process intercepts
`requests`; it does not enforce a POST policy, so the confirm step is what refuses a bigger file)."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import boto3
import pytest
import requests
from PIL import Image

from tests.integration.workspaces.conftest import BUCKET, org_with_plan

MB = 1024 * 1024


def png(width: int = 64, height: int = 64, colour: str = "teal") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


def noise() -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((128, 128), 64).save(buffer, "PNG")
    return buffer.getvalue()


def _start(world: dict[str, Any], kind: str = "logo", content_type: str = "image/png", size: int = 0,
           caller: Any = None) -> Any:
    return (caller or world["owner"]).post(f"{world['path']}/widget/assets",
                                           {"kind": kind, "content_type": content_type, "size": size})


def _post(ticket: dict[str, Any], data: bytes) -> requests.Response:
    upload = ticket["upload"]
    return requests.post(upload["url"], data=upload["fields"], files={"file": ("image", data)}, timeout=10)


def _confirm(world: dict[str, Any], ticket: dict[str, Any], version: int, caller: Any = None) -> Any:
    return (caller or world["owner"]).post(f"{world['path']}/widget/assets/{ticket['asset_id']}/confirm",
                                           {"version": version})


def _used(world: dict[str, Any]) -> int:
    from tessera.workspaces import repository

    return repository.used_asset_bytes(world["workspace"]["id"])


def _keys() -> list[str]:
    listed = boto3.client("s3").list_objects_v2(Bucket=BUCKET, Prefix="widgets/")
    return sorted(o["Key"] for o in listed.get("Contents", []) if "/assets/" in o["Key"])


def test_a_logo_is_uploaded_checked_and_saved_into_the_widget(world: dict[str, Any]) -> None:
    image = png()
    started = _start(world, size=len(image) + 100)
    assert started.status == 201, started.body
    ticket = started.body
    widget_id = world["workspace"]["widget_id"]
    key = f"widgets/{widget_id}/assets/{ticket['asset_id']}.png"
    assert ticket["url"] == f"http://127.0.0.1:8080/{key}"
    assert ticket["upload"]["fields"]["key"] == key and ticket["used_bytes"] == len(image) + 100
    assert ticket["quota_bytes"] == 100 * MB
    policy = json.loads(base64.b64decode(ticket["upload"]["fields"]["policy"]))
    assert ["content-length-range", 1, len(image) + 100] in policy["conditions"]
    assert {"Content-Type": "image/png"} in policy["conditions"] and {"key": key} in policy["conditions"]

    early = _confirm(world, ticket, 1)
    assert early.status == 409 and early.code == "widget-asset-not-uploaded"
    assert _post(ticket, image).status_code == 204
    confirmed = _confirm(world, ticket, 1)
    assert confirmed.status == 200, confirmed.body
    assert confirmed.body["version"] == 2 and confirmed.body["settings"]["logo_url"] == ticket["url"]
    assert confirmed.body["settings"]["consent"]["version"] == "v1"  # the rest of the settings as they were
    assert _used(world) == len(image)  # the reservation shrinks to what was stored
    assert _confirm(world, ticket, 2).body["version"] == 2  # confirming again changes nothing
    stored = boto3.client("s3").get_object(Bucket=BUCKET, Key=key)
    assert stored["Body"].read() == image
    # the settings with the uploaded image's own URL (http locally) are saved back as they are
    settings = {k: v for k, v in confirmed.body["settings"].items() if k != "consent"}
    consent = {k: v for k, v in confirmed.body["settings"]["consent"].items() if k != "version"}
    resaved = world["owner"].call("PUT", f"{world['path']}/widget", {**settings, "consent": consent, "version": 2})
    assert resaved.status == 200, resaved.body
    published = world["owner"].post(f"{world['path']}/widget/publish", {"version": 3})
    config = json.loads(boto3.client("s3").get_object(Bucket=BUCKET, Key=f"widgets/{widget_id}/config.json")[
        "Body"].read())
    assert published.status == 200 and config["logo_url"] == ticket["url"]
    from tessera.audit import service as audit

    events, _ = audit.search(entity=("widget", widget_id))
    asset_event = next(e for e in events if e.action == "widget.asset")
    assert asset_event.after == {"version": 2, "logo_url": ticket["url"], "bytes": len(image)}


def test_a_new_logo_replaces_the_old_one_which_is_deleted(world: dict[str, Any]) -> None:
    first, second = png(), png(128, 32, "navy")
    one = _start(world, size=len(first)).body
    _post(one, first)
    assert _confirm(world, one, 1).status == 200
    two = _start(world, size=len(second)).body
    _post(two, second)
    assert _confirm(world, two, 1).code == "widget-version-conflict"  # the editor must be on the newest version
    replaced = _confirm(world, two, 2)
    assert replaced.status == 200 and replaced.body["settings"]["logo_url"] == two["url"]
    assert _keys() == [two["upload"]["fields"]["key"]]
    assert _used(world) == len(second)
    avatar = png(96, 96)
    three = _start(world, kind="avatar", content_type="image/png", size=len(avatar)).body
    _post(three, avatar)
    both = _confirm(world, three, 3).body["settings"]
    assert (both["logo_url"], both["avatar_url"]) == (two["url"], three["url"])
    assert _used(world) == len(second) + len(avatar)


def test_a_file_bigger_than_declared_is_refused_deleted_and_its_bytes_released(world: dict[str, Any]) -> None:
    image = png(512, 512, "red")
    ticket = _start(world, size=100).body
    _post(ticket, image)
    refused = _confirm(world, ticket, 1)
    assert refused.status == 422 and refused.code == "widget-asset-too-large"
    assert _keys() == [] and _used(world) == 0
    assert _confirm(world, ticket, 1).code == "widget-asset-unknown"  # it must be started again
    assert world["owner"].get(f"{world['path']}/widget").body["version"] == 1


@pytest.mark.parametrize(("data", "reason"), [
    (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "not-an-image"),
    (png(8, 8), "too-small"),
    (noise()[:2000], "damaged"),
])
def test_what_is_not_an_acceptable_image_is_refused_by_its_bytes(world: dict[str, Any], data: bytes,
                                                                  reason: str) -> None:
    ticket = _start(world, size=len(data)).body
    _post(ticket, data)
    refused = _confirm(world, ticket, 1)
    assert refused.status == 422 and (refused.code, refused.body["reason"]) == ("widget-asset-invalid", reason)
    assert _keys() == [] and _used(world) == 0


def test_a_jpeg_declared_as_png_is_refused(world: dict[str, Any]) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "white").save(buffer, "JPEG")
    ticket = _start(world, size=len(buffer.getvalue())).body
    _post(ticket, buffer.getvalue())
    assert _confirm(world, ticket, 1).body["reason"] == "type-mismatch"


def test_bad_requests_name_their_field_and_reserve_nothing(world: dict[str, Any]) -> None:
    too_big = _start(world, size=5 * MB + 1)
    assert too_big.status == 422 and too_big.code == "widget-asset-too-large"
    assert [e["loc"] for e in too_big.body["errors"]] == ["body.size"]
    svg = _start(world, content_type="image/svg+xml", size=1000)
    assert svg.status == 422 and [e["loc"] for e in svg.body["errors"]] == ["body.content_type"]
    assert _start(world, kind="banner", size=1000).status == 422
    assert _used(world) == 0


def test_a_workspace_s_images_stop_at_100_mb_counting_uploads_not_yet_confirmed(world: dict[str, Any]) -> None:
    for _ in range(20):
        assert _start(world, size=5 * MB).status == 201
    assert _used(world) == 100 * MB
    full = _start(world, size=1)
    assert full.status == 409 and full.code == "widget-assets-quota"
    assert (full.body["used_bytes"], full.body["quota_bytes"]) == (100 * MB, 100 * MB)
    assert _used(world) == 100 * MB


def test_expired_uploads_never_confirmed_give_their_bytes_back(world: dict[str, Any]) -> None:
    from datetime import timedelta

    from tessera.core import clock
    from tests.integration.workspaces.conftest import T0

    for _ in range(20):
        _start(world, size=5 * MB)
    with clock.frozen(T0 + timedelta(minutes=16)):
        again = _start(world, size=1000, caller=world["as_role"]("owner"))
        assert again.status == 201 and again.body["used_bytes"] == 1000


def test_only_admins_of_the_workspace_s_own_organization_upload(world: dict[str, Any]) -> None:
    for role in ("operator", "analyst"):
        assert _start(world, size=1000, caller=world["as_role"](role)).status == 403
    ticket = _start(world, size=len(png())).body
    assert _confirm(world, ticket, 1, caller=world["as_role"]("operator")).status == 403
    stranger, other_org = org_with_plan(world["stack"], "owner@other.example.ru")
    foreign = f"/api/app/orgs/{other_org}/workspaces/{world['workspace']['id']}/widget/assets"
    answer = stranger.post(foreign, {"kind": "logo", "content_type": "image/png", "size": 1000})
    assert answer.status == 404 and answer.code == "workspace-not-found"
    # this organization's path with another organization's token: refused before anything is read
    assert stranger.post(f"{world['path']}/widget/assets",
                         {"kind": "logo", "content_type": "image/png", "size": 1000}).status == 404
