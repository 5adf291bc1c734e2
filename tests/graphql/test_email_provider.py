"""The email provider in the Dashboard: secrets write-only, validated, per installation."""

from saleor_mautomation.messages.models import EmailProvider
from tests.graphql.test_contacts import ask

PROVIDER = "{ emailProvider { kind esp hasEspSettings hasSmtpPassword maxPerSecond } }"
UPDATE = """mutation U($input: EmailProviderInput!) { updateEmailProvider(input: $input) {
  provider { kind esp hasEspSettings maxPerSecond } } }"""


def test_the_admin_sets_an_esp_and_never_reads_its_secret_back(client, standin_installation):
    # when
    updated = ask(
        client,
        standin_installation,
        UPDATE,
        input={
            "kind": "esp",
            "esp": "postmark",
            "espSettings": {"server_token": "tok"},
            "maxPerSecond": 10,
        },
    )

    # then
    assert updated["data"]["updateEmailProvider"]["provider"] == {
        "kind": "esp",
        "esp": "postmark",
        "hasEspSettings": True,
        "maxPerSecond": 10.0,
    }
    read = ask(client, standin_installation, PROVIDER)
    assert "tok" not in str(read)
    assert EmailProvider.objects.get(installation=standin_installation).esp == "postmark"


def test_an_unknown_esp_is_refused(client, standin_installation):
    body = ask(client, standin_installation, UPDATE, input={"kind": "esp", "esp": "nope"})

    assert body["errors"][0]["extensions"]["code"] == "INVALID_PROVIDER"
    assert ask(client, standin_installation, PROVIDER)["data"]["emailProvider"]["kind"] == (
        "default"
    )


def test_the_admin_sets_an_smtp_server_whose_host_is_looked_up_outside_a_transaction(
    client, standin_installation
):
    # when: the host is resolved and checked (a DNS look-up) before anything is written
    updated = ask(
        client,
        standin_installation,
        UPDATE,
        input={"kind": "smtp", "smtpHost": "localhost", "smtpPort": 2525, "smtpSecurity": "none"},
    )

    # then
    assert updated["data"]["updateEmailProvider"]["provider"]["kind"] == "smtp"
    stored = EmailProvider.objects.get(installation=standin_installation)
    assert (stored.smtp_host, stored.smtp_port) == ("localhost", 2525)


def test_the_admin_sets_the_providers_pool_and_too_many_connections_are_refused(
    client, standin_installation
):
    # when
    updated = ask(
        client,
        standin_installation,
        "mutation U($input: EmailProviderInput!) { updateEmailProvider(input: $input) {"
        " provider { connections maxPerSecond } } }",
        input={"kind": "default", "connections": 8, "maxPerSecond": 20},
    )
    refused = ask(
        client, standin_installation, UPDATE, input={"kind": "default", "connections": 33}
    )

    # then
    assert updated["data"]["updateEmailProvider"]["provider"] == {
        "connections": 8,
        "maxPerSecond": 20.0,
    }
    assert refused["errors"][0]["extensions"]["code"] == "INVALID_PROVIDER"
    read = ask(client, standin_installation, "{ emailProvider { connections } }")
    assert read["data"]["emailProvider"] == {"connections": 8}
