import json
from typing import Any

import pytest
from pydantic import BaseModel

from tessera.core.errors import Conflict, ProblemCatalog, RateLimited, ValidationFailed
from tessera.core.http import clamp_limit, decode_cursor, encode_cursor, make_resolver, page
from tessera.core.ru_ids import INN
from tessera.core.validation import Email
from tests.unit.conftest import LambdaContext, http_event

app = make_resolver()


class Signup(BaseModel):
    email: Email
    password: str


class Company(BaseModel):
    inn: INN


@app.post("/companies")
def company(body: Company) -> dict[str, Any]:
    return {"inn": body.inn}


@app.post("/things")
def create(body: Signup) -> dict[str, Any]:
    if body.email == "taken@example.com":
        raise Conflict("That e-mail is taken.", code="test-email-taken")
    return {"ok": True}


@app.get("/limited")
def limited() -> dict[str, Any]:
    raise RateLimited("Slow down.", retry_after=30)


@app.get("/boom")
def boom() -> dict[str, Any]:
    raise KeyError("secret internals")


def call(method: str, path: str, body: str | None = None) -> tuple[int, dict[str, str], dict[str, Any]]:
    answer = app.resolve(http_event(method, path, body=body), LambdaContext())
    return answer["statusCode"], answer["headers"], json.loads(answer["body"])


def test_validation_is_a_422_problem_that_never_echoes_values() -> None:
    status, headers, body = call("POST", "/things", json.dumps({"email": "nope", "password": "hunter2-secret"}))
    assert status == 422 and headers["Content-Type"] == "application/problem+json"
    assert body["type"] == "/problems/validation-failed" and body["code"] == "validation-failed"
    assert body["instance"] == "req-test-1"
    assert [e["loc"] for e in body["errors"]] == ["body.email"]
    assert "hunter2" not in json.dumps(body) and "nope" not in json.dumps(body)


def test_malformed_json_is_400() -> None:
    status, _, body = call("POST", "/things", "{not json")
    assert (status, body["code"]) == (400, "malformed-json")


def test_domain_problem_and_headers() -> None:
    status, _, body = call("POST", "/things", json.dumps({"email": "taken@example.com", "password": "x"}))
    assert (status, body["code"], body["detail"]) == (409, "test-email-taken", "That e-mail is taken.")
    status, headers, body = call("GET", "/limited")
    assert status == 429 and headers["Retry-After"] == "30" and body["retry_after"] == 30


def test_unknown_route_and_unexpected_error() -> None:
    status, _, body = call("GET", "/nowhere")
    assert (status, body["code"]) == (404, "route-not-found")
    status, _, body = call("GET", "/boom")
    assert status == 500 and body["code"] == "internal" and "secret internals" not in json.dumps(body)


def test_every_problem_type_is_documented() -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[3] / "docs" / "problems.md").read_text(encoding="utf-8")
    for problem in ProblemCatalog().types:
        assert f"/problems/{problem.slug}" in doc, problem.slug


def test_cursor_helpers() -> None:
    position = {"pk": "ORG#1", "sk": "NOTE#5"}
    assert decode_cursor(encode_cursor(position)) == position
    assert encode_cursor(None) is None and decode_cursor(None) is None
    assert page([1], None) == {"items": [1], "next_cursor": None}
    assert clamp_limit(None) == 25
    for bad in ("bm90IGpzb24", encode_cursor({"a": 1})[:-2] + "!!", "WzFd"):  # not JSON, garbage, a list
        with pytest.raises(ValidationFailed):
            decode_cursor(bad)
    with pytest.raises(ValidationFailed):
        clamp_limit(0)


def test_problems_are_localized_by_accept_language() -> None:
    event = http_event("POST", "/things", body="{bad", headers={"accept-language": "en-US,en;q=0.9"})
    assert json.loads(app.resolve(event, LambdaContext())["body"])["detail"] == "The request body is not valid JSON."
    event = http_event("POST", "/things", body="{bad", headers={"accept-language": "ru-RU,ru;q=0.9,en;q=0.8"})
    assert json.loads(app.resolve(event, LambdaContext())["body"])["detail"] == "Тело запроса — не корректный JSON."
    event = http_event("POST", "/things", body="{bad", headers={"accept-language": "de, en;q=0.5"})
    assert "not valid JSON" in json.loads(app.resolve(event, LambdaContext())["body"])["detail"]
    _, _, body = call("GET", "/limited")  # no header: Russian, with the problem's fields filled in
    assert body["detail"] == "Слишком много запросов. Повторите через 30 с."


def test_field_errors_are_localized() -> None:
    event = http_event("POST", "/things", body=json.dumps({"email": "nope"}), headers={"accept-language": "ru"})
    body = json.loads(app.resolve(event, LambdaContext())["body"])
    messages = {e["loc"]: e["msg"] for e in body["errors"]}
    assert messages == {"body.email": "Неверный адрес электронной почты.", "body.password": "Обязательное поле."}
    event = http_event("POST", "/things", body=json.dumps({"email": "nope"}), headers={"accept-language": "en"})
    messages = {e["loc"]: e["msg"] for e in json.loads(app.resolve(event, LambdaContext())["body"])["errors"]}
    assert messages["body.password"] == "This field is required."


def test_our_validators_speak_the_callers_language_and_never_repeat_the_value() -> None:
    for language, text in (("ru", "Неверный ИНН"), ("en", "Not a valid ИНН")):
        event = http_event("POST", "/companies", body=json.dumps({"inn": "7707083894"}),
                           headers={"accept-language": language})
        errors = json.loads(app.resolve(event, LambdaContext())["body"])["errors"]
        assert [(e["loc"], e["code"]) for e in errors] == [("body.inn", "inn_invalid")]
        assert errors[0]["msg"].startswith(text) and "7707083894" not in errors[0]["msg"]
