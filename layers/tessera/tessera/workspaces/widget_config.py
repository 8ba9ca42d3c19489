"""The widget's published config JSON (docs/design/widget.md, "The config JSON") built from the saved
settings, and the loader snippet the customer pastes (`snippet.html` is frontend/widget/snippet.html
itself, linked into this package: one template, which the widget's own tests run)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

PASSED_AS_SAVED = ("locale", "position", "colors", "logo_url", "avatar_url", "operator_name", "quick_replies",
                   "fields", "channels")


def published_config(widget_id: str, version: int, api_base: str, settings: dict[str, Any]) -> dict[str, Any]:
    """What "publish" writes to `widgets/<widget_id>/config.json`, from settings as saved (validated
    WidgetSettings, consent with its version). Consent without a text is left out: no box is shown."""
    consent = settings["consent"]
    return {
        "widget_id": widget_id,
        "version": version,
        "api_base": api_base.rstrip("/"),
        **{key: settings[key] for key in PASSED_AS_SAVED},
        "texts": {key: text for key, text in settings["texts"].items() if text},
        "consent": ({"required": consent["required"], "text": consent["text"], "version": consent["version"],
                     "policy_url": consent["policy_url"]} if consent["text"] else None),
    }


@cache
def _snippet_template() -> str:
    return resources.files("tessera.workspaces").joinpath("snippet.html").read_text(encoding="utf-8")


def _script_literal(value: str) -> str:
    """A JSON string literal that cannot end the <script> element or the string (the widget doc's rule)."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_snippet(script_url: str, widget_id: str) -> str:
    return (_snippet_template().replace("{{script_url}}", _script_literal(script_url))
            .replace("{{widget_id}}", _script_literal(widget_id)))
