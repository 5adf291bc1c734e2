"""A survey's page: ``GET|POST /s/<token>/<survey key>?score=N``.

A rating in an email is a link here. The GET records nothing (link scanners and mail security
gateways follow every link of a message, and the click filter of ``messages.tracking`` only
guesses at machines: it proves no person): it shows the ratings with the clicked one chosen,
an optional comment and a button. The answer is recorded by the page's POST, which carries a
form token signed for this contact and survey when the page was shown
(``messages.programme_links``): no session, no cookie, and no answer without the page.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from saleor_mautomation.api.views import programme_pages as p
from saleor_mautomation.core import clock
from saleor_mautomation.flows.unit import unit_of_work
from saleor_mautomation.messages import programme_links as links
from saleor_mautomation.programmes.errors import ProgrammeClosed, ProgrammeInvalid
from saleor_mautomation.programmes.models import Survey, SurveyAnswer
from saleor_mautomation.programmes.services import survey_answer

PURPOSE = "survey"


def _score(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) <= 2 else None


def _form(
    survey: Survey, language: str, chosen: int | None, form_token: str, comment: str
) -> SafeString:
    scale = format_html_join(
        "",
        '<label><input type="radio" name="score" value="{}" required{}> {}</label>',
        (
            (score, mark_safe(" checked") if score == chosen else "", score)
            for score in range(survey.scale_min, survey.scale_max + 1)
        ),
    )
    ends = (
        format_html(
            '<p class="hint">{} · {}</p>',
            p.text(language, "survey.low", low=survey.scale_min),
            p.text(language, "survey.high", high=survey.scale_max),
        )
        if survey.is_nps
        else ""
    )
    comment_field = (
        format_html(
            '<p><label for="comment">{}</label><textarea id="comment" name="comment" '
            'maxlength="2000">{}</textarea></p>',
            p.text(language, "survey.comment"),
            comment,
        )
        if survey.ask_comment
        else ""
    )
    return format_html(
        '<form method="post"><input type="hidden" name="form" value="{}">'
        '<fieldset><legend>{}</legend><div class="scale">{}</div>{}</fieldset>{}'
        '<button type="submit">{}</button></form>',
        form_token,
        survey.question,
        scale,
        ends,
        comment_field,
        p.text(language, "survey.button"),
    )


@csrf_exempt  # the signed form token stands in for Django's CSRF cookie (module docstring)
@require_http_methods(["GET", "HEAD", "POST"])
def survey_page(request: HttpRequest, token: str, key: str) -> HttpResponse:
    found = p.person_and_contact(token)
    survey = (
        Survey.objects.filter(installation_id=found[0].installation_id, key=key).first()
        if found
        else None
    )
    if found is None or survey is None:
        return p.not_found(request)
    person, contact, installation = found
    language = p.language_of(contact.language_code)
    shop = installation.shop_name
    if survey.status != Survey.Status.OPEN:
        return p.message_page(language=language, shop=shop, key="survey.closed")
    if request.method == "POST":
        if not links.form_token_valid(
            request.POST.get("form", ""), person=person, purpose=PURPOSE, key=survey.key
        ):
            return p.message_page(language=language, shop=shop, key="stale", status=400)
        score = _score(request.POST.get("score"))
        if score is not None:
            now = clock.now()
            try:
                with transaction.atomic(), unit_of_work(now=now):
                    survey_answer(
                        survey=survey,
                        contact=contact,
                        score=score,
                        comment=request.POST.get("comment", ""),
                        now=now,
                    )
            except ProgrammeClosed:
                return p.message_page(language=language, shop=shop, key="survey.closed")
            except ProgrammeInvalid:
                score = None  # off the scale: the form again
            else:
                return p.message_page(
                    language=language, shop=shop, key="survey.thanks", score=score
                )
    before = SurveyAnswer.objects.filter(survey=survey, contact=contact).first()
    chosen = _score(request.GET.get("score"))
    if chosen is None and before is not None:
        chosen = before.score
    notice = (
        format_html(
            '<p class="notice">{}</p>', p.text(language, "survey.before", score=before.score)
        )
        if before
        else ""
    )
    form = _form(
        survey,
        language,
        chosen,
        links.form_token(person=person, purpose=PURPOSE, key=survey.key),
        before.comment if before else "",
    )
    return p.page(
        language=language,
        shop=shop,
        title=p.text(language, "survey.title"),
        body=format_html("{}{}", notice, form),
    )
