"""Licensing: licenses of on-prem products, immutable signed versions (JWS ES256 by KMS), the
installation API (status; activation and heartbeats next), revocation, public keys."""
