"""Who a storefront visitor is: a signed-in customer, a known email, or an anonymous id.

Anonymous visitors get a contact of their own behind a first-party id (``ContactAlias``).
When the same browser signs in or subscribes, the anonymous contact is merged into the known
one: its events move, the alias follows, nothing is lost.

An anonymous id joins a known person only with proof that the browser is theirs: a signed-in
customer, a confirmed double opt-in link opened in it, or a Saleor checkout whose metadata
carries the id (``visitor_link``). An email typed by an anonymous visitor is no proof: anyone can
type anyone's address, and joining on it would put a stranger's browsing on the victim's
timeline (and start journeys that email them).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from saleor_mautomation.contacts.models import Contact, ContactAlias
from saleor_mautomation.contacts.services import contact_merge, contact_resolve
from saleor_mautomation.events.changes import PROFILE, change_note


def _alias_contact(installation_id: int, anonymous_id: str) -> Contact | None:
    alias = (
        ContactAlias.objects.select_related("contact")
        .filter(installation_id=installation_id, anonymous_id=anonymous_id)
        .first()
    )
    return alias.contact if alias else None


def visitor_known(*, installation_id: int, anonymous_id: str) -> bool:
    """Whether the anonymous id has been seen (has a contact) in the installation."""
    return ContactAlias.objects.filter(
        installation_id=installation_id, anonymous_id=anonymous_id
    ).exists()


def _alias_attach(installation_id: int, anonymous_id: str, contact: Contact) -> None:
    updated = ContactAlias.objects.filter(
        installation_id=installation_id, anonymous_id=anonymous_id
    ).update(contact=contact)
    if not updated:
        try:
            with transaction.atomic():
                ContactAlias.objects.create(
                    installation_id=installation_id, anonymous_id=anonymous_id, contact=contact
                )
        except IntegrityError:
            ContactAlias.objects.filter(
                installation_id=installation_id, anonymous_id=anonymous_id
            ).update(contact=contact)


def contact_for_visitor(
    *,
    installation_id: int,
    saleor_user_id: str | None = None,
    email: str | None = None,
    anonymous_id: str | None = None,
) -> Contact | None:
    """The visitor's contact, merging an anonymous one into a known one when both appear.

    ``saleor_user_id``/``email`` name a person the caller has proved the visitor to be (a
    signed-in customer's token); never pass an address an anonymous visitor merely typed.

    ``None`` only when nothing identifies the visitor, or the email belongs to an erased
    person and no account or anonymous id is given.
    """
    with transaction.atomic():
        anonymous = _alias_contact(installation_id, anonymous_id) if anonymous_id else None
        known = (
            contact_resolve(
                installation_id=installation_id, saleor_user_id=saleor_user_id, email=email
            )
            if saleor_user_id or email
            else None
        )
        if known is None:
            if anonymous is None and anonymous_id:
                anonymous = Contact.objects.create(installation_id=installation_id)
                change_note(anonymous.pk, PROFILE)
                _alias_attach(installation_id, anonymous_id, anonymous)
            return anonymous
        if anonymous_id:
            _join(installation_id, anonymous_id, anonymous, known)
        return known


def _join(
    installation_id: int, anonymous_id: str, anonymous: Contact | None, known: Contact
) -> None:
    if anonymous is not None and anonymous.pk != known.pk:
        if anonymous.email or anonymous.saleor_user_id:
            # The browser belonged to another known person: re-point the alias only.
            _alias_attach(installation_id, anonymous_id, known)
        else:
            contact_merge(into=known, other=anonymous)
            known.save()
            change_note(known.pk, PROFILE)
            _alias_attach(installation_id, anonymous_id, known)
    elif anonymous is None:
        _alias_attach(installation_id, anonymous_id, known)


def visitor_link(*, installation_id: int, anonymous_id: str, contact: Contact) -> None:
    """Join the browser behind ``anonymous_id`` to ``contact``, whom the caller proved it
    belongs to (see the module's doc): its anonymous history moves to the contact and its
    later events land there."""
    with transaction.atomic():
        anonymous = _alias_contact(installation_id, anonymous_id)
        _join(installation_id, anonymous_id, anonymous, contact)
