"""Notices rendered from the Jinja2 templates (ru, en): subject, HTML (in the common layout), plain text,
and the chat text for Telegram and Slack (the template's `chat` block, else its `text` block)."""

from __future__ import annotations

from datetime import date
from typing import Any

from tessera.notify.channels import Outgoing
from tessera.notify.mail import Attachment, _environment

LIMIT_LABELS = {
    "ru": {"users": "Пользователи", "departments": "Подразделения", "integrations": "Интеграции",
           "api_rate": "Запросы API в минуту"},
    "en": {"users": "Users", "departments": "Departments", "integrations": "Integrations",
           "api_rate": "API requests per minute"},
}


def language_of(value: str | None) -> str:
    return value if value in ("ru", "en") else "ru"


def day_text(day: date | str, language: str) -> str:
    value = date.fromisoformat(day) if isinstance(day, str) else day
    return value.strftime("%d.%m.%Y") if language == "ru" else value.isoformat()


def days_word(count: int) -> str:
    """день / дня / дней."""
    tens, units = count % 100, count % 10
    if 11 <= tens <= 14:
        return "дней"
    return "день" if units == 1 else "дня" if 2 <= units <= 4 else "дней"


def when(days_left: int, language: str) -> str:
    """"сегодня" / "завтра" / "через 5 дней"; "today" / "tomorrow" / "in 5 days"."""
    if language == "ru":
        if days_left <= 1:
            return "сегодня" if days_left <= 0 else "завтра"
        return f"через {days_left} {days_word(days_left)}"
    return "today" if days_left <= 0 else "tomorrow" if days_left == 1 else f"in {days_left} days"


def localized(context: dict[str, Any], language: str) -> dict[str, Any]:
    """The stored context with what depends on the language: dates, plural words, limit names."""
    out = dict(context)
    for key in ("ends_on", "starts_on", "grace_until", "next_try_on", "blocked_on", "document_date", "due_on"):
        if out.get(key):
            out[key] = day_text(out[key], language)
    if "days_left" in out:
        out["when"] = when(int(out["days_left"]), language)
    if "limit" in out:
        out["limit_label"] = LIMIT_LABELS[language].get(out["limit"], out["limit"])
    return out


def render(template: str, language: str, context: dict[str, Any],
           attachments: tuple[Attachment, ...] = ()) -> Outgoing:
    language = language_of(language)
    compiled = _environment().get_template(f"{template}.{language}.j2")
    blocks = compiled.blocks
    ctx = compiled.new_context(localized(context, language))
    subject = "".join(blocks["subject"](ctx)).strip()
    html = _environment().get_template("layout.html.j2").render(body="".join(blocks["body"](ctx)), subject=subject)
    text = "".join(blocks["text"](ctx)).strip()
    chat = "".join(blocks["chat"](ctx)).strip() if "chat" in blocks else f"{subject}\n\n{text}"
    return Outgoing(subject=subject, html=html, text=text, chat_text=chat, template=template,
                    attachments=attachments)
