"""Personal data shown masked (to developers, in exports for them): enough to tell records apart."""


def mask_email(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def mask_name(name: str) -> str:
    return " ".join(f"{part[:1]}***" for part in name.split()) if name else ""


def mask_phone(phone: str) -> str:
    digits = [c for c in phone if c.isdigit()]
    return f"+{''.join(digits[:1])}***{''.join(digits[-2:])}" if len(digits) > 4 else "***"
