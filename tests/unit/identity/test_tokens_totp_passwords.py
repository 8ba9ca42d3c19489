from datetime import UTC, datetime, timedelta

import pytest
from pydantic_core import PydanticCustomError

from tessera.core import clock
from tessera.core.errors import ValidationFailed
from tessera.core.i18n import negotiate, translate
from tessera.core.masking import mask_email, mask_name, mask_phone
from tessera.core.validation import normalize_email
from tessera.identity import passwords, tokens, totp
from tessera.identity.principal import Principal
from tessera.identity.roles import PERMISSIONS, CustomerRole, StaffRole, actions_for, allowed

KEYS = tokens.static_source(b"k" * 32, kid="v1")


def test_access_token_round_trip_and_refusals() -> None:
    with clock.frozen(datetime(2026, 5, 1, tzinfo=UTC)):
        token = tokens.encode({"sub": "usr_1", "aud": "app"}, KEYS)
        assert tokens.decode(token, KEYS, "app")["sub"] == "usr_1"
        with pytest.raises(tokens.TokenError, match="wrong_audience"):
            tokens.decode(token, KEYS, "console")
        head, body, sig = token.split(".")
        forged = tokens.encode({"sub": "usr_2", "aud": "app"}, KEYS).split(".")[1]
        with pytest.raises(tokens.TokenError, match="bad_signature"):
            tokens.decode(f"{head}.{forged}.{sig}", KEYS, "app")
        with pytest.raises(tokens.TokenError, match="bad_signature"):
            tokens.decode(token, tokens.static_source(b"x" * 32, kid="v1"), "app")
        with pytest.raises(tokens.TokenError, match="malformed"):
            tokens.decode("a.b", KEYS, "app")
        none_alg = "eyJhbGciOiJub25lIn0." + body + "."
        with pytest.raises(tokens.TokenError, match="malformed"):
            tokens.decode(none_alg, KEYS, "app")
        clock.advance(timedelta(minutes=15))
        with pytest.raises(tokens.TokenError, match="expired"):
            tokens.decode(token, KEYS, "app")


def test_rotated_keys_stay_valid_and_unknown_kids_are_not_refetched_every_time() -> None:
    fetched: list[str | None] = []
    versions = {"v1": b"1" * 32, "v2": b"2" * 32}
    current = ["v1"]

    def fetch(kid: str | None) -> tuple[str, bytes]:
        fetched.append(kid)
        if kid is None:
            return current[0], versions[current[0]]
        if kid not in versions:
            raise KeyError(kid)
        return kid, versions[kid]

    source = tokens.KeySource(fetch, refresh_after=0)
    old = tokens.encode({"aud": "app"}, source)
    current[0] = "v2"
    new = tokens.encode({"aud": "app"}, source)
    assert tokens.decode(old, source, "app") and tokens.decode(new, source, "app")
    fake = tokens.encode({"aud": "app"}, tokens.static_source(b"3" * 32, kid="v3"))
    for _ in range(3):
        with pytest.raises(tokens.TokenError, match="unknown_kid"):
            tokens.decode(fake, source, "app")
    assert fetched.count("v3") == 1


def test_totp_window_and_replay() -> None:
    secret = totp.new_secret()
    with clock.frozen(datetime(2026, 5, 1, 12, 0, 10, tzinfo=UTC)):
        code = totp.current_code(secret)
        step = totp.matching_step(secret, code, None)
        assert step is not None
        assert totp.matching_step(secret, code, step) is None  # replay
        assert totp.matching_step(secret, "12345", None) is None
        clock.advance(timedelta(seconds=30))
        assert totp.matching_step(secret, code, None) == step  # one step of drift is accepted
        clock.advance(timedelta(seconds=60))
        assert totp.matching_step(secret, code, None) is None
    codes = totp.new_recovery_codes()
    assert len(set(codes)) == 10 and all(len(c) == 9 and c[4] == "-" for c in codes)
    assert totp.hash_recovery_code(codes[0].upper().replace("-", " ")) == totp.hash_recovery_code(codes[0])


def test_password_policy_and_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "COST", 4)
    hashed = passwords.hash_password("a-good-long-password")
    assert passwords.verify_password("a-good-long-password", hashed)
    assert not passwords.verify_password("wrong", hashed)
    assert not passwords.verify_password("anything", None)
    for weak, reason in [("short", "too_short"), ("1234567890", "too_common"), ("aaaaaaaaaaaa", "too_common"),
                         ("ivan.petrov-2026", "contains_identity"), ("я" * 40, "too_long")]:
        with pytest.raises(ValidationFailed) as caught:
            passwords.check_policy(weak, email="ivan.petrov@example.com", name="Ivan")
        assert caught.value.errors[0].code == reason, weak


def test_permission_table_is_complete_and_consistent() -> None:
    for action, roles in PERMISSIONS.items():
        area = action.split(".")[0]
        assert area in ("console", "app")
        expected = set(StaffRole) if area == "console" else set(CustomerRole)
        assert set(roles) <= expected, action
    assert all(not a.endswith((".create", ".invite", ".update", ".revoke", ".deactivate", ".remove"))
               for a in actions_for("auditor")), "the auditor only reads"
    assert allowed({"admin"}, "console.staff.invite") and not allowed({"sales"}, "console.staff.invite")
    with pytest.raises(KeyError):
        allowed({"admin"}, "console.nothing")


def test_principal_context_round_trip() -> None:
    principal = Principal(user_id="usr_1", session_id="ses_1", audience="app", kind="customer",
                          roles=frozenset({"owner"}), org_id="org_1", mfa=True, display="Анна <a@b.ru>")
    context = principal.to_context()
    assert all(isinstance(v, str | bool) for v in context.values())
    assert Principal.from_context(context) == principal


def test_language_negotiation_and_messages() -> None:
    assert negotiate(None) == "ru" and negotiate("en-GB,en;q=0.9") == "en"
    assert negotiate("de-DE, en;q=0.3, ru;q=0.8") == "ru" and negotiate("fr") == "ru"
    assert translate("rate-limited", "en", {"retry_after": 5}) == "Too many requests. Try again in 5 s."
    assert translate("no-such-code", "en") is None


def test_masking_and_email_normalization() -> None:
    assert mask_email("ivan.petrov@example.com") == "i***@example.com"
    assert mask_name("Иван Петров") == "И*** П***" and mask_phone("+7 916 123-45-67") == "+7***67"
    assert normalize_email(" Ivan@Example.COM ") == "ivan@example.com"
    assert normalize_email("anna@Пример.РФ") == "anna@пример.рф"  # Cyrillic domains, ASCII mailboxes (SES)
    for bad in ["анна@example.com", "plain", "a@b", "a..b@example.com", ".a@example.com", "a @example.com",
                "a@-example.com"]:
        with pytest.raises(PydanticCustomError):
            normalize_email(bad)
