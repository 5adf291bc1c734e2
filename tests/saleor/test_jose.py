from datetime import UTC, datetime

import jwt
import pytest
import time_machine

from saleor_mautomation.saleor.errors import SignatureInvalid, TokenInvalid
from saleor_mautomation.saleor.jose import KeySet, decode_token, verify_webhook_signature
from tests.support.keys import signing_key
from tests.support.samples import (
    SAMPLE_API_URL,
    jwks_sample,
    token_sample,
    webhook_sample,
    webhook_sample_names,
)


@pytest.mark.parametrize("name", webhook_sample_names())
def test_every_captured_signature_verifies_with_the_sample_jwks(name):
    sample = webhook_sample(name)

    verify_webhook_signature(
        sample["headers"]["Saleor-Signature"],
        sample["raw_body"].encode(),
        KeySet.from_jwks(jwks_sample()),
    )


def test_a_body_changed_by_one_byte_does_not_verify():
    sample = webhook_sample("ORDER_CREATED")
    body = bytearray(sample["raw_body"].encode())
    body[-2] = body[-2] ^ 1

    with pytest.raises(SignatureInvalid):
        verify_webhook_signature(
            sample["headers"]["Saleor-Signature"], bytes(body), KeySet.from_jwks(jwks_sample())
        )


def test_a_signature_by_an_unknown_key_is_refused():
    body = b'{"x": 1}'
    signature = signing_key(1).sign_webhook(body)

    with pytest.raises(SignatureInvalid) as info:
        verify_webhook_signature(signature, body, KeySet.from_jwks(jwks_sample()))
    assert info.value.code == "unknown_kid"


@pytest.mark.parametrize("signature", ["", "abc", "a.b.c", "eyJhbGciOiJub25lIn0.."])
def test_malformed_signatures_are_refused(signature):
    with pytest.raises(SignatureInvalid):
        verify_webhook_signature(signature, b"{}", KeySet.from_jwks(jwks_sample()))


def test_our_minted_signature_has_saleors_header_and_verifies():
    key = signing_key(0)
    body = b'{"hello": "world"}'
    saleors = jwt.get_unverified_header(
        webhook_sample("ORDER_CREATED")["headers"]["Saleor-Signature"]
    )

    signature = key.sign_webhook(body)

    assert jwt.get_unverified_header(signature) == {**saleors, "kid": key.kid}
    assert signature.split(".")[1] == ""
    verify_webhook_signature(signature, body, KeySet.from_jwks({"keys": [key.public_jwk]}))


def test_dashboard_token_sample_verifies_while_it_was_valid():
    sample = token_sample("dashboard")
    keys = KeySet.from_jwks(jwks_sample())
    minted_at = datetime.fromtimestamp(sample["claims"]["iat"] + 60, tz=UTC)

    with time_machine.travel(minted_at, tick=False):
        claims = decode_token(sample["token"], keys, issuer=SAMPLE_API_URL)

    assert claims["app"] == "QXBwOjU="
    assert claims["type"] == "thirdparty"


def test_dashboard_token_sample_is_refused_once_expired():
    sample = token_sample("dashboard")

    with pytest.raises(TokenInvalid) as info:
        decode_token(sample["token"], KeySet.from_jwks(jwks_sample()), issuer=SAMPLE_API_URL)
    assert info.value.code == "token_expired"


def test_token_from_another_saleor_is_refused():
    sample = token_sample("dashboard")
    minted_at = datetime.fromtimestamp(sample["claims"]["iat"] + 60, tz=UTC)

    with time_machine.travel(minted_at, tick=False), pytest.raises(TokenInvalid):
        decode_token(
            sample["token"],
            KeySet.from_jwks(jwks_sample()),
            issuer="https://other.example/graphql/",
        )
