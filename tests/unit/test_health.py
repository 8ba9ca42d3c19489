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

