"""Password hashing (bcrypt, cost 12) and the password policy."""

from __future__ import annotations

import bcrypt

from tessera.core.errors import FieldError, ValidationFailed

COST = 12
MIN_LENGTH = 10
MAX_BYTES = 72  # bcrypt ignores everything after 72 bytes; refuse rather than silently truncate

# The most common passwords that pass a length check; a full breached-password list is a later step.
_COMMON = frozenset({
    "1234567890", "12345678910", "qwertyuiop", "password123", "password12", "1q2w3e4r5t", "qwerty1234",
    "0987654321", "1111111111", "passw0rd123", "qwertyuiop123", "iloveyou12", "administrator",
    "йцукенгшщз", "1q2w3e4r5t6y", "zxcvbnm123", "a123456789", "abc1234567", "password1234",
})

# A fixed hash to compare against when the account does not exist, so timing does not reveal it.
_DUMMY_HASH = b"$2b$12$BDzSLUImr6owWuI1/cSMZeX3mY0iIIqofob4RAekTAoC/dk2VkLLW"


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(COST)).decode()


def verify_password(password: str, hashed: str | None) -> bool:
    candidate = password.encode()[:MAX_BYTES]
    if not hashed:
        bcrypt.checkpw(candidate, _DUMMY_HASH)
        return False
    return bcrypt.checkpw(candidate, hashed.encode())


def check_policy(password: str, *, email: str = "", name: str = "", field: str = "body.password") -> None:
    """Raise a 422 with the reason; the reasons are codes the SPA translates."""

    def refuse(code: str, msg: str) -> None:
        raise ValidationFailed(msg, code="weak-password", errors=[FieldError(field, msg, code)])

    if len(password) < MIN_LENGTH:
        refuse("too_short", f"The password must be at least {MIN_LENGTH} characters long.")
    if len(password.encode()) > MAX_BYTES:
        refuse("too_long", f"The password must be at most {MAX_BYTES} bytes long.")
    lowered = password.lower()
    if lowered in _COMMON or len(set(lowered)) < 4:
        refuse("too_common", "This password is too common or too simple.")
    local = email.split("@", 1)[0].lower()
    if (len(local) >= 4 and local in lowered) or (len(name) >= 4 and name.lower() in lowered):
        refuse("contains_identity", "The password must not contain your e-mail or name.")
