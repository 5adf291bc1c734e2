"""The Dashboard's import calls: the file as the body of POST /api/imports/preview (nothing
written) and POST /api/imports, progress through GraphQL, the row errors as CSV; each
authenticated with the App Bridge token and scoped to its shop."""

import csv
import io

import pytest

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.imports import tasks
from saleor_mautomation.imports.ids import import_global_id, import_pk
from saleor_mautomation.imports.models import ImportJob
from tests.conftest import make_installation
from tests.graphql.test_contacts import ask
from tests.support.keys import dashboard_claims, signing_key

FILE = (
    "\ufeffEmail Address;First Name;Birthday\n"
    "ada@example.com;Ada;1990-12-10\n"
    "not-an-email;Cy;\n"
    "bo@example.com;Bo;10.12.1990\n"
)
STATUS = """query S($id: ID!) { csvImport(id: $id) { id kind status fileName sourceName total done
  created updated unchanged skipped error rowErrorCount rowErrors(first: 1) { row column message }
} }"""


@pytest.fixture
def shop(standin_installation):
    return standin_installation


def headers(installation, token=True):
    found = {"Saleor-Api-Url": installation.saleor_api_url}
    if token:
        claims = dashboard_claims(api_url=installation.saleor_api_url, app_id=installation.app_id)
        found["Authorization-Bearer"] = signing_key(0).mint_token(claims)
    return found


def post(client, installation, path, body, token=True):
    return client.post(
        path,
        data=body.encode() if isinstance(body, str) else body,
        content_type="text/csv",
        headers=headers(installation, token),
    )


def test_the_preview_reads_the_file_and_writes_nothing(client, shop):
    response = post(client, shop, "/api/imports/preview?kind=contacts", FILE)

    assert response.status_code == 200
    assert response.json() == {
        "kind": "contacts",
        "delimiter": ";",
        "columns": [
            {"header": "Email Address", "field": "email", "attribute": None},
            {"header": "First Name", "field": "first_name", "attribute": None},
            {"header": "Birthday", "field": "birthday", "attribute": None},
        ],
        "rows": [
            {
                "row": 2,
                "values": {
                    "email": "ada@example.com",
                    "first_name": "Ada",
                    "birthday": "1990-12-10",
                },
                "attributes": {},
                "errors": [],
            },
            {
                "row": 3,
                "values": {"first_name": "Cy"},
                "attributes": {},
                "errors": [
                    {
                        "column": "Email Address",
                        "message": "Not a valid email address: not-an-email",
                    }
                ],
            },
            {
                "row": 4,
                "values": {"email": "bo@example.com", "first_name": "Bo"},
                "attributes": {},
                "errors": [
                    {
                        "column": "Birthday",
                        "message": "Expected a past date (YYYY-MM-DD) from 1900 on",
                    }
                ],
            },
        ],
        "total": 3,
        "valid": 1,
        "invalid": 2,
        "errors": [
            {
                "row": 3,
                "column": "Email Address",
                "message": "Not a valid email address: not-an-email",
            },
            {
                "row": 4,
                "column": "Birthday",
                "message": "Expected a past date (YYYY-MM-DD) from 1900 on",
            },
        ],
        "errorCount": 2,
    }
    assert not ImportJob.objects.exists()
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    ("path", "body", "token", "status", "error"),
    [
        (
            "/api/imports/preview?kind=contacts",
            FILE,
            False,
            401,
            {"message": "Sign in through the Saleor Dashboard", "code": "unauthenticated"},
        ),
        (
            "/api/imports/preview?kind=people",
            FILE,
            True,
            400,
            {
                "message": "Say what the file holds: kind=contacts, consents or suppressions",
                "code": "kind_invalid",
            },
        ),
        (
            "/api/imports/preview?kind=consents",
            FILE,
            True,
            400,
            {
                "message": "The file has no status column: name one 'status' or 'consent' "
                "(headers found: Email Address, First Name, Birthday)",
                "code": "column_missing",
            },
        ),
        (
            "/api/imports?kind=consents",
            "email,status,date\na@example.com,subscribed,2025-01-01\n",
            True,
            400,
            {
                "message": "Name where these consents come from (e.g. 'Mailchimp export "
                "2026-11'): it is recorded on the consent ledger",
                "code": "source_missing",
            },
        ),
        (
            "/api/imports?kind=contacts",
            "email\n",
            True,
            400,
            {"message": "The file has no rows below its header", "code": "file_empty"},
        ),
    ],
)
def test_refusals_say_why_and_nothing_is_stored(client, shop, path, body, token, status, error):
    response = post(client, shop, path, body, token=token)

    assert response.status_code == status
    assert response.json() == {"error": error}
    assert not ImportJob.objects.exists()


def test_a_body_over_the_limit_is_refused_before_it_is_read(client, shop):
    response = client.post(
        "/api/imports/preview?kind=contacts",
        data=b"email\n",
        content_type="text/csv",
        headers=headers(shop),
        CONTENT_LENGTH=str(20 * 1024 * 1024 + 1),
    )

    assert response.status_code == 413
    assert response.json() == {
        "error": {"message": "The file is larger than 20 MB: split it", "code": "file_too_large"}
    }


def test_an_import_runs_after_its_commit_and_reports_through_graphql(
    client, shop, django_capture_on_commit_callbacks, monkeypatch
):
    # given
    handed = []
    monkeypatch.setattr(tasks.csv_import_run, "apply_async", lambda args, **o: handed.append(args))
    monkeypatch.setattr(tasks.current_app, "send_task", lambda name, args: None)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, shop, "/api/imports?kind=contacts&fileName=people.csv", FILE)
    job_id = response.json()["id"]
    pk = import_pk(job_id)
    assert pk == ImportJob.objects.get().pk
    assert job_id == import_global_id(pk)
    queued = ask(client, shop, STATUS, id=job_id)["data"]["csvImport"]
    tasks.csv_import_run(pk)
    done = ask(client, shop, STATUS, id=job_id)["data"]["csvImport"]

    # then
    assert response.status_code == 202
    assert response.json() == {"id": job_id, "total": 3}
    assert handed == [(pk,)]
    assert (queued["status"], queued["done"], queued["rowErrorCount"]) == ("QUEUED", 0, 0)
    assert done == {
        "id": job_id,
        "kind": "CONTACTS",
        "status": "DONE",
        "fileName": "people.csv",
        "sourceName": "",
        "total": 3,
        "done": 3,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "skipped": 2,
        "error": None,
        "rowErrorCount": 2,
        "rowErrors": [
            {
                "row": 3,
                "column": "Email Address",
                "message": "Not a valid email address: not-an-email",
            }
        ],
    }
    listed = ask(client, shop, "{ csvImports { id status } }")["data"]["csvImports"]
    assert listed == [{"id": job_id, "status": "DONE"}]

    errors = client.get(f"/api/imports/{job_id}/errors.csv", headers=headers(shop))
    assert errors.status_code == 200
    assert errors["Content-Disposition"] == f'attachment; filename="import-{pk}-errors.csv"'
    text = b"".join(errors.streaming_content).decode()
    assert list(csv.reader(io.StringIO(text))) == [
        ["row", "column", "message"],
        ["3", "Email Address", "Not a valid email address: not-an-email"],
        ["4", "Birthday", "Expected a past date (YYYY-MM-DD) from 1900 on"],
    ]


def test_another_shops_import_is_out_of_reach(client, shop, standin):
    other = make_installation(
        saleor_api_url=f"{standin.api_url}?other", jwks=standin.jwks(), app_id=shop.app_id
    )
    job = ImportJob.objects.create(
        installation=other,
        kind="contacts",
        total=1,
        created_at=shop.installed_at,
        updated_at=shop.installed_at,
    )

    global_id = import_global_id(job.pk)
    found = ask(client, shop, STATUS, id=global_id)
    listed = ask(client, shop, "{ csvImports { id } }")
    errors = client.get(f"/api/imports/{global_id}/errors.csv", headers=headers(shop))
    bad_id = ask(client, shop, STATUS, id=str(job.pk))
    bad_path = client.get(f"/api/imports/{job.pk}/errors.csv", headers=headers(shop))

    assert found["data"]["csvImport"] is None
    assert listed["data"]["csvImports"] == []
    assert errors.status_code == 404
    assert bad_id["errors"][0]["extensions"]["code"] == "INVALID_ID"
    assert bad_path.status_code == 404
