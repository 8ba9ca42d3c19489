import base64
import json
from typing import Annotated, Any

import pytest
from jwt.utils import base64url_encode
from pydantic import BaseModel

from tessera.core.errors import BadRequest, Conflict, Problem, RateLimited, ValidationFailed
from tessera.core.http import Query, make_resolver
from tessera.core.pagination import clamp_limit, decode_cursor, encode_cursor
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
    pending = [Problem]
    while pending:
        problem = pending.pop()
        pending += problem.__subclasses__()
        assert f"/problems/{problem.slug}" in doc, problem.slug


def test_cursors_are_opaque_and_tamper_evident(aws: None) -> None:
    position = {"pk": "ORG#1", "sk": "NOTE#5"}
    cursor = encode_cursor(position, "notes:ORG#1")
    assert cursor is not None and "ORG#1" not in cursor
    assert decode_cursor(cursor, "notes:ORG#1") == position
    assert encode_cursor(None) is None and decode_cursor(None) is None
    assert clamp_limit(None) == 25
    header, payload, tag = cursor.split(".")
    other = encode_cursor({"pk": "ORG#2", "sk": "NOTE#1"}, "notes:ORG#1")
    assert other is not None
    signed, unsigned = f"{header}.{payload}", base64url_encode(b'{"alg":"none"}').decode()
    bad = ["bm90IGpzb24", payload, f"{signed}.", f"{signed}.{tag[:-2]}", f"{signed}.{tag}x", f"{signed}!.{tag}",
           f"{header}.{other.split('.')[1]}.{tag}",  # another position under this cursor's tag
           f"{unsigned}.{payload}.", "%%%", "Ωmega.tag"]
    for forged in bad:
        with pytest.raises(BadRequest) as caught:
            decode_cursor(forged, "notes:ORG#1")
        assert caught.value.code == "invalid-cursor" and caught.value.status == 400
    with pytest.raises(BadRequest):  # genuine, but issued for another list
        decode_cursor(cursor, "notes:ORG#2")
    with pytest.raises(ValidationFailed):
        clamp_limit(0)


def test_a_forged_cursor_is_a_400_problem(aws: None) -> None:
    listing = make_resolver()

    @listing.get("/items")
    def items(cursor: Annotated[str | None, Query()] = None) -> dict[str, Any]:
        return {"position": decode_cursor(cursor)}

    def call_listing(cursor: str) -> tuple[int, dict[str, Any]]:
        answer = listing.resolve(http_event("GET", "/items", query={"cursor": cursor}), LambdaContext())
        return answer["statusCode"], json.loads(answer["body"])

    genuine = encode_cursor({"pk": "ORG#1"})
    assert genuine is not None and call_listing(genuine) == (200, {"position": {"pk": "ORG#1"}})
    status, body = call_listing(genuine.replace(".", "x."))
    assert (status, body["type"], body["code"]) == (400, "/problems/bad-request", "invalid-cursor")
    assert [e["loc"] for e in body["errors"]] == ["query.cursor"]


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


def encoded(method: str, path: str, raw: bytes, content_type: str = "application/json") -> dict[str, Any]:
    event = http_event(method, path, body=base64.b64encode(raw).decode(), headers={"content-type": content_type})
    event["isBase64Encoded"] = True
    return event


def test_a_body_that_is_not_utf8_or_not_base64_is_a_400() -> None:
    for event in (encoded("POST", "/things", '{"email": "ivan@example.com"}'.encode("cp1251") + b"\xff\xfe"),
                  {**http_event("POST", "/things", body="eyJhIjo"), "isBase64Encoded": True}):
        answer = app.resolve(event, LambdaContext())
        body = json.loads(answer["body"])
        assert answer["statusCode"] == 400 and answer["headers"]["Content-Type"] == "application/problem+json"
        assert (body["type"], body["code"]) == ("/problems/malformed-json", "body-not-utf8")
    well_formed = encoded("POST", "/things", json.dumps({"email": "ok@example.com", "password": "x"}).encode())
    assert app.resolve(well_formed, LambdaContext())["statusCode"] == 200


def test_a_decoding_error_of_our_own_is_still_a_500() -> None:
    @app.get("/decodes")
    def decodes() -> dict[str, Any]:
        return {"text": b"\xff".decode("utf-8")}

    status, _, body = call("GET", "/decodes")
    assert (status, body["code"]) == (500, "internal")


def test_a_body_that_is_not_json_by_its_type_is_a_415() -> None:
    answer = app.resolve(http_event("POST", "/things", body="email=a", headers={"content-type": "text/plain"}),
                         LambdaContext())
    body = json.loads(answer["body"])
    assert (answer["statusCode"], body["type"]) == (415, "/problems/unsupported-media-type")


@pytest.mark.parametrize("code", ["ThrottlingException", "ProvisionedThroughputExceededException",
                                  "RequestLimitExceeded"])
def test_aws_throttling_past_the_retries_is_a_503_with_retry_after(code: str) -> None:
    from botocore.exceptions import ClientError

    throttled = ClientError({"Error": {"Code": code, "Message": "Rate exceeded"}}, "PutItem")

    class PutError(Exception):  # PynamoDB's wrapper: the botocore error as `cause`, its code as a property
        def __init__(self, msg: str, cause: ClientError) -> None:
            super().__init__(msg)
            self.cause = cause

        @property
        def cause_response_code(self) -> str:
            return str(self.cause.response["Error"]["Code"])

    class ServiceFailure(Exception):
        pass

    raw = make_resolver()

    @raw.get("/raw")
    def raw_route() -> dict[str, Any]:
        raise throttled

    @raw.get("/wrapped")
    def wrapped_route() -> dict[str, Any]:
        raise PutError("Failed to put item", throttled)

    @raw.get("/caused")
    def caused_route() -> dict[str, Any]:
        try:
            raise PutError("Failed to put item", throttled)
        except PutError as exc:
            raise ServiceFailure("could not save") from exc

    for path in ("/raw", "/wrapped", "/caused"):
        answer = raw.resolve(http_event("GET", path), LambdaContext())
        body = json.loads(answer["body"])
        assert answer["statusCode"] == 503 and answer["headers"]["Retry-After"] == "2", path
        assert (body["type"], body["code"], body["retry_after"]) == ("/problems/unavailable", "throttled", 2)


def test_other_aws_errors_stay_500() -> None:
    from botocore.exceptions import ClientError

    failing = make_resolver()

    @failing.get("/denied")
    def denied() -> dict[str, Any]:
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "Sign")

    answer = failing.resolve(http_event("GET", "/denied"), LambdaContext())
    assert answer["statusCode"] == 500 and "Retry-After" not in answer["headers"]
