"""Dashboard GraphQL: an unsaved SMS or push version checked and rendered for the example
(channelTemplatePreview), as the SMS and push editors ask while the admin types."""

from tests.graphql.test_contacts import ask

PREVIEW = """query P($channel: MessageChannel!, $text: String!, $title: String, $url: String) {
  channelTemplatePreview(channel: $channel, text: $text, title: $title, url: $url) {
    title text url errors { stage code message line column field } } }"""


def test_an_sms_is_rendered_for_the_example_contact(client, standin_installation):
    body = ask(
        client,
        standin_installation,
        PREVIEW,
        channel="SMS",
        text="Hi {{ contact.first_name }}, 20% off at {{ shop.name }} ",
        title="ignored for SMS",
        url="not a link",
    )

    assert body["data"]["channelTemplatePreview"] == {
        "title": "",
        "text": "Hi Ada, 20% off at Linden Goods",
        "url": "",
        "errors": [],
    }


def test_a_notification_gets_its_title_text_and_tagged_link(client, standin_installation):
    body = ask(
        client,
        standin_installation,
        PREVIEW,
        channel="PUSH",
        text="{{ contact.first_name }}, your size is back.",
        title="Back in stock",
        url="{{ shop.url }}sale",
    )

    assert body["data"]["channelTemplatePreview"] == {
        "title": "Back in stock",
        "text": "Ada, your size is back.",
        "url": "https://linden-goods.example/sale?utm_source=mautomation&utm_medium=push&utm_campaign=preview",
        "errors": [],
    }


def test_errors_are_given_by_field_with_their_line(client, standin_installation):
    body = ask(
        client,
        standin_installation,
        PREVIEW,
        channel="PUSH",
        text="Hello\n{{ contact.first_name ",
        title=" ",
        url="shop.test/sale",
    )

    preview = body["data"]["channelTemplatePreview"]
    assert (preview["title"], preview["text"], preview["url"]) == ("", "", "")
    assert [(e["field"], e["stage"], e["code"], e["line"]) for e in preview["errors"]] == [
        ("text", "template", "syntax", 2),
        ("subject", "template", "empty", None),
        ("push_url", "links", "bad_link", None),
    ]


def test_an_unknown_variable_is_an_error_of_the_example(client, standin_installation):
    body = ask(
        client, standin_installation, PREVIEW, channel="SMS", text="Hi {{ contact.nickname }}"
    )

    errors = body["data"]["channelTemplatePreview"]["errors"]
    assert [(e["field"], e["stage"]) for e in errors] == [("text", "render")]
    assert "nickname" in errors[0]["message"]


def test_email_is_refused_and_a_token_is_needed(client, standin_installation):
    email = ask(client, standin_installation, PREVIEW, channel="EMAIL", text="x")
    anonymous = ask(client, standin_installation, PREVIEW, token=False, channel="SMS", text="x")

    assert email["errors"][0]["extensions"]["code"] == "WRONG_CHANNEL"
    assert anonymous["data"] is None
    assert anonymous["errors"]
