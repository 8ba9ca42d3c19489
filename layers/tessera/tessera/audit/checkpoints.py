"""Daily signed checkpoints: for each chain that moved on a day, its last seq and hash at the end of
that day, as a compact JWS (ES256) signed by the audit signing key in KMS, one S3 object per chain and
day (`checkpoints/<chain>/<YYYY-MM-DD>.jws`) in a versioned bucket with Object Lock.

Anyone with the key's public half verifies a checkpoint offline (any JOSE library, or
scripts/audit_verify.py); `kid` is the key's RFC 7638 thumbprint. A checkpoint pins the chain: an
edit to an event at or before it, even one that recomputes every later hash and the head, no longer
matches the signed hash. Verification starts at the newest valid checkpoint instead of genesis."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from tessera.audit import repository, verification
from tessera.audit.models import VerifyResult, format_at, parse_at
from tessera.audit.settings import AuditSettings
from tessera.core import aws, clock
from tessera.core.crypto import JwsError, KmsSigner, jwk_thumbprint, jws_sign, jws_verify, public_jwk
from tessera.core.observability import logger, metrics
from tessera.core.settings import get_settings

s3 = aws.client("s3")

PREFIX = "checkpoints/"
TYPE = "tessera-audit-checkpoint"


@dataclass(frozen=True)
class Checkpoint:
    chain: str
    day: date
    seq: int
    hash: str
    at: datetime  # when the event at seq was written

    def claims(self) -> dict[str, Any]:
        return {"chain": self.chain, "day": self.day.isoformat(), "seq": self.seq, "hash": self.hash,
                "at": format_at(self.at)}


class InvalidCheckpoint(Exception):
    pass


def key(chain: str, day: date) -> str:
    # chain names are letters, digits, "_" and "-" (models.CHAIN_PATTERN): safe in an object key
    return f"{PREFIX}{chain}/{day.isoformat()}.jws"


def kid(public_key: ec.EllipticCurvePublicKey) -> str:
    return jwk_thumbprint(public_jwk(public_key, ""))


def sign(checkpoint: Checkpoint, signer: KmsSigner) -> str:
    return jws_sign(checkpoint.claims(), signer, kid(signer.public_key()), typ=TYPE)


def verify(token: str, public_key: ec.EllipticCurvePublicKey, chain: str | None = None) -> Checkpoint:
    """The checkpoint a file holds, if the signature is the key's and (with `chain`) it is that chain's."""
    try:
        header, claims = jws_verify(token.strip(), {kid(public_key): public_key})
        if header.get("typ") != TYPE:
            raise InvalidCheckpoint(f"not a checkpoint (typ {header.get('typ')!r})")
        checkpoint = Checkpoint(chain=str(claims["chain"]), day=date.fromisoformat(claims["day"]),
                                seq=int(claims["seq"]), hash=str(claims["hash"]), at=parse_at(claims["at"]))
    except JwsError as exc:
        raise InvalidCheckpoint(f"{exc.code}: {exc}") from exc
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidCheckpoint(f"malformed claims ({type(exc).__name__})") from exc
    if chain is not None and checkpoint.chain != chain:
        raise InvalidCheckpoint(f"a checkpoint of {checkpoint.chain}, not of {chain}")
    return checkpoint


# --- the bucket ------------------------------------------------------------------------------------

@cache
def signer() -> KmsSigner:
    key_id = get_settings(AuditSettings).signing_key_id
    if not key_id:
        raise RuntimeError("AUDIT_SIGNING_KEY_ID is not set for this function")
    return KmsSigner(key_id)


def _bucket() -> str:
    bucket = get_settings(AuditSettings).checkpoint_bucket
    if not bucket:
        raise RuntimeError("AUDIT_CHECKPOINT_BUCKET is not set for this function")
    return bucket


class Store:
    """Checkpoints in the bucket, verified with the audit key's public half."""

    def __init__(self, bucket: str, public_key: ec.EllipticCurvePublicKey) -> None:
        self.bucket, self.public_key = bucket, public_key

    @classmethod
    def from_settings(cls) -> Store:
        return cls(_bucket(), signer().public_key())

    def days(self, chain: str) -> list[date]:
        """The days `chain` has a checkpoint for, newest first."""
        prefix = f"{PREFIX}{chain}/"
        found: list[date] = []
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                name = item["Key"].removeprefix(prefix).removesuffix(".jws")
                try:
                    found.append(date.fromisoformat(name))
                except ValueError:
                    continue
        return sorted(found, reverse=True)

    def newest_valid(self, chain: str) -> tuple[Checkpoint | None, list[date]]:
        """The newest checkpoint of `chain` whose signature verifies, and the newer days that did not."""
        invalid: list[date] = []
        for day in self.days(chain):
            body = s3.get_object(Bucket=self.bucket, Key=key(chain, day))["Body"].read()
            try:
                checkpoint = verify(body.decode("utf-8", "replace"), self.public_key, chain)
            except InvalidCheckpoint as exc:
                logger.error("an audit checkpoint does not verify", extra={"chain": chain, "day": day.isoformat(),
                                                                           "problem": str(exc)})
                invalid.append(day)
                continue
            if checkpoint.day == day:
                return checkpoint, invalid
            invalid.append(day)  # a valid file copied to another day's name
        return None, invalid

    def put(self, checkpoint: Checkpoint, token: str) -> bool:
        """Store a checkpoint once: False if that chain's checkpoint for that day exists already."""
        try:
            s3.put_object(Bucket=self.bucket, Key=key(checkpoint.chain, checkpoint.day), Body=token.encode(),
                             ContentType="application/jose", IfNoneMatch="*")
        except Exception as exc:
            if getattr(exc, "response", {}).get("Error", {}).get("Code") == "PreconditionFailed":
                return False
            raise
        return True


# --- the daily job ---------------------------------------------------------------------------------

class ChainsBroken(Exception):
    """Some chains failed verification: their checkpoints were not signed."""


def write_daily(day: date | None = None) -> dict[str, Any]:
    """Checkpoints for `day` (default: yesterday, UTC) of every chain that moved since it began. Each is
    signed only after the chain verified from its previous checkpoint to the new one."""
    day = day or clock.today() - timedelta(days=1)
    start = datetime.combine(day, time(), tzinfo=UTC)
    end = start + timedelta(days=1)
    store = Store.from_settings()
    written, existing, broken = 0, 0, []
    after: str | None = None
    while names := repository.chains(after):
        heads = repository.read_heads(names)
        for chain in names:
            head = heads.get(chain)
            if head is None or parse_at(head.at) < start:
                continue  # did not move that day: its last checkpoint still stands
            last = repository.last_chained_before(chain, head.seq, end)
            if last is None or last.seq is None or last.hash is None:
                continue  # the chain began after that day
            result = verification.verify_chain(chain, store=store,
                                               upto=repository.Head(seq=last.seq, hash=last.hash,
                                                                    at=format_at(last.at)))
            if not result.valid:
                broken.append(_finding(result))
                if result.code != "checkpoint_invalid":  # an older valid one vouched for this segment
                    continue
            checkpoint = Checkpoint(chain=chain, day=day, seq=last.seq, hash=last.hash, at=last.at)
            if store.put(checkpoint, sign(checkpoint, signer())):
                written += 1
            else:
                existing += 1
        after = names[-1]
    metrics.add_metric(name="audit_checkpoints_written", unit="Count", value=written)
    summary = {"day": day.isoformat(), "written": written, "existing": existing, "broken": len(broken)}
    logger.info("audit checkpoints", extra=summary)
    if broken:
        raise ChainsBroken("; ".join(broken))
    return summary


def _finding(result: VerifyResult) -> str:
    return f"{result.chain}: {result.code} at {result.first_bad_seq} ({result.detail})"

