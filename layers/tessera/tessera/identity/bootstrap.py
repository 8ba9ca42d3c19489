"""`python -m tessera.identity.bootstrap`: the first staff admin of a deployment, and `make run`'s demo
accounts. Runs with the auth function's environment (table names, data key), see docs/deploy.md.

    IDENTITY_TABLE=… AUDIT_TABLE=… ACCOUNTS_TABLE=… DATA_KEY_ID=… \\
        python -m tessera.identity.bootstrap admin --email ops@example.ru --name "Ops" --password-stdin

The admin signs in at /console and enrols 2FA at the first sign-in (mandatory for admins)."""

from __future__ import annotations

import argparse
import getpass
import sys

from tessera.accounts.service import new_organization
from tessera.core import clock
from tessera.core.crypto import data_cipher
from tessera.core.ids import new_id
from tessera.core.request import RequestInfo
from tessera.identity import passwords, repository, staff, totp
from tessera.identity.audit_log import audit
from tessera.identity.records import MemberRecord, UserRecord
from tessera.identity.service import _secret_context


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Again: "):
        raise SystemExit("the passwords differ")
    return first


def enrol_totp(user_id: str, secret: str) -> list[str]:
    """Turn on 2FA with a known secret (demo accounts only), answering fresh recovery codes."""
    user = repository.find_user(user_id)
    if user is None:
        raise SystemExit(f"no user {user_id}")
    codes = totp.new_recovery_codes()
    user.mfa_secret = data_cipher().encrypt(secret.encode(), _secret_context(user))
    user.mfa_enabled, user.recovery_hashes = True, {totp.hash_recovery_code(c) for c in codes}
    repository.save(user)
    return codes


def customer(email: str, name: str, company: str, password: str) -> tuple[str, str, bool]:
    """A confirmed customer owning a new organization: (user id, org id, created)."""
    existing = repository.find_user_by_email(email)
    if existing is not None:
        return existing.user_id, (existing.memberships or [{}])[0].get("org_id", ""), False
    passwords.check_policy(password, email=email, name=name)
    now = clock.now()
    user_id = new_id("usr")
    organization = new_organization(company, created_by=user_id, source="staff")
    user = UserRecord(pk=f"USER#{user_id}", sk="PROFILE", user_id=user_id, email=email.lower(), name=name,
                      kind="customer", kind_key="CUSTOMER", status="active", locale="ru",
                      password_hash=passwords.hash_password(password), created_at=now, confirmed_at=now,
                      memberships=[{"org_id": organization.org_id, "org_name": organization.name, "role": "owner"}])
    member = MemberRecord(pk=f"ORG#{organization.org_id}", sk=f"MEMBER#{user.email}", member_id=new_id("mem"),
                          org_id=organization.org_id, email=user.email, user_id=user_id, name=name, role="owner",
                          status="active", created_at=now)
    repository.create_user(user, organization, member)
    audit("organization.create", "organization", organization.org_id, actor_id=None, actor_kind="system",
          request=RequestInfo("bootstrap"), org_id=organization.org_id, after={"name": company, "owner": user.email})
    return user_id, organization.org_id, True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tessera.identity.bootstrap", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    admin = sub.add_parser("admin", help="create the first staff admin")
    admin.add_argument("--email", required=True)
    admin.add_argument("--name", default="")
    admin.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    args = parser.parse_args(argv)
    try:
        user_id, created = staff.bootstrap_admin(args.email, args.name, _password(args))
    except ValueError as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    print(f"{'created' if created else 'exists, unchanged'}: {args.email} ({user_id})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
