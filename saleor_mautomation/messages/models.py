from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q

from saleor_mautomation.core.crypto import EncryptedTextField


class Template(models.Model):
    """An email the shop sends, in one or more languages; its content lives in versions."""

    class Kind(models.TextChoices):
        MARKETING = "marketing"  # consent, suppression, caps and quiet hours apply
        TRANSACTIONAL = "transactional"  # e.g. the double opt-in confirmation

    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    key = models.SlugField(max_length=64)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, default="")

    class Channel(models.TextChoices):
        EMAIL = "email"
        SMS = "sms"
        PUSH = "push"

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.MARKETING)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    default_language = models.CharField(max_length=8, default="en")
    is_builtin = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[models.Manager[Template]]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["installation", "key"], name="template_unique_key")
        ]

    def __str__(self) -> str:
        return self.name


class TemplateVersion(models.Model):
    """One saved content of a template in one language: immutable, numbered per language.

    ``html`` is the MJML compiled once when the version is saved; sending only personalises
    it (``rendering.render``), never compiles MJML per recipient.
    """

    template = models.ForeignKey(Template, on_delete=models.CASCADE, related_name="versions")
    language = models.CharField(max_length=8)
    number = models.PositiveIntegerField()
    subject = models.CharField(max_length=300)
    preheader = models.CharField(max_length=300, blank=True, default="")
    mjml = models.TextField()
    html = models.TextField()
    text = models.TextField(blank=True, default="")  # the plain-text part's template
    # SMS: ``text`` is the body (mjml and html empty). Push: ``subject`` is the title,
    # ``text`` the body, ``push_url`` where a click leads (all personalised like email).
    push_url = models.CharField(max_length=2000, blank=True, default="")
    created_at = models.DateTimeField()

    objects: ClassVar[models.Manager[TemplateVersion]]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["template", "language", "number"], name="template_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.template_id} {self.language} v{self.number}"


class Message(models.Model):
    """The outbox: one row per message, unique per cause (``dedupe_key``: a journey run step,
    a broadcast and contact, a double opt-in request), so a retried cause never sends twice.

    At most once: a sender claims the row (``sending``) and commits before it talks to the
    SMTP server or ESP; if it dies between the provider's accept and the status update, the
    row stays ``sending`` and is later marked ``unknown``, and a marketing message in that
    state is never sent again (a transactional one may opt into a retry).
    """

    class Status(models.TextChoices):
        QUEUED = "queued"
        SENDING = "sending"
        SENT = "sent"
        DELIVERED = "delivered"
        DEFERRED = "deferred"
        BOUNCED = "bounced"
        COMPLAINED = "complained"
        FAILED = "failed"
        SUPPRESSED = "suppressed"
        UNKNOWN = "unknown"
        CANCELLED = "cancelled"  # never sent: its shop uninstalled the app (status_reason)

    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    contact = models.ForeignKey(
        "mautomation.Contact", null=True, blank=True, on_delete=models.SET_NULL
    )
    dedupe_key = models.CharField(max_length=200)
    channel = models.CharField(max_length=16, default="email")
    kind = models.CharField(max_length=16, choices=Template.Kind.choices)
    template_version = models.ForeignKey(
        TemplateVersion, null=True, blank=True, on_delete=models.SET_NULL
    )
    to_address = models.CharField(max_length=254)
    subject = models.CharField(max_length=300, blank=True, default="")
    message_id = models.CharField(max_length=255, blank=True, default="")
    provider_id = models.CharField(max_length=255, blank=True, default="")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    status_reason = models.TextField(blank=True, default="")
    attempts = models.PositiveSmallIntegerField(default=0)
    allow_retry_when_unknown = models.BooleanField(default=False)
    # Extra personalisation (e.g. the checkout of an abandoned-cart step), merged into the
    # recipient's context when rendered.
    context = models.JSONField(default=dict, blank=True)
    send_after = models.DateTimeField()
    created_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    opens = models.PositiveIntegerField(default=0)
    clicks = models.PositiveIntegerField(default=0)
    # Where it came from, for reports (``outbox.Origin``): its template, and for a journey's
    # message the journey, version and send node, whether the run is a broadcast's, and the
    # A/B variant (the nearest split every path to the node passes, and the branch taken).
    # Held-out runs send nothing, so no message is held out: the run records its holdout.
    template = models.ForeignKey(
        Template, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    journey = models.ForeignKey(
        "mautomation.Journey", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    journey_version = models.ForeignKey(
        "mautomation.JourneyVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    journey_node = models.CharField(max_length=40, blank=True, default="")
    broadcast = models.BooleanField(default=False)
    split_node = models.CharField(max_length=40, blank=True, default="")
    split_branch = models.PositiveSmallIntegerField(null=True, blank=True)
    # The funnel of this one recipient, each set the first time (``messages.funnel``): a
    # delivery report, a person's first open and click (never a proxy's or scanner's), an
    # unsubscribe through its link, a bounce, a complaint. Kept by erasure, like the counters.
    delivered_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    clicked_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    bounced_at = models.DateTimeField(null=True, blank=True)
    complained_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[models.Manager[Message]]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "dedupe_key"], name="message_unique_cause"
            )
        ]
        indexes = [
            models.Index(fields=["status", "send_after"], name="message_due"),
            models.Index(fields=["contact", "channel", "sent_at"], name="message_contact_sent"),
            models.Index(
                fields=["provider_id"], name="message_provider_id", condition=~Q(provider_id="")
            ),
            models.Index(
                fields=["installation", "journey", "created_at"], name="message_origin_journey"
            ),
            models.Index(
                fields=["installation", "template", "created_at"], name="message_origin_template"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.pk} {self.status}"


class MessageAttempt(models.Model):
    """Each try to hand a message to its provider, with what came back."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attempt_log")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16)  # sent, retry, failed
    detail = models.TextField(blank=True, default="")

    objects: ClassVar[models.Manager[MessageAttempt]]

    def __str__(self) -> str:
        return f"{self.message_id} {self.outcome}"


class ShortLink(models.Model):
    """A link of a text in short: ``/s/<code>`` leads to ``target`` through the click record
    of ``message`` (``messages.short_links``). The code is random (10 base-62 characters,
    unique over all shops); the row names the installation and message it belongs to, so a
    code resolves to that message only. Written in bulk as a batch's texts are rendered."""

    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=16, unique=True)
    target = models.TextField()
    created_at = models.DateTimeField()

    objects: ClassVar[models.Manager[ShortLink]]

    def __str__(self) -> str:
        return f"{self.code} {self.message_id}"


class Suppression(models.Model):
    """An address no marketing message goes to: hard bounce, complaint, or by hand."""

    class Reason(models.TextChoices):
        BOUNCE = "bounce"
        COMPLAINT = "complaint"
        MANUAL = "manual"

    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    address = models.CharField(max_length=254)  # lower-cased
    reason = models.CharField(max_length=16, choices=Reason.choices)
    detail = models.TextField(blank=True, default="")
    created_at = models.DateTimeField()

    objects: ClassVar[models.Manager[Suppression]]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "address"], name="suppression_unique_address"
            )
        ]

    def __str__(self) -> str:
        return f"{self.address} ({self.reason})"


class SendingRules(models.Model):
    """Per installation: the sender identity and the rules every marketing send obeys."""

    installation = models.OneToOneField("mautomation.Installation", on_delete=models.CASCADE)
    from_email = models.CharField(max_length=254, default="")
    # The From header's display name; empty: the shop's name as Saleor gives it.
    sender_name = models.CharField(max_length=100, blank=True, default="")
    reply_to = models.CharField(max_length=254, blank=True, default="")
    # Frequency cap: at most ``cap_count`` marketing emails per ``cap_hours`` per contact.
    cap_count = models.PositiveSmallIntegerField(default=1)
    cap_hours = models.PositiveSmallIntegerField(default=16)
    # Other channels' own caps, e.g. {"sms": [1, 72]} (count, hours); a channel not listed
    # has the email cap (each channel counts only its own sends either way).
    channel_caps = models.JSONField(default=dict, blank=True)
    # Quiet hours in the contact's time zone: [start, end) wraps midnight when start > end.
    quiet_start_hour = models.PositiveSmallIntegerField(null=True, blank=True, default=21)
    quiet_end_hour = models.PositiveSmallIntegerField(null=True, blank=True, default=8)
    quiet_action = models.CharField(max_length=8, default="defer")  # defer or skip

    objects: ClassVar[models.Manager[SendingRules]]

    def __str__(self) -> str:
        return f"sending rules of installation {self.installation_id}"


class EmailProvider(models.Model):
    """How one installation's email leaves: the deployment's default (``EMAIL_URL``), its own
    SMTP server, or an ESP through django-anymail. Secrets are encrypted at rest and never
    read back through the API."""

    class Kind(models.TextChoices):
        DEFAULT = "default"
        SMTP = "smtp"
        ESP = "esp"

    class Security(models.TextChoices):
        STARTTLS = "starttls"
        TLS = "tls"
        NONE = "none"

    installation = models.OneToOneField("mautomation.Installation", on_delete=models.CASCADE)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.DEFAULT)
    smtp_host = models.CharField(max_length=255, blank=True, default="")
    smtp_port = models.PositiveIntegerField(default=587)
    smtp_security = models.CharField(
        max_length=8, choices=Security.choices, default=Security.STARTTLS
    )
    smtp_username = models.CharField(max_length=255, blank=True, default="")
    smtp_password = EncryptedTextField(blank=True, default="")
    # An anymail backend name (postmark, sendgrid, mailgun, amazon_ses, ...) and its settings
    # as JSON (e.g. {"server_token": "..."}), encrypted.
    esp = models.CharField(max_length=32, blank=True, default="")
    esp_settings = EncryptedTextField(blank=True, default="")
    # Throttle: at most this many messages per second to the provider (0: no limit), across
    # every worker (``pool.py``).
    max_per_second = models.FloatField(default=0)
    # Parallel connections (SMTP sessions, ESP HTTP sessions) the campaign senders of all
    # workers open to it at once (0: the deployment's ``EMAIL_CONNECTIONS``).
    connections = models.PositiveSmallIntegerField(default=0)

    objects: ClassVar[models.Manager[EmailProvider]]

    def __str__(self) -> str:
        return f"{self.kind} provider of installation {self.installation_id}"


class Offer(models.Model):
    """One offer of the shop's pool: each recipient gets the best few whose condition (a
    segment-style condition on the contact) fits them, in the ``offers`` slot of templates."""

    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    title = models.CharField(max_length=120)
    text = models.TextField(blank=True, default="")
    url = models.URLField(max_length=2000)
    condition = models.JSONField(null=True, blank=True)  # None: fits everyone
    priority = models.IntegerField(default=0)  # higher first
    active = models.BooleanField(default=True)
    # Valid from / until (either open); the Saleor channels it is for (slugs; empty: all).
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    channels = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[models.Manager[Offer]]

    class Meta:
        indexes = [models.Index(fields=["installation", "active"], name="offer_active")]

    def __str__(self) -> str:
        return self.title


class SmsProvider(models.Model):
    """How one installation's SMS leave: Twilio, with the account's credentials (the auth
    token encrypted at rest, never read back through the API)."""

    installation = models.OneToOneField("mautomation.Installation", on_delete=models.CASCADE)
    account_sid = models.CharField(max_length=64)
    auth_token = EncryptedTextField(blank=True, default="")
    # A sender number (E.164) or a messaging service (which then picks the number).
    from_number = models.CharField(max_length=32, blank=True, default="")
    messaging_service_sid = models.CharField(max_length=64, blank=True, default="")
    max_per_second = models.FloatField(default=0)
    # Double opt-in: a number given with consent gets a text asking to reply YES, and SMS
    # consent is granted by that reply (pending until then).
    double_opt_in = models.BooleanField(default=False)

    objects: ClassVar[models.Manager[SmsProvider]]

    def __str__(self) -> str:
        return f"SMS provider of installation {self.installation_id}"


class PushKeys(models.Model):
    """One installation's VAPID key pair for web push (the private key encrypted at rest);
    storefronts subscribe with the public key."""

    installation = models.OneToOneField("mautomation.Installation", on_delete=models.CASCADE)
    public_key = models.CharField(max_length=200)
    private_key = EncryptedTextField()
    subject = models.CharField(max_length=254)  # mailto: or https: contact for push services
    created_at = models.DateTimeField()

    objects: ClassVar[models.Manager[PushKeys]]

    def __str__(self) -> str:
        return f"VAPID keys of installation {self.installation_id}"


class ProviderPace(models.Model):
    """The next free hand-over moments of one email provider's pool (``pool.py``), shared by
    every worker: campaigns reserve from ``bulk_next``, real-time messages from
    ``realtime_next`` (and push the campaigns' frontier back by what they take). Seconds since
    the epoch."""

    key = models.CharField(max_length=64, unique=True)
    bulk_next = models.FloatField(default=0)
    realtime_next = models.FloatField(default=0)

    objects: ClassVar[models.Manager[ProviderPace]]

    def __str__(self) -> str:
        return f"pace of {self.key}"


class ProviderSlot(models.Model):
    """One of the parallel connections an email provider's pool allows: held by one sender
    (``holder``) until ``expires_at`` (seconds since the epoch; renewed at each chunk), so a
    worker that dies frees its slots within a lease."""

    key = models.CharField(max_length=64)
    slot = models.PositiveSmallIntegerField()
    holder = models.CharField(max_length=128, blank=True, default="")
    expires_at = models.FloatField(default=0)

    objects: ClassVar[models.Manager[ProviderSlot]]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "slot"], name="provider_slot_unique"),
        ]

    def __str__(self) -> str:
        return f"slot {self.slot} of {self.key}"
