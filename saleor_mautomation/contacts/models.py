from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q

from saleor_mautomation.core.crypto import EncryptedTextField
from saleor_mautomation.core.errors import PermanentError


class LifecycleStage(models.TextChoices):
    SUBSCRIBER = "subscriber"
    PROSPECT = "prospect"
    FIRST_TIME_BUYER = "first_time_buyer"
    REPEAT = "repeat"
    VIP = "vip"
    LAPSING = "lapsing"
    LAPSED = "lapsed"


class EmailConsent(models.TextChoices):
    UNKNOWN = "unknown"
    PENDING = "pending"
    GRANTED = "granted"
    WITHDRAWN = "withdrawn"


class Contact(models.Model):
    """One person known to one installation: Saleor customer, guest buyer or subscriber.

    Identified by the Saleor user id and/or the email (compared lower-cased). Profile fields
    Saleor does not have (birthday, gender, time zone, consent) live here too. The engagement
    figures are computed from orders and events and kept current per event.
    """

    # Indexed with the id (below) rather than alone: segment counts then read the
    # installation's contact ids from that index without touching the rows.
    installation = models.ForeignKey(
        "mautomation.Installation", on_delete=models.CASCADE, db_index=False
    )
    # NULL, not "", where unknown: the unique constraints below apply to known values only.
    saleor_user_id = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    email = models.CharField(max_length=254, null=True, blank=True)  # noqa: DJ001
    # Folded into that contact, whose history it now is: the coordinator (``flows.merges``)
    # moves what the higher layers hold (runs, messages, lists) and then deletes this row.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    first_name = models.CharField(max_length=256, blank=True, default="")
    last_name = models.CharField(max_length=256, blank=True, default="")
    language_code = models.CharField(max_length=35, blank=True, default="")
    country = models.CharField(max_length=2, blank=True, default="")
    city = models.CharField(max_length=256, blank=True, default="")
    time_zone = models.CharField(max_length=64, blank=True, default="")
    birthday = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=32, blank=True, default="")
    metadata = models.JSONField(default=dict, blank=True)
    # Metadata keys another system wrote (trigger API, imports): key -> {"at": ISO time,
    # "saleor": Saleor's value then or null}; a Saleor delivery merges around them
    # (contacts/attributes.py, ADR 0047).
    attribute_writes = models.JSONField(default=dict, blank=True)
    is_customer = models.BooleanField(default=False)
    email_consent = models.CharField(
        max_length=16, choices=EmailConsent.choices, default=EmailConsent.UNKNOWN
    )
    # SMS and web push have their own consent (the same states as email's); a phone number in
    # E.164 form (+4915112345678); push goes to the contact's PushSubscription rows.
    phone = models.CharField(max_length=32, blank=True, default="")
    sms_consent = models.CharField(
        max_length=16, choices=EmailConsent.choices, default=EmailConsent.UNKNOWN
    )
    push_consent = models.CharField(
        max_length=16, choices=EmailConsent.choices, default=EmailConsent.UNKNOWN
    )
    # Postal mail has its own consent (the same states; contacts/channels_consent), and the
    # address a card goes to: Saleor's default shipping address, else its default billing one,
    # as the customer deliveries and the backfill carry it ({} when the customer has none).
    postal_consent = models.CharField(
        max_length=16, choices=EmailConsent.choices, default=EmailConsent.UNKNOWN
    )
    postal_address = models.JSONField(default=dict, blank=True)
    # Topics the contact wants to hear about (preference centre), e.g. {"newsletter": true}.
    preferences = models.JSONField(default=dict, blank=True)
    date_joined = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    source_updated_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    # Engagement, recomputed from orders (per event) and by the nightly sweep (RFM).
    orders_count = models.PositiveIntegerField(default=0)
    first_order_at = models.DateTimeField(null=True, blank=True)
    last_order_at = models.DateTimeField(null=True, blank=True)
    lifecycle_stage = models.CharField(
        max_length=24, choices=LifecycleStage.choices, default=LifecycleStage.PROSPECT
    )
    rfm_recency = models.PositiveSmallIntegerField(null=True, blank=True)
    rfm_frequency = models.PositiveSmallIntegerField(null=True, blank=True)
    rfm_monetary = models.PositiveSmallIntegerField(null=True, blank=True)
    favourite_categories = models.JSONField(default=list, blank=True)
    predicted_next_order_at = models.DateTimeField(null=True, blank=True)
    prediction_basis = models.JSONField(default=dict, blank=True)

    # Email engagement from the contact's own human opens and clicks (events ``email.opened``
    # and ``email.clicked``; privacy-proxy opens and link-scanner clicks are left out), per
    # event and, as the windows slide with time, by the nightly sweep (contacts/sweeps).
    email_opens_30d = models.PositiveIntegerField(default=0)
    email_opens_90d = models.PositiveIntegerField(default=0)
    email_clicks_30d = models.PositiveIntegerField(default=0)
    email_clicks_90d = models.PositiveIntegerField(default=0)
    last_email_open_at = models.DateTimeField(null=True, blank=True)
    last_email_click_at = models.DateTimeField(null=True, blank=True)
    best_send_hour = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(23)],
        help_text=(
            "Hour of the day (0-23) with the most opens and clicks in the last 180 days, in the "
            "contact's time zone, or UTC when it has none; empty below 3 interactions."
        ),
    )

    # The channel the contact answers on, learned from human engagement per channel
    # (contacts/channel_preference): "" until there is any; each channel's recency-weighted
    # score as of ``channel_scores_at`` (the moment of the newest engagement counted).
    preferred_channel = models.CharField(max_length=8, blank=True, default="")
    channel_scores = models.JSONField(default=dict, blank=True)
    channel_scores_at = models.DateTimeField(null=True, blank=True)

    # When the contact engages, by local hour of the week (contacts/send_time): the weight of
    # each slot ("0" Monday 0h .. "167" Sunday 23h; a click 2, a human open 1) over the last
    # 180 days, the clicks and opens counted, and the oldest counted (the nightly sweep
    # recounts the contact once it leaves the window). Kept on each human open or click.
    send_time_weights = models.JSONField(default=dict, blank=True)
    send_time_clicks = models.PositiveIntegerField(default=0)
    send_time_opens = models.PositiveIntegerField(default=0)
    send_time_oldest_at = models.DateTimeField(null=True, blank=True)

    # Keys of the segments the contact is in (kept by the segments domain), for the write-back.
    segments = models.JSONField(default=list, blank=True)

    # Write-back of key figures to the Saleor customer's private metadata (contacts/writeback).
    writeback_due_at = models.DateTimeField(null=True, blank=True)
    writeback_hash = models.CharField(max_length=64, blank=True, default="")
    # Further private-metadata keys set by journeys (update-profile steps), written back too.
    writeback_extra = models.JSONField(default=dict, blank=True)
    # Write-backs Saleor refused for this customer in a row (a user gone, a staff account): each
    # one postpones the next try further; a success sets it back to 0 (contacts/writeback).
    writeback_refusals = models.PositiveSmallIntegerField(default=0)
    # The email consent the mapped Saleor metadata key said when last read ("" none; None:
    # never read). Metadata consent applies when that value changes, so a stale "granted"
    # left in Saleor never undoes an unsubscribe made since (contacts/services).
    # (None and "" differ: null=True is meant.)
    metadata_consent_seen = models.CharField(  # noqa: DJ001
        max_length=16, null=True, blank=True, default=None
    )

    objects: ClassVar[models.Manager[Contact]]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "saleor_user_id"],
                condition=Q(saleor_user_id__isnull=False),
                name="contact_unique_user",
            ),
            models.UniqueConstraint(
                fields=["installation", "email"],
                condition=Q(email__isnull=False),
                name="contact_unique_email",
            ),
        ]
        indexes = [
            models.Index(fields=["installation", "id"], name="contact_installation_pk"),
            models.Index(fields=["installation", "lifecycle_stage"], name="contact_stage"),
            models.Index(fields=["installation", "last_order_at"], name="contact_last_order"),
            models.Index(
                fields=["installation", "writeback_due_at"],
                name="contact_writeback_due",
                condition=Q(writeback_due_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.email or self.saleor_user_id or f"contact {self.pk}"


class ContactSpend(models.Model):
    """Orders and spend of a contact in one currency: money is never added across currencies."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="spend")
    currency = models.CharField(max_length=3)
    orders = models.PositiveIntegerField(default=0)
    total = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal(0))
    average_order_value = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal(0))

    objects: ClassVar[models.Manager[ContactSpend]]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contact", "currency"], name="spend_unique_currency")
        ]

    def __str__(self) -> str:
        return f"{self.total} {self.currency}"


class ErasedIdentity(models.Model):
    """What remains of an erased person: a keyed hash of their email, so that a later order
    delivery for that address is stored anonymously instead of bringing the person back."""

    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    email_digest = models.CharField(max_length=64)
    erased_at = models.DateTimeField()

    objects: ClassVar[models.Manager[ErasedIdentity]]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "email_digest"], name="erased_unique_email"
            )
        ]

    def __str__(self) -> str:
        return f"erased {self.email_digest[:8]}"


def default_metadata_keys() -> dict[str, str]:
    return {
        "birthday": "birthday",
        "gender": "gender",
        "time_zone": "time_zone",
        "email_consent": "marketing_consent",
    }


class ContactsConfig(models.Model):
    """Per-installation settings of the contacts domain."""

    installation = models.OneToOneField("mautomation.Installation", on_delete=models.CASCADE)
    erasure_salt = models.CharField(max_length=64)
    # Days since the last order after which a buyer is lapsing / lapsed; orders for VIP.
    lapsing_after_days = models.PositiveIntegerField(default=180)
    lapsed_after_days = models.PositiveIntegerField(default=365)
    vip_min_orders = models.PositiveIntegerField(default=5)
    # Profile field -> Saleor customer metadata key (private first, then public) to read it from.
    metadata_keys = models.JSONField(default=default_metadata_keys, blank=True)
    # Lifetime spend thresholds per currency, e.g. {"USD": ["500", "1000"]}: crossing one
    # records ``spend.threshold_crossed`` (journeys' VIP preset enters on it).
    spend_thresholds = models.JSONField(default=dict, blank=True)

    objects: ClassVar[models.Manager[ContactsConfig]]

    def __str__(self) -> str:
        return f"contacts config of installation {self.installation_id}"


class ContactAlias(models.Model):
    """A first-party anonymous id (storefront cookie) pointing at a contact.

    Anonymous visitors get a contact of their own; when they sign in, subscribe or enter a
    checkout email, that contact is merged into the known one and the alias moves with it.
    """

    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="aliases")
    anonymous_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[models.Manager[ContactAlias]]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "anonymous_id"], name="alias_unique_anonymous_id"
            )
        ]

    def __str__(self) -> str:
        return self.anonymous_id


class ConsentRecord(models.Model):
    """The consent ledger: every change of a contact's consent, with its evidence.

    Kept when the contact is erased (the link and the IP are removed), as proof of what was
    agreed and when.
    """

    class Action(models.TextChoices):
        REQUESTED = "requested"
        CONFIRMED = "confirmed"
        WITHDRAWN = "withdrawn"
        PREFERENCES = "preferences"

    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="consents"
    )
    channel = models.CharField(max_length=16, default="email")
    action = models.CharField(max_length=16, choices=Action.choices)
    source = models.CharField(max_length=64)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    text_version = models.CharField(max_length=64, blank=True, default="")
    details = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField()

    objects: ClassVar[models.Manager[ConsentRecord]]

    class Meta:
        indexes = [models.Index(fields=["contact", "occurred_at"], name="consent_contact")]

    def __str__(self) -> str:
        return f"{self.channel} {self.action} at {self.occurred_at:%Y-%m-%d}"


class PushSubscription(models.Model):
    """One browser's web-push subscription (the PushSubscription JSON a storefront got from
    ``pushManager.subscribe``) for a contact; ``expired_at`` is set when the push service
    answers 404/410, and the row is then never used again."""

    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=2000)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    user_agent = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[models.Manager[PushSubscription]]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "endpoint"], name="push_subscription_unique_endpoint"
            )
        ]
        indexes = [models.Index(fields=["contact"], name="push_subscription_contact")]

    def __str__(self) -> str:
        return f"push subscription {self.pk} of {self.contact_id}"


class ErasureRequest(models.Model):
    """A person's erasure, asked for (Saleor deleted the customer, an admin in the Dashboard,
    the person on the preference page) and completed by the coordinator (``flows.erasure``),
    which erases what every domain holds: a row, so no request is lost if a process dies
    between the ask and the work.

    Until it is completed the request keeps the email and Saleor user id, encrypted, to find
    what the contact no longer links (orders, raw deliveries); completion empties both, and
    the row then only says that an erasure of this source happened, and when.
    """

    class Source(models.TextChoices):
        SALEOR = "saleor"
        DASHBOARD = "dashboard"
        SELF_SERVICE = "self_service"

    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="erasure_requests"
    )
    source = models.CharField(max_length=16, choices=Source.choices)
    email = EncryptedTextField(blank=True, default="")
    saleor_user_id = EncryptedTextField(blank=True, default="")
    requested_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[models.Manager[ErasureRequest]]

    class Meta:
        indexes = [
            models.Index(
                fields=["id"], name="erasure_request_open", condition=Q(completed_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return f"erasure {self.pk} ({self.source}, {'done' if self.completed_at else 'open'})"


CONSENT_TEXT_MAX_VERSION = 64  # ConsentRecord.text_version


class ConsentText(models.Model):
    """One version of the consent wording of a channel in a language; immutable once saved."""

    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    channel = models.CharField(max_length=16)
    language = models.CharField(max_length=35)
    version = models.CharField(max_length=CONSENT_TEXT_MAX_VERSION)
    text = models.TextField()
    created_at = models.DateTimeField()

    objects: ClassVar[models.Manager[ConsentText]]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "channel", "language", "version"],
                name="consent_text_version_unique",
            )
        ]
        indexes = [
            models.Index(
                fields=["installation", "channel", "language", "created_at"],
                name="consent_text_current",
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} consent text {self.version} ({self.language})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ConsentTextImmutable("A consent text version cannot be changed: add a new one")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ConsentTextImmutable("A consent text version cannot be deleted: add a new one")


class ConsentTextImmutable(PermanentError):
    code = "consent_text_immutable"


class ShopSendTime(models.Model):
    """The shop's hour-of-week profile (contacts/send_time): its contacts' ``send_time_weights``
    summed, each in the contact's own local time; the prior a thin contact profile is shrunk
    toward and the best hour of a contact with too little data. Recomputed nightly, and when
    first needed. ``time_zone``: the zone most of the shop's contacts are in (the zone of a
    contact without one), UTC when none has one."""

    installation = models.OneToOneField("mautomation.Installation", on_delete=models.CASCADE)
    weights = models.JSONField(default=dict, blank=True)
    contacts = models.PositiveIntegerField(default=0)
    clicks = models.PositiveIntegerField(default=0)
    opens = models.PositiveIntegerField(default=0)
    time_zone = models.CharField(max_length=64, blank=True, default="")
    computed_at = models.DateTimeField()

    objects: ClassVar[models.Manager[ShopSendTime]]

    def __str__(self) -> str:
        return f"send-time profile of installation {self.installation_id}"


class AttributeRequest(models.Model):
    """A call of the attributes endpoint by its ``Idempotency-Key``: the same key again
    answers what the first call answered and writes nothing; with another body it is refused.
    Kept a week (``attribute_requests_prune``)."""

    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    key = models.CharField(max_length=100)
    body_digest = models.CharField(max_length=64)
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    objects: ClassVar[models.Manager[AttributeRequest]]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "key"], name="attribute_request_unique_key"
            )
        ]

    def __str__(self) -> str:
        return f"attributes call {self.key} of installation {self.installation_id}"
