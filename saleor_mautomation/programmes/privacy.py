"""What the programmes hold about one person, for their export: survey answers (with the
comment they wrote) and prize-draw entries. Erasure needs nothing here: answers and entries go
with the contact's row (``on_delete=CASCADE``), and their events with the contact's events."""

from __future__ import annotations

from typing import Any

from saleor_mautomation.programmes.models import DrawEntry, SurveyAnswer


def programmes_export(*, contact_id: int) -> dict[str, list[dict[str, Any]]]:
    answers = SurveyAnswer.objects.filter(contact_id=contact_id).select_related("survey")
    entries = DrawEntry.objects.filter(contact_id=contact_id).select_related("draw")
    return {
        "survey_answers": [
            {
                "survey": answer.survey.key,
                "score": answer.score,
                "comment": answer.comment,
                "answered_at": answer.answered_at.isoformat(),
            }
            for answer in answers.order_by("answered_at", "pk")
        ],
        "draw_entries": [
            {
                "draw": entry.draw.key,
                "entered_at": entry.entered_at.isoformat(),
                "rank": entry.rank,
            }
            for entry in entries.order_by("entered_at", "pk")
        ],
    }
