"""Verify the audit chains from a workstation, or one signed checkpoint file offline.

    python scripts/audit_verify.py --table tessera-prod-AuditTable-XYZ [--chain org_01J…]… [--full]
        [--bucket tessera-prod-auditcheckpointbucket-… --public-key audit-signing.pem] [--endpoint-url URL]
    python scripts/audit_verify.py --checkpoint org_01J….2026-03-09.jws --public-key audit-signing.pem
    python scripts/audit_verify.py --export-public-key <AuditSigningKeyArn> > audit-signing.pem

Chains (all of them unless --chain names some) are walked from their newest valid signed checkpoint
when --bucket is given, else (and with --full) from their first event. Prints one JSON line per
chain, or the checkpoint's claims; exits 0 when everything is valid, 1 when something is not, 2 when
it could not be read. Needs read access only: dynamodb:Query, GetItem, BatchGetItem on the table,
s3:ListBucket and GetObject on the bucket; the public key needs no AWS access at all."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "layers" / "tessera"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--table", help="the audit table's name")
    parser.add_argument("--chain", action="append", help="a chain to verify (repeatable; default: every chain)")
    parser.add_argument("--full", action="store_true", help="from each chain's first event, past its checkpoints")
    parser.add_argument("--bucket", help="the checkpoint bucket: start from the newest valid checkpoint")
    parser.add_argument("--public-key", type=Path, help="the audit signing key's public key (PEM)")
    parser.add_argument("--checkpoint", type=Path, help="verify this checkpoint file (a .jws) offline")
    parser.add_argument("--export-public-key", metavar="KEY_ID", help="print the KMS key's public key as PEM")
    parser.add_argument("--endpoint-url", help="an AWS-compatible endpoint (the local cloud, a store in Russia)")
    parser.add_argument("--region", help="AWS region (default: AWS_REGION)")
    args = parser.parse_args(argv)
    if args.endpoint_url:
        os.environ["AWS_ENDPOINT_URL"] = args.endpoint_url
    if args.region:
        os.environ["AWS_REGION"] = os.environ["AWS_DEFAULT_REGION"] = args.region

    from cryptography.hazmat.primitives import serialization

    from tessera.audit import checkpoints

    if args.export_public_key:
        key = checkpoints.KmsSigner(args.export_public_key).public_key()
        print(key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode())
        return 0
    public_key: Any = serialization.load_pem_public_key(args.public_key.read_bytes()) if args.public_key else None
    if args.checkpoint:
        if public_key is None:
            parser.error("--checkpoint needs --public-key")
        try:
            claims = checkpoints.verify(args.checkpoint.read_text(encoding="utf-8"), public_key).claims()
        except checkpoints.InvalidCheckpoint as exc:
            print(json.dumps({"checkpoint": str(args.checkpoint), "valid": False, "error": str(exc)}))
            return 1
        print(json.dumps({"checkpoint": str(args.checkpoint), "valid": True, **claims}, ensure_ascii=False))
        return 0
    if not args.table:
        parser.error("--table is required to verify chains")
    if args.bucket and public_key is None:
        parser.error("--bucket needs --public-key")
    return _verify_chains(args.table, args.chain, full=args.full,
                          store=checkpoints.Store(args.bucket, public_key) if args.bucket else None)


def _verify_chains(table: str, chains: list[str] | None, *, full: bool, store: Any) -> int:
    from tessera.audit import repository
    from tessera.audit.verification import verify_chain

    repository.bind(table)
    invalid = False
    try:
        names = chains or _every_chain(repository)
        for chain in names:
            result = verify_chain(chain, full=full, store=store)
            invalid = invalid or not result.valid
            print(json.dumps({"table": table, **result.model_dump()}, ensure_ascii=False), flush=True)
    except Exception as exc:  # unreadable: no table, no access, no network
        print(json.dumps({"table": table, "error": f"{type(exc).__name__}: {exc}"}), file=sys.stderr)
        return 2
    return 1 if invalid else 0


def _every_chain(repository: Any) -> list[str]:
    names: list[str] = []
    while page := repository.chains(names[-1] if names else None):
        names += page
    return names


if __name__ == "__main__":
    sys.exit(main())
