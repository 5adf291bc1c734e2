"""Answers and entries for the surveys and draws browser test
(``dashboard_extension/e2e/programmes.e2e.ts``).

Run by the stand-in Dashboard's ``/__e2e/seed/programmes`` (``tests.support.e2e_server``) as
``python -m tests.support.e2e_programmes_seed <stamp> <survey key> <draw key>`` with the app's
environment, after the test made the survey and the draw in the Dashboard: six contacts
(``draw.<stamp>.<n>@programmes.example``) answer the survey through the app's own service (two
with a comment) and enter the draw (``draw_enter``, as the draw page's POST does). Prints one
JSON line: the contacts' database ids (what the draw ranks) and emails, and the scores given.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from typing import Any

from tests.support.seed_main import seed_main

SCORES = (10, 9, 9, 7, 3, 0)
COMMENTS = {0: "Fast delivery, lovely packaging.", 4: "The parcel came a week late."}


def seed(*, stamp: str, now: datetime) -> dict[str, Any]:
    from saleor_mautomation.contacts.models import Contact
    from saleor_mautomation.programmes.services import (
        draw_enter,
        draw_of,
        survey_answer,
        survey_of,
    )
    from saleor_mautomation.saleor.models import Installation

    survey_key, draw_key = sys.argv[2], sys.argv[3]
    shop = Installation.objects.get().pk
    survey = survey_of(installation_id=shop, key=survey_key)
    draw = draw_of(installation_id=shop, key=draw_key)
    contacts = []
    for n, score in enumerate(SCORES):
        contact = Contact.objects.create(
            installation_id=shop,
            email=f"draw.{stamp}.{n}@programmes.example",
            first_name="Entrant",
            last_name=f"{n} {stamp}",
        )
        at = now - timedelta(minutes=len(SCORES) - n)
        comment = COMMENTS.get(n, "")
        survey_answer(survey=survey, contact=contact, score=score, comment=comment, now=at)
        draw_enter(draw=draw, contact=contact, now=at)
        contacts.append({"pk": contact.pk, "email": contact.email})
    return {"contacts": contacts, "scores": list(SCORES)}


def main() -> None:
    seed_main(seed)


if __name__ == "__main__":
    main()
