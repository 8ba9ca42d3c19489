"""The only code that touches the identity table."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from tessera.core import clock
from tessera.core.dynamo import dynamodb, query_page, refused, set_or_remove, transaction
from tessera.core.errors import Conflict
from tessera.core.ids import sha256_hex
from tessera.core.pagination import clamp_limit, decode_cursor, encode_cursor
from tessera.identity.records import (
    ByKindIndex,
    EmailRecord,
    MemberRecord,
    OidcLinkRecord,
    OneTimeTokenRecord,
    RateRecord,
    SessionRecord,
    ThrottleRecord,
    UserRecord,
)


def _conflict_or_raise(exc: TransactWriteError, detail: str, code: str) -> None:
    reasons = getattr(exc, "cancellation_reasons", None) or []
    if any(r is not None and r.code == "ConditionalCheckFailed" for r in reasons):
        raise Conflict(detail, code=code) from exc
    raise exc


# --- users -----------------------------------------------------------------------------------------

def user_key(user_id: str) -> tuple[str, str]:
    return f"USER#{user_id}", "PROFILE"


def email_key(email: str) -> tuple[str, str]:
    return f"EMAIL#{email.lower()}", "USER"


def find_user(user_id: str) -> UserRecord | None:
    try:
        return UserRecord.get(*user_key(user_id), consistent_read=True)
    except DoesNotExist:
        return None


def find_user_by_email(email: str) -> UserRecord | None:
    try:
        link = EmailRecord.get(*email_key(email), consistent_read=True)
    except DoesNotExist:
        return None
    return find_user(link.user_id)


def find_oidc_link(provider: str, subject: str) -> OidcLinkRecord | None:
    try:
        return OidcLinkRecord.get(f"OIDC#{provider}#{subject}", "USER", consistent_read=True)
    except DoesNotExist:
        return None


@dataclass
class LoginThrottles:
    """The failed sign-ins an attempt is judged by: from its address, and from its address on this account."""

    address: list[int] | None
    pair: list[int] | None
    pair_record: ThrottleRecord | None = None

    def cleared(self) -> ThrottleRecord:
        """The pair's record emptied, to save after a good password."""
        assert self.pair_record is not None
        self.pair_record.failures = None
        return self.pair_record


def pair_key(ip: str, email: str) -> str:
    """(address, account) by the e-mail as typed, hashed: unknown accounts are throttled alike."""
    return f"{ip}#{sha256_hex(email.lower())[:32]}"


def login_lookup(email: str, ip: str | None) -> tuple[EmailRecord | None, LoginThrottles]:
    """The e-mail's account link and the failed sign-ins from this address, overall and on this e-mail,
    in one BatchGetItem."""
    wanted = [email_key(email)]
    if ip:
        wanted += [throttle_key("IP", ip), throttle_key("PAIR", pair_key(ip, email))]
    table = UserRecord.Meta.table_name
    answer = dynamodb.batch_get_item(RequestItems={table: {
        "Keys": [{"pk": {"S": pk}, "sk": {"S": sk}} for pk, sk in wanted], "ConsistentRead": True}})
    link = None
    throttles = LoginThrottles(None, None)
    for item in answer.get("Responses", {}).get(table, []):
        pk = item["pk"]["S"]
        if pk.startswith("EMAIL#"):
            link = EmailRecord.from_raw_data(item)
        elif pk.startswith("THROTTLE#IP#"):
            throttles.address = ThrottleRecord.from_raw_data(item).failures
        else:
            throttles.pair_record = ThrottleRecord.from_raw_data(item)
            throttles.pair = throttles.pair_record.failures
    return link, throttles


def create_user(user: UserRecord, *also: Model, token: OneTimeTokenRecord | None = None) -> None:
    """The user, its e-mail claim and any companion items (organization, membership), all or none;
    with `token`, only if that one-time token is still unused."""
    pk, sk = email_key(user.email)
    try:
        with transaction() as tx:
            if token is not None:
                _spend(tx, token)
            tx.save(EmailRecord(pk=pk, sk=sk, user_id=user.user_id), condition=EmailRecord.pk.does_not_exist())
            tx.save(user, condition=UserRecord.pk.does_not_exist())
            for item in also:
                tx.save(item)
    except TransactWriteError as exc:
        if token is not None and refused(exc, token):
            raise Conflict("This link is not valid or was already used.", code="token-invalid") from exc
        _conflict_or_raise(exc, "An account with this e-mail already exists.", "email-taken")


def save_with_token(token: OneTimeTokenRecord, *items: Model) -> None:
    """Spend a one-time token and save what it authorizes, together: a second click changes nothing."""
    try:
        with transaction() as tx:
            _spend(tx, token)
            for item in items:
                tx.save(item)
    except TransactWriteError as exc:
        if refused(exc, token):
            raise Conflict("This link is not valid or was already used.", code="token-invalid") from exc
        _conflict_or_raise(exc, "Someone changed this at the same time. Reload and try again.", "concurrent-change")


def _spend(tx: TransactWrite, token: OneTimeTokenRecord) -> None:
    token.used_at = clock.now()
    tx.save(token, condition=OneTimeTokenRecord.used_at.does_not_exist(), return_values="ALL_OLD")


def add_saves(tx: TransactWrite, items: Iterable[Model]) -> None:
    """Put changed items into someone else's transaction (the audit append carries them)."""
    for item in items:
        tx.save(item)


def save(*items: Model, delete: Iterable[Model] = ()) -> None:
    """Save changed items together; a concurrent change to a versioned item answers 409."""
    try:
        with transaction() as tx:
            for item in items:
                tx.save(item)
            for item in delete:
                tx.delete(item)
    except TransactWriteError as exc:
        _conflict_or_raise(exc, "Someone changed this at the same time. Reload and try again.", "concurrent-change")


def list_staff(cursor: str | None, limit: int | None, email_prefix: str | None = None
               ) -> tuple[Sequence[UserRecord], str | None]:
    condition = ByKindIndex.email.startswith(email_prefix.lower()) if email_prefix else None
    scope = f"staff:{email_prefix or ''}"
    result = UserRecord.by_kind.query("STAFF", range_key_condition=condition, limit=clamp_limit(limit),
                                      last_evaluated_key=decode_cursor(cursor, scope))
    items = list(result)
    return items, encode_cursor(result.last_evaluated_key, scope)


# --- sessions --------------------------------------------------------------------------------------

def session_key(user_id: str, session_id: str) -> tuple[str, str]:
    return f"USER#{user_id}", f"SESSION#{session_id}"


def find_session(user_id: str, session_id: str) -> SessionRecord | None:
    try:
        return SessionRecord.get(*session_key(user_id, session_id))
    except DoesNotExist:
        return None


def sessions_of(user_id: str) -> list[SessionRecord]:
    return list(SessionRecord.query(f"USER#{user_id}", SessionRecord.sk.startswith("SESSION#")))


def rotate_session(session: SessionRecord, new_hash: str, expected_generation: int, expires_at: datetime,
                   ip: str | None) -> bool:
    """Advance the refresh generation if nobody else did; False when another refresh won the race."""
    try:
        session.update(actions=[SessionRecord.previous_hash.set(session.refresh_hash),
                                SessionRecord.refresh_hash.set(new_hash),
                                SessionRecord.generation.set(expected_generation + 1),
                                SessionRecord.rotated_at.set(clock.epoch_seconds()),
                                SessionRecord.last_used_at.set(clock.now()),
                                SessionRecord.expires_at.set(expires_at),
                                set_or_remove(SessionRecord.ip, ip)],
                       condition=(SessionRecord.generation == expected_generation)
                       & SessionRecord.revoked_at.does_not_exist())
        return True
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise


def revoke_sessions(sessions: Iterable[SessionRecord], reason: str) -> int:
    count = 0
    for session in sessions:
        if session.revoked_at is None:
            session.update(actions=[SessionRecord.revoked_at.set(clock.now()),
                                    SessionRecord.revoked_reason.set(reason)])
            count += 1
    return count


def update_session_grants(session: SessionRecord, roles: list[str], org_id: str | None) -> None:
    session.update(actions=[set_or_remove(SessionRecord.roles, set(roles) or None),
                            set_or_remove(SessionRecord.org_id, org_id)])


# --- one-time tokens ---------------------------------------------------------------------------------

def token_key(token_hash: str) -> tuple[str, str]:
    return f"TOKEN#{token_hash}", "TOKEN"


def find_token(token_hash: str) -> OneTimeTokenRecord | None:
    try:
        return OneTimeTokenRecord.get(*token_key(token_hash), consistent_read=True)
    except DoesNotExist:
        return None


def use_token(token: OneTimeTokenRecord) -> bool:
    """Mark a one-time token used; False if it already was (a second click, a replay)."""
    try:
        token.update(actions=[OneTimeTokenRecord.used_at.set(clock.now())],
                     condition=OneTimeTokenRecord.used_at.does_not_exist())
        return True
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise


# --- members -----------------------------------------------------------------------------------------

def member_key(org_id: str, email: str) -> tuple[str, str]:
    return f"ORG#{org_id}", f"MEMBER#{email.lower()}"


def find_member(org_id: str, email: str) -> MemberRecord | None:
    try:
        return MemberRecord.get(*member_key(org_id, email), consistent_read=True)
    except DoesNotExist:
        return None


def find_member_by_id(org_id: str, member_id: str) -> MemberRecord | None:
    found = MemberRecord.query(f"ORG#{org_id}", MemberRecord.sk.startswith("MEMBER#"),
                               filter_condition=MemberRecord.member_id == member_id)
    return next(iter(found), None)


def list_members(org_id: str, cursor: str | None, limit: int | None) -> tuple[Sequence[MemberRecord], str | None]:
    return query_page(MemberRecord, f"ORG#{org_id}", sk_prefix="MEMBER#", cursor=cursor, limit=limit)


# --- throttles and rate counters -------------------------------------------------------------------

def throttle_key(scope: str, key: str) -> tuple[str, str]:
    return f"THROTTLE#{scope}#{key}", "LOGIN"


def find_throttle(scope: str, key: str) -> ThrottleRecord | None:
    try:
        return ThrottleRecord.get(*throttle_key(scope, key))
    except DoesNotExist:
        return None


def count_request(user_id: str, minute: int, expires_at: datetime) -> int:
    """One UpdateItem: the caller's requests in this minute, this one included."""
    record = RateRecord(pk=f"RATE#{user_id}", sk=str(minute))
    record.update(actions=[RateRecord.hits.add(1), RateRecord.expires_at.set(expires_at)])
    return int(record.hits)
