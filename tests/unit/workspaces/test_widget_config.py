"""The snippet is the widget's own template with its two values as safe JSON literals; the published config
has the shape docs/design/widget.md documents."""

from __future__ import annotations

import json
from pathlib import Path

from tessera.workspaces.service import _default_settings
from tessera.workspaces.widget_config import published_config, render_snippet

ROOT = Path(__file__).resolve().parents[3]


def test_the_package_s_snippet_is_the_widget_s_template() -> None:
    packaged = ROOT / "layers/tessera/tessera/workspaces/snippet.html"
    assert packaged.read_bytes() == (ROOT / "frontend/widget/snippet.html").read_bytes()


def test_the_snippet_fills_in_json_literals_no_value_can_break_out_of() -> None:
    html = render_snippet("https://cdn.example/widget/widget.js", "wgt_1</script><script>alert(1)&")
    assert '"https://cdn.example/widget/widget.js"' in html
    assert '"wgt_1\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u0026"' in html
    assert html.count("</script>") == 1 and "{{" not in html


def test_the_published_config_has_the_documented_keys() -> None:
    config = published_config("wgt_x", 4, "https://app.example/", _default_settings("en"))
    assert list(config) == ["widget_id", "version", "api_base", "locale", "position", "colors", "logo_url",
                            "avatar_url", "operator_name", "quick_replies", "fields", "channels", "texts", "consent"]
    assert (config["widget_id"], config["version"], config["api_base"], config["locale"]) == (
        "wgt_x", 4, "https://app.example", "en")
    assert config["texts"] == {}  # the widget's localized defaults
    assert config["consent"]["version"] == "v1" and config["consent"]["required"] is True
    assert config["fields"] == {"name": "optional", "phone": "required", "email": "optional", "message": "optional"}
    json.dumps(config)  # JSON as it is
