"""Audit: append-only, hash-chained events for every mutation (and staff reads of customer data),
searchable by actor, entity, organization and day, exportable, kept at least 400 days.
`tessera.audit.service` is the way in."""
