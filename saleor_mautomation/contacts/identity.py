"""Who a storefront visitor is: a signed-in customer, a known email, or an anonymous id.

Anonymous visitors get a contact of their own behind a first-party id (``ContactAlias``).
When the same browser signs in or subscribes, the anonymous contact is merged into the known
one: its events move, the alias follows, nothing is lost.
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
        if anonymous is not None and anonymous.pk != known.pk:
            if anonymous.email or anonymous.saleor_user_id:
                # The browser belonged to another known person: re-point the alias only.
                _alias_attach(installation_id, str(anonymous_id), known)
            else:
                contact_merge(into=known, other=anonymous)
                known.save()
                change_note(known.pk, PROFILE)
                _alias_attach(installation_id, str(anonymous_id), known)
        elif anonymous is None and anonymous_id:
            _alias_attach(installation_id, anonymous_id, known)
        return known
