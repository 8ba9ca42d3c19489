"""The channels' items in the workspaces table (records.py lists them); the only channel code that
touches DynamoDB."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist, PutError
from pynamodb.transactions import TransactWrite

from tessera.workspaces.records import (
    BookingMarkerRecord,
    CalcomRecord,
    ChannelRecord,
    ContactRecord,
    InboundMarkerRecord,
    LeadEventRecord,
    LeadRecord,
    OutgoingMessageRecord,
)


def _get[R](model: type[R], pk: str, sk: str) -> R | None:
    try:
        return model.get(pk, sk, consistent_read=True)  # type: ignore[attr-defined]
    except DoesNotExist:
        return None


def channel_key(workspace_id: str, kind: str) -> tuple[str, str]:
    return f"WS#{workspace_id}", f"CHANNEL#{kind}"


def find_channel(workspace_id: str, kind: str) -> ChannelRecord | None:
    return _get(ChannelRecord, *channel_key(workspace_id, kind))


def channels_of(workspace_id: str) -> list[ChannelRecord]:
    return list(ChannelRecord.query(f"WS#{workspace_id}", ChannelRecord.sk.startswith("CHANNEL#")))


def add_new_channel(tx: TransactWrite, channel: ChannelRecord) -> None:
    """Refused when the kind is already connected (`refused(error, channel)`)."""
    tx.save(channel, condition=ChannelRecord.pk.does_not_exist(), return_values="ALL_OLD")


def add_channel_change(tx: TransactWrite, channel: ChannelRecord) -> None:
    tx.save(channel)  # row_version: a concurrent change fails the transaction


def add_channel_removal(tx: TransactWrite, channel: ChannelRecord) -> None:
    tx.delete(channel)


def save_channel_state(channel: ChannelRecord) -> None:
    """A test's or a send's outcome (no audit: the provider's answer, not a person's change)."""
    channel.save()


# --- Cal.com ---------------------------------------------------------------------------------------

def find_calcom(workspace_id: str) -> CalcomRecord | None:
    return _get(CalcomRecord, f"WS#{workspace_id}", "CALCOM")


def add_calcom(tx: TransactWrite, record: CalcomRecord) -> None:
    tx.save(record)


def add_calcom_removal(tx: TransactWrite, record: CalcomRecord) -> None:
    tx.delete(record)


def booking_marker(workspace_id: str, uid: str, trigger: str, lead_id: str | None,
                   at: datetime) -> BookingMarkerRecord:
    return BookingMarkerRecord(pk=f"WS#{workspace_id}", sk=f"CALBOOK#{uid}#{trigger}", lead_id=lead_id,
                               received_at=at)


def find_booking_marker(workspace_id: str, uid: str, trigger: str) -> BookingMarkerRecord | None:
    return _get(BookingMarkerRecord, f"WS#{workspace_id}", f"CALBOOK#{uid}#{trigger}")


def add_booking(tx: TransactWrite, marker: BookingMarkerRecord, lead: LeadRecord | None,
                events: list[LeadEventRecord]) -> None:
    """The delivery's marker (refused if it was applied: `refused(error, marker)`), the lead (its
    row_version checked) and its timeline events."""
    tx.save(marker, condition=BookingMarkerRecord.pk.does_not_exist(), return_values="ALL_OLD")
    if lead is not None:
        tx.save(lead)
    for event in events:
        tx.save(event)


# --- inbound messages from leads ---------------------------------------------------------------------

def inbound_marker(workspace_id: str, kind: str, message_id: str, lead_id: str, at: datetime) -> InboundMarkerRecord:
    return InboundMarkerRecord(pk=f"WS#{workspace_id}", sk=f"INMSG#{kind}#{message_id}", lead_id=lead_id,
                               received_at=at)


def find_inbound_marker(workspace_id: str, kind: str, message_id: str) -> InboundMarkerRecord | None:
    return _get(InboundMarkerRecord, f"WS#{workspace_id}", f"INMSG#{kind}#{message_id}")


def add_inbound(tx: TransactWrite, marker: InboundMarkerRecord, event: LeadEventRecord) -> None:
    """The message's marker (refused when it was applied: `refused(error, marker)`) and its timeline event."""
    tx.save(marker, condition=InboundMarkerRecord.pk.does_not_exist(), return_values="ALL_OLD")
    tx.save(event)


# --- contacts: a lead by e-mail or phone -------------------------------------------------------------

def contact_key(workspace_id: str, kind: str, value: str) -> tuple[str, str]:
    return f"WS#{workspace_id}", f"CONTACT#{kind}#{value.strip().lower()}"


def remember_contacts(lead: LeadRecord) -> None:
    """The newest lead wins an address (a returning visitor's booking belongs to their latest request)."""
    for kind, value in (("email", lead.email), ("phone", lead.phone)):
        if value:
            pk, sk = contact_key(lead.workspace_id, kind, value)
            ContactRecord(pk=pk, sk=sk, lead_id=lead.lead_id).save()


def lead_by_contact(workspace_id: str, kind: str, value: str) -> str | None:
    record = _get(ContactRecord, *contact_key(workspace_id, kind, value))
    return record.lead_id if record else None


# --- replies ---------------------------------------------------------------------------------------

def find_message(workspace_id: str, client_id: str) -> OutgoingMessageRecord | None:
    return _get(OutgoingMessageRecord, f"WS#{workspace_id}", f"MSG#{client_id}")


def claim_message(record: OutgoingMessageRecord, stale_before: datetime) -> bool:
    """Take the client id for this send; False when it is taken (sent, or being sent right now)."""
    stale = (OutgoingMessageRecord.state == "sending") & (OutgoingMessageRecord.sent_at < stale_before)
    try:
        record.save(condition=OutgoingMessageRecord.pk.does_not_exist() | stale)
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def release_message(record: OutgoingMessageRecord) -> None:
    record.delete(condition=OutgoingMessageRecord.state == "sending")


def add_message_sent(tx: TransactWrite, record: OutgoingMessageRecord, lead: LeadRecord | None,
                     events: list[LeadEventRecord]) -> None:
    tx.save(record)
    if lead is not None:
        tx.save(lead)
    for event in events:
        tx.save(event)
