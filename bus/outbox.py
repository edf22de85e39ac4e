"""The outbox's collection and entry format: written by the unit of work, read by the relay.

An entry lives from the commit that wrote it until the relay has published it;
then it is deleted, so the outbox holds only what is on its way. `held_until`
says until when someone is presumed to be publishing it: at commit, the
committing process (the relay hands the entry over in memory); after a
recovery claim, the replica that claimed it. The recovery scan takes entries
whose `held_until` is a grace period in the past.
"""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING

from bus.envelope import Envelope
from bus.timestamps import stored_now

OUTBOX = "outbox"
# Serves both the recovery scan (a range on held_until) and a claim (both fields equal).
RECOVERY_INDEX = [("held_until", ASCENDING), ("_id", ASCENDING)]


def outbox_entry(envelope: Envelope) -> dict[str, Any]:
    held_until = stored_now()
    return {"_id": envelope.event_id, "envelope": envelope.to_document(), "held_until": held_until}
