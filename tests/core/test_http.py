import pytest
from django.db import connection, transaction

from saleor_mautomation.core.errors import MautomationError, NetworkInTransaction
from saleor_mautomation.core.http import AddressNotAllowed, HttpPolicy, request, resolve_checked
from saleor_mautomation.saleor import documents
from saleor_mautomation.saleor.services import saleor_client


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


def test_a_request_outside_a_transaction_goes_out_in_a_db_test(db, standin):
    # given: a plain ``db`` test, whose whole body runs in the test case's own atomic block
    assert connection.in_atomic_block

    # when
    response = request(
        "GET",
        f"http://127.0.0.1:{standin.port}/.well-known/jwks.json",
        policy=HttpPolicy(allow_private=True),
    )

    # then: that block is not the code's transaction
    assert response.status_code == 200
    assert len(standin.requests) == 1


def test_a_saleor_call_inside_a_transaction_raises_before_any_connection(
    standin_installation, standin
):
    # given
    client = saleor_client(standin_installation)

    # when: the code opens a transaction and calls Saleor inside it
    with pytest.raises(NetworkInTransaction) as raised, transaction.atomic():
        client.execute(documents.load("app_id"))

    # then: a programming error (no failure kind a handler would catch), nothing sent
    assert not isinstance(raised.value, MautomationError)
    assert f"POST {standin_installation.saleor_api_url} inside a database transaction" in str(
        raised.value
    )
    assert standin.requests == []


def test_a_savepoint_inside_a_transaction_is_still_a_transaction(db, standin):
    with pytest.raises(NetworkInTransaction), transaction.atomic(), transaction.atomic():
        request("GET", f"http://127.0.0.1:{standin.port}/", policy=HttpPolicy(allow_private=True))

    assert standin.requests == []


@pytest.mark.django_db(transaction=True)
def test_the_guard_holds_without_the_test_case_block(standin):
    # given: no block opened by a test case (as in production)
    assert not connection.in_atomic_block
    url = f"http://127.0.0.1:{standin.port}/.well-known/jwks.json"

    # when / then: inside a transaction the call raises, after it the same call goes out
    with pytest.raises(NetworkInTransaction), transaction.atomic():
        request("GET", url, policy=HttpPolicy(allow_private=True))
    assert standin.requests == []
    assert request("GET", url, policy=HttpPolicy(allow_private=True)).status_code == 200
    assert len(standin.requests) == 1


def test_a_host_look_up_inside_a_transaction_raises(db):
    with transaction.atomic(), pytest.raises(NetworkInTransaction, match="Looking up localhost"):
        resolve_checked("localhost", 25, allow_private=True)
