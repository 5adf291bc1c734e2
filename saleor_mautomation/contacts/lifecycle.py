"""The lifecycle stage as the email consent changes.

The stage (``stage_of``) is set from the orders when they change (``figures``) and as time
passes (``sweeps``); a contact without orders is a ``subscriber`` while their email consent is
granted and a ``prospect`` otherwise, so a consent change moves it too: a confirmed
subscription, an unsubscribe, a consent from Saleor's metadata or from an import. A buyer's
stage depends on the orders alone and comes out as the order path would set it at that moment.
"""

from __future__ import annotations

from datetime import datetime

from saleor_mautomation.contacts import engagement
from saleor_mautomation.contacts.config import contacts_config
from saleor_mautomation.contacts.models import Contact, EmailConsent, LifecycleStage


def stage_of(contact: Contact, *, now: datetime) -> LifecycleStage:
    """The stage of ``contact`` from its email consent and order figures as they are on the
    instance now, and the installation's thresholds (the order path sets the figures first)."""
    config = contacts_config(contact.installation_id)
    return engagement.lifecycle_stage(
        orders_count=contact.orders_count,
        last_order_at=contact.last_order_at,
        subscribed=contact.email_consent == EmailConsent.GRANTED,
        now=now,
        thresholds=engagement.Thresholds(
            lapsing_after_days=config.lapsing_after_days,
            lapsed_after_days=config.lapsed_after_days,
            vip_min_orders=config.vip_min_orders,
        ),
    )
