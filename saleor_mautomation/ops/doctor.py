"""``mautomation doctor``'s checks in the order an operator fixes things: the settings, the
database, the broker and workers, email, then each installation's Saleor and webhooks, then
the sender domains."""

from __future__ import annotations

from collections.abc import Sequence

from saleor_mautomation.ops.deployment import broker_lines, database_lines, settings_lines
from saleor_mautomation.ops.installations import installation_lines
from saleor_mautomation.ops.mail import email_lines
from saleor_mautomation.ops.report import Line, Status
from saleor_mautomation.ops.sender_domains import sender_lines, senders


def doctor_lines(*, dkim_selectors: Sequence[str] = ()) -> list[Line]:
    """Every check's line; ``dkim_selectors``: the DKIM selectors looked up for each sender
    domain (left out: the ESP's known ones)."""
    database = database_lines()
    lines = [*settings_lines(), *database, *broker_lines()]
    if any(line.status is Status.FAIL for line in database):
        # The providers, installations and senders are rows of a database that is not
        # there, or not yet of this version.
        return lines
    lines += email_lines()
    lines += installation_lines()
    for sender in senders():
        lines += sender_lines(sender, selectors=dkim_selectors)
    return lines
