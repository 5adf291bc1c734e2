"""The lean MIME builder: what mail clients parse back, and no header injection."""

import email
from email import policy

import pytest

from saleor_mautomation.messages.mime import HeaderInvalid, Mail, mime_bytes


def parse(raw: bytes):
    return email.message_from_bytes(raw, policy=policy.default)


def test_parts_and_headers_round_trip_through_a_mail_parser():
    # given
    html = "<p>Grüße, Zoë! " + "x" * 200 + "</p>\n<p>=3D not an escape</p>"
    text = "Grüße, Zoë!\nSecond line with a very long tail " + "y" * 120
    mail = Mail(
        headers=[
            ("From", "Café Müller <shop@example.com>"),
            ("To", "zoe@example.com"),
            ("Subject", "Ihr Warenkorb wartet, Zoë 🛒"),
            ("List-Unsubscribe", "<https://app.example/u/t>"),
        ],
        text=text,
        html=html,
    )

    # when
    raw = mime_bytes(mail)
    parsed = parse(raw)

    # then
    assert raw.isascii()
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    assert parsed["Subject"] == "Ihr Warenkorb wartet, Zoë 🛒"
    assert parsed["From"].addresses[0].display_name == "Café Müller"
    assert parsed["List-Unsubscribe"] == "<https://app.example/u/t>"
    assert parsed.get_content_type() == "multipart/alternative"
    assert parsed.get_body(preferencelist=("plain",)).get_content() == text.replace("\n", "\r\n")
    assert parsed.get_body(preferencelist=("html",)).get_content() == html.replace("\n", "\r\n")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("Subject", "Hello\r\nBcc: victim@example.com"),
        ("To", "a@example.com\nBcc: b@example.com"),
        ("From", "not an address"),
    ],
)
def test_header_injection_and_bad_addresses_are_refused(name, value):
    with pytest.raises(HeaderInvalid):
        mime_bytes(Mail(headers=[(name, value)], text="t", html="h"))
