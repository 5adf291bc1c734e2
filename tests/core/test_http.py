import pytest

from saleor_mautomation.core.http import AddressNotAllowed, HttpPolicy, request, resolve_checked


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "localhost",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "::1",
        "0.0.0.0",
    ],
)
def test_loopback_and_private_addresses_are_refused_by_default(host):
    with pytest.raises(AddressNotAllowed):
        resolve_checked(host, 80, allow_private=False)


def test_loopback_is_allowed_when_the_setting_allows_it():
    assert resolve_checked("127.0.0.1", 80, allow_private=True) == "127.0.0.1"


def test_a_request_to_loopback_is_refused_before_any_connection(standin):
    with pytest.raises(AddressNotAllowed):
        request(
            "GET",
            f"http://127.0.0.1:{standin.port}/.well-known/jwks.json",
            policy=HttpPolicy(allow_private=False),
        )

    assert standin.requests == []


def test_a_request_keeps_the_host_name_in_the_host_header(standin):
    response = request(
        "GET",
        f"http://localhost:{standin.port}/.well-known/jwks.json",
        policy=HttpPolicy(allow_private=True),
    )

    assert response.status_code == 200
    assert standin.requests[0].headers["Host"] == f"localhost:{standin.port}"
