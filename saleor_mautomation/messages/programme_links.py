"""The links of survey and prize-draw emails, and the signed form tokens of their pages.

A link names the contact with a signed token (``links.survey`` and ``links.draw`` of the
template context, ``/s/<token>`` and ``/d/<token>``); the template appends the survey's or the
draw's key and, for a survey, the rating (``{{ links.survey }}/nps?score=9``). The token signs
the installation and the contact only: the rating in the link is what the person chooses, and
the page asks them to confirm it.

The pages record nothing on a GET (link scanners fetch every link of a message): the answer or
the entry is taken from the page's POST, which must carry a form token signed for that
contact, that survey or draw and that purpose, made when the page was shown and valid for
``FORM_MAX_AGE``. No session and no cookie: the form token is what a cross-site form cannot
forge, and a POST straight to the link without having opened the page is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing

from saleor_mautomation.core.errors import PermanentError

LINK_SALT = "mautomation.programmes.link"
FORM_SALT = "mautomation.programmes.form"
FORM_MAX_AGE = 24 * 3600  # seconds a page's form may be sent after it was shown
SURVEY_PATH, DRAW_PATH = "/s/", "/d/"  # api.views.surveys, api.views.draws


class LinkInvalid(PermanentError):
    code = "programme_link_invalid"


@dataclass(frozen=True)
class Person:
    installation_id: int
    contact_id: int


def link_token(*, installation_id: int, contact_id: int) -> str:
    """Signs ``{"i": installation_id, "c": contact_id}`` (no expiry: an old email's link
    still opens its page; what the page accepts is the survey's or draw's to say)."""
    return signing.Signer(salt=LINK_SALT).sign_object({"i": installation_id, "c": contact_id})


def person_from_link(token: str) -> Person:
    try:
        payload = signing.Signer(salt=LINK_SALT).unsign_object(token)
    except signing.BadSignature as exc:
        raise LinkInvalid("This link is not valid") from exc
    if (
        not isinstance(payload, dict)
        or type(payload.get("i")) is not int
        or type(payload.get("c")) is not int
    ):
        raise LinkInvalid("This link is not valid")
    return Person(installation_id=payload["i"], contact_id=payload["c"])


def programme_links(*, app_url: str, installation_id: int, contact_id: int) -> dict[str, str]:
    """The ``links.survey`` and ``links.draw`` of one recipient's context."""
    token = link_token(installation_id=installation_id, contact_id=contact_id)
    base = app_url.rstrip("/")
    return {"survey": f"{base}{SURVEY_PATH}{token}", "draw": f"{base}{DRAW_PATH}{token}"}


def form_token(*, person: Person, purpose: str, key: str) -> str:
    """A page's form token: the person, ``purpose`` ("survey" or "draw") and the key, with the
    time it was made."""
    return signing.dumps(
        {"i": person.installation_id, "c": person.contact_id, "p": purpose, "k": key},
        salt=FORM_SALT,
    )


def form_token_valid(token: str, *, person: Person, purpose: str, key: str) -> bool:
    try:
        payload = signing.loads(token, salt=FORM_SALT, max_age=FORM_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired included
        return False
    return payload == {
        "i": person.installation_id,
        "c": person.contact_id,
        "p": purpose,
        "k": key,
    }
