"""Localized problem details. Contexts register their messages by problem `code`; the resolver picks
the language from Accept-Language (Russian by default, English available) and fills `detail`."""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES = ("ru", "en")
DEFAULT_LANGUAGE = "ru"

_messages: dict[str, dict[str, str]] = {}


def register(messages: Mapping[str, Mapping[str, str]]) -> None:
    """`{code: {"ru": …, "en": …}}`; the texts may use `{name}` fields from the problem's extras."""
    for code, texts in messages.items():
        if set(texts) != set(LANGUAGES):
            raise ValueError(f"message {code!r} needs exactly {LANGUAGES}")
        _messages[code] = dict(texts)


def negotiate(accept_language: str | None) -> str:
    """The first supported language in the header's preference order (q-values honoured)."""
    if not accept_language:
        return DEFAULT_LANGUAGE
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, position, tag.strip().lower().split("-")[0]))
    for _, _, language in sorted(ranked):
        if language in LANGUAGES:
            return language
    return DEFAULT_LANGUAGE


def translate(code: str, language: str, fields: Mapping[str, object] | None = None) -> str | None:
    texts = _messages.get(code)
    if texts is None:
        return None
    text = texts.get(language) or texts[DEFAULT_LANGUAGE]
    try:
        return text.format(**(fields or {}))
    except (KeyError, IndexError):
        return text


register({
    "validation-failed": {"ru": "Проверьте поля формы.", "en": "Some fields are not valid."},
    "malformed-json": {"ru": "Тело запроса — не корректный JSON.", "en": "The request body is not valid JSON."},
    "body-not-utf8": {"ru": "Тело запроса — не текст в UTF-8.", "en": "The request body is not UTF-8 text."},
    "unsupported-media-type": {"ru": "Отправьте тело запроса как application/json.",
                               "en": "Send the body as application/json."},
    "route-not-found": {"ru": "Такого адреса API нет.", "en": "No such route."},
    "method-not-allowed": {"ru": "Этот адрес API не принимает такой метод; допустимые — в заголовке Allow.",
                           "en": "This path does not take that method; the Allow header lists those it takes."},
    "throttled": {"ru": "Сейчас мы перегружены. Повторите через {retry_after} с.",
                  "en": "We are busy right now. Try again in {retry_after} s."},
    "not-found": {"ru": "Не найдено.", "en": "Not found."},
    "internal": {"ru": "У нас что-то сломалось. Сообщите в поддержку номер запроса.",
                 "en": "Something went wrong on our side. Quote the request id to support."},
    "rate-limited": {"ru": "Слишком много запросов. Повторите через {retry_after} с.",
                     "en": "Too many requests. Try again in {retry_after} s."},
    "invalid-cursor": {"ru": "Некорректный курсор страницы: начните список сначала.",
                       "en": "The cursor is not valid: start the list from the beginning."},
    "invalid-limit": {"ru": "limit должен быть от 1 до 100.", "en": "limit must be between 1 and 100."},
    "concurrent-change": {"ru": "Кто-то изменил эти данные одновременно с вами. Обновите страницу и повторите.",
                          "en": "Someone changed this at the same time. Reload and try again."},
})


# Field errors from request validation, by pydantic error type; `ctx` fills the placeholders.
FIELD_MESSAGES: dict[str, dict[str, str]] = {
    "missing": {"ru": "Обязательное поле.", "en": "This field is required."},
    "email_invalid": {"ru": "Неверный адрес электронной почты.", "en": "Not a valid e-mail address."},
    "string_too_short": {"ru": "Слишком коротко: минимум {min_length} симв.",
                         "en": "Too short: at least {min_length} characters."},
    "string_too_long": {"ru": "Слишком длинно: максимум {max_length} симв.",
                        "en": "Too long: at most {max_length} characters."},
    "string_pattern_mismatch": {"ru": "Неверный формат.", "en": "The format is not valid."},
    "string_type": {"ru": "Ожидается строка.", "en": "A string is expected."},
    "literal_error": {"ru": "Допустимые значения: {expected}.", "en": "Allowed values: {expected}."},
    "enum": {"ru": "Допустимые значения: {expected}.", "en": "Allowed values: {expected}."},
    "int_parsing": {"ru": "Ожидается целое число.", "en": "A whole number is expected."},
    "greater_than_equal": {"ru": "Не меньше {ge}.", "en": "At least {ge}."},
    "less_than_equal": {"ru": "Не больше {le}.", "en": "At most {le}."},
    "datetime_parsing": {"ru": "Ожидается дата и время (ISO 8601).", "en": "A date and time (ISO 8601) is expected."},
    "datetime_from_date_parsing": {"ru": "Ожидается дата и время (ISO 8601).",
                                   "en": "A date and time (ISO 8601) is expected."},
    "date_from_datetime_parsing": {"ru": "Ожидается дата (ГГГГ-ММ-ДД).", "en": "A date (YYYY-MM-DD) is expected."},
    "list_too_short": {"ru": "Выберите хотя бы {min_length}.", "en": "Choose at least {min_length}."},
    "extra_forbidden": {"ru": "Лишнее поле.", "en": "Unknown field."},
    "bool_parsing": {"ru": "Ожидается да или нет.", "en": "true or false is expected."},
}


def register_fields(messages: Mapping[str, Mapping[str, str]]) -> None:
    """Texts of a context's own field errors (`PydanticCustomError(code, …)` in its validators), by code."""
    for code, texts in messages.items():
        FIELD_MESSAGES[code] = dict(texts)


def field_message(error_type: str, language: str, ctx: Mapping[str, object] | None, fallback: str) -> str:
    """A person-readable message for one field error; pydantic's own text when no translation exists."""
    texts = FIELD_MESSAGES.get(error_type)
    if error_type == "value_error" and ctx and "error" in ctx:
        return str(ctx["error"])  # our validators' own messages (ИНН, e-mail, …)
    if texts is None:
        return fallback
    try:
        return texts.get(language, texts[DEFAULT_LANGUAGE]).format(**(ctx or {}))
    except (KeyError, IndexError):
        return fallback
