import json

from tests.unit.conftest import LambdaContext, http_event, load_function


def test_health_answers_version_and_commit(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TESSERA_VERSION", "1.2.3")
    monkeypatch.setenv("TESSERA_COMMIT", "abc1234")
    handler = load_function("health")
    answer = handler.lambda_handler(http_event("GET", "/api/health"), LambdaContext())
    body = json.loads(answer["body"])
    assert answer["statusCode"] == 200
    assert (body["status"], body["version"], body["commit"], body["stage"]) == ("ok", "1.2.3", "abc1234", "test")
    assert body["time"].endswith("Z")


def test_health_does_not_import_the_xray_sdk() -> None:
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    code = ("import sys; sys.path[:0] = ['functions/health', 'layers/tessera']; import health.handler; "
            "print('aws_xray_sdk' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False"]
