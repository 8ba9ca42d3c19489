"""The widget's settings: saved as versions with optimistic locking, validated field by field, consent
texts versioned; publishing writes the config JSON the widget reads to the CDN bucket; the snippet."""

from __future__ import annotations

import json
from typing import Any

import boto3

from tests.integration.workspaces.conftest import BUCKET

SETTINGS: dict[str, Any] = {
    "locale": "ru", "position": "left", "colors": {"primary": "#0F766E", "on_primary": "#fff"},
    "texts": {"launcher": "Оставить заявку", "title": "Окна Москва", "greeting": "Здравствуйте!", "submit": None,
              "thank_you": "Спасибо!"},
    "logo_url": "https://okna.example.ru/logo.png", "avatar_url": None, "operator_name": "Анна",
    "quick_replies": ["Хочу замер", "Сколько стоит?"],
    "fields": {"name": "optional", "phone": "required", "email": "optional", "message": "optional"},
    "consent": {"required": True, "text": "Я согласен на обработку персональных данных ООО «Окна».",
                "policy_url": "https://okna.example.ru/privacy"},
    "channels": [{"type": "telegram", "url": "https://t.me/okna_bot"}],
}


def _widget(world: dict[str, Any]) -> dict[str, Any]:
    answer = world["owner"].get(f"{world['path']}/widget")
    assert answer.status == 200, answer.body
    return dict(answer.body)


def _save(world: dict[str, Any], version: int, **changes: Any) -> Any:
    return world["owner"].call("PUT", f"{world['path']}/widget", {**SETTINGS, **changes, "version": version})


def test_a_new_workspace_has_a_widget_with_default_consent(world: dict[str, Any]) -> None:
    widget = _widget(world)
    assert widget["version"] == 1 and widget["published_version"] is None
    assert widget["settings"]["consent"]["required"] is True and widget["settings"]["consent"]["version"] == "v1"
    assert widget["settings"]["texts"]["title"] == "Окна Москва"
    assert widget["config_url"] == f"http://127.0.0.1:8080/widgets/{world['workspace']['widget_id']}/config.json"


def test_saving_makes_a_new_version_and_a_stale_save_is_a_conflict_naming_the_newest(world: dict[str, Any]) -> None:
    saved = _save(world, 1)
    assert saved.status == 200, saved.body
    assert saved.body["version"] == 2 and saved.body["settings"]["colors"]["primary"] == "#0f766e"
    assert saved.body["settings"]["consent"]["version"] == "v2"  # a new text: a new consent version
    stale = _save(world, 1, position="right")  # a second admin who loaded version 1
    assert stale.status == 409 and stale.code == "widget-version-conflict"
    assert stale.body["current_version"] == 2
    assert _widget(world)["settings"]["position"] == "left"  # the first admin's save stands
    overwritten = _save(world, stale.body["current_version"], position="right")  # "overwrite" after the conflict
    assert overwritten.body["version"] == 3 and overwritten.body["settings"]["consent"]["version"] == "v2"


def test_the_same_consent_text_keeps_its_version_a_changed_one_gets_the_next(world: dict[str, Any]) -> None:
    assert _save(world, 1).body["settings"]["consent"]["version"] == "v2"
    assert _save(world, 2, colors={"primary": "#000000", "on_primary": "#ffffff"}).body["settings"]["consent"][
        "version"] == "v2"
    changed = _save(world, 3, consent={**SETTINGS["consent"], "text": "Новый текст согласия."})
    assert changed.body["settings"]["consent"]["version"] == "v3"


def test_bad_settings_are_named_field_by_field_and_change_nothing(world: dict[str, Any]) -> None:
    answer = _save(world, 1, colors={"primary": "red", "on_primary": "#fff"}, logo_url="javascript:alert(1)",
                   channels=[{"type": "telegram", "url": "https://evil.example/okna"}],
                   fields={"name": "optional", "phone": "hidden", "email": "hidden", "message": "optional"},
                   consent={"required": True, "text": None, "policy_url": None},
                   quick_replies=["1", "2", "3", "4", "5", "6", "7"])
    assert answer.status == 422
    locs = {e["loc"] for e in answer.body["errors"]}
    assert {"body.colors.primary", "body.logo_url", "body.channels.0", "body.fields", "body.consent",
            "body.quick_replies"} <= locs, locs
    assert all("javascript" not in e["msg"] for e in answer.body["errors"])  # never echoes the value
    assert _widget(world)["version"] == 1


def test_publish_writes_the_config_the_widget_reads_to_the_cdn(world: dict[str, Any]) -> None:
    _save(world, 1)
    stale = world["owner"].post(f"{world['path']}/widget/publish", {"version": 1})
    assert stale.status == 409 and stale.body["current_version"] == 2
    published = world["owner"].post(f"{world['path']}/widget/publish", {"version": 2})
    assert published.status == 200, published.body
    assert published.body["published_version"] == 2
    widget_id = world["workspace"]["widget_id"]
    stored = boto3.client("s3").get_object(Bucket=BUCKET, Key=f"widgets/{widget_id}/config.json")
    assert stored["ContentType"] == "application/json; charset=utf-8"
    assert stored["CacheControl"] == "public, max-age=60"
    config = json.loads(stored["Body"].read())
    assert config == {
        "widget_id": widget_id, "version": 2, "api_base": "http://127.0.0.1:8080", "locale": "ru", "position": "left",
        "colors": {"primary": "#0f766e", "on_primary": "#fff"},
        "texts": {"launcher": "Оставить заявку", "title": "Окна Москва", "greeting": "Здравствуйте!",
                  "thank_you": "Спасибо!"},
        "logo_url": "https://okna.example.ru/logo.png", "avatar_url": None, "operator_name": "Анна",
        "quick_replies": ["Хочу замер", "Сколько стоит?"],
        "fields": {"name": "optional", "phone": "required", "email": "optional", "message": "optional"},
        "consent": {"required": True, "text": SETTINGS["consent"]["text"], "version": "v2",
                    "policy_url": "https://okna.example.ru/privacy"},
        "channels": [{"type": "telegram", "url": "https://t.me/okna_bot"}],
    }


def test_consent_that_is_not_required_and_has_no_text_is_left_out(world: dict[str, Any]) -> None:
    _save(world, 1, consent={"required": False, "text": None, "policy_url": None})
    world["owner"].post(f"{world['path']}/widget/publish", {"version": 2})
    stored = boto3.client("s3").get_object(Bucket=BUCKET,
                                           Key=f"widgets/{world['workspace']['widget_id']}/config.json")
    assert json.loads(stored["Body"].read())["consent"] is None


def test_the_snippet_is_the_widget_s_template_with_the_script_and_id_filled_in(world: dict[str, Any]) -> None:
    answer = world["owner"].get(f"{world['path']}/widget/snippet")
    assert answer.status == 200
    widget_id = world["workspace"]["widget_id"]
    assert answer.body["script_url"] == "http://127.0.0.1:8080/widget/widget.js"
    assert answer.body["html"].startswith("<!-- Fast Lead widget -->\n<script>")
    assert f'(window,document,"http://127.0.0.1:8080/widget/widget.js","{widget_id}");' in answer.body["html"]
    assert "{{" not in answer.body["html"]
    assert world["as_role"]("analyst").get(f"{world['path']}/widget/snippet").status == 200


def test_operators_cannot_change_or_publish_the_widget(world: dict[str, Any]) -> None:
    operator = world["as_role"]("operator")
    assert operator.call("PUT", f"{world['path']}/widget", {**SETTINGS, "version": 1}).status == 403
    assert operator.post(f"{world['path']}/widget/publish", {"version": 1}).status == 403
