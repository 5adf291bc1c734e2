"""Dashboard GraphQL of CSV imports: their progress and result, and the rows they skipped.

The file itself reaches the app as the body of ``POST /api/imports`` (api/views/imports.py):
too large for this API's body limit.
"""

from __future__ import annotations

from typing import Any

import graphene

from saleor_mautomation.graphql.contacts import from_global_id
from saleor_mautomation.graphql.context import dashboard_installation_id
from saleor_mautomation.imports import selectors
from saleor_mautomation.imports.ids import KIND, import_global_id
from saleor_mautomation.imports.models import ImportJob

MAX_RECENT = 50
MAX_ROW_ERRORS = 500

CsvImportKindEnum = graphene.Enum.from_enum(
    ImportJob.Kind, name="CsvImportKind", description="What a CSV file imports."
)
CsvImportStatusEnum = graphene.Enum.from_enum(
    ImportJob.Status,
    name="CsvImportStatus",
    description="queued, then running batch by batch, then done (or failed: see error).",
)


class CsvImportRowErrorType(graphene.ObjectType):
    class Meta:
        name = "CsvImportRowError"
        description = "Why a row of the file was skipped."

    row = graphene.Int(required=True, description="The line the row starts on (header: 1).")
    column = graphene.String(required=True, description="The column's header as in the file.")
    message = graphene.String(required=True)


class CsvImportType(graphene.ObjectType):
    class Meta:
        name = "CsvImport"
        description = "A CSV file of contacts, consents or suppressions imported for the shop."

    id = graphene.ID(required=True)
    kind = graphene.Field(CsvImportKindEnum, required=True)
    status = graphene.Field(CsvImportStatusEnum, required=True)
    file_name = graphene.String(required=True)
    source_name = graphene.String(
        required=True, description="Where the consents come from, as the admin named it."
    )
    total = graphene.Int(required=True, description="Rows in the file (below the header).")
    done = graphene.Int(required=True, description="Rows handled so far, skipped ones too.")
    created = graphene.Int(
        required=True,
        description="Contacts made (contacts, consents) or addresses suppressed (suppressions).",
    )
    updated = graphene.Int(required=True, description="Existing contacts changed.")
    unchanged = graphene.Int(required=True, description="Rows saying what the app held already.")
    skipped = graphene.Int(required=True, description="Rows not imported: see rowErrors.")
    error = graphene.String(description="Why the import stopped, if it failed.")
    created_at = graphene.DateTime(required=True)
    started_at = graphene.DateTime()
    finished_at = graphene.DateTime()
    row_error_count = graphene.Int(required=True)
    row_errors = graphene.List(
        graphene.NonNull(CsvImportRowErrorType),
        required=True,
        first=graphene.Int(default_value=100, description=f"At most {MAX_ROW_ERRORS}."),
        description=(
            "The first skipped rows in file order; all of them as CSV from "
            "GET /api/imports/<id>/errors.csv."
        ),
    )

    @staticmethod
    def resolve_row_error_count(root: ImportJob, info: graphene.ResolveInfo) -> int:
        return selectors.row_error_count(job=root)

    @staticmethod
    def resolve_row_errors(
        root: ImportJob, info: graphene.ResolveInfo, first: int
    ) -> list[CsvImportRowErrorType]:
        limit = max(0, min(first, MAX_ROW_ERRORS))
        return [
            CsvImportRowErrorType(row=e.row, column=e.column, message=e.message)
            for e in selectors.row_errors(job=root, limit=limit)
        ]

    @staticmethod
    def resolve_id(root: ImportJob, info: graphene.ResolveInfo) -> str:
        return import_global_id(root.pk)

    @staticmethod
    def resolve_error(root: ImportJob, info: graphene.ResolveInfo) -> str | None:
        return root.error or None


class ImportsQuery(graphene.ObjectType):
    csv_import = graphene.Field(
        CsvImportType,
        id=graphene.ID(required=True, description="As POST /api/imports answered it."),
        description="One import of the shop (null: none with this id).",
    )
    csv_imports = graphene.List(
        graphene.NonNull(CsvImportType),
        required=True,
        first=graphene.Int(default_value=10, description=f"At most {MAX_RECENT}."),
        description="The shop's latest imports, newest first.",
    )

    @staticmethod
    def resolve_csv_import(root: Any, info: graphene.ResolveInfo, id: str) -> ImportJob | None:
        installation_id = dashboard_installation_id(info)
        job_id = from_global_id(KIND, id)
        return selectors.import_get(installation_id=installation_id, job_id=job_id)

    @staticmethod
    def resolve_csv_imports(root: Any, info: graphene.ResolveInfo, first: int) -> list[ImportJob]:
        installation_id = dashboard_installation_id(info)
        limit = max(0, min(first, MAX_RECENT))
        return selectors.imports_recent(installation_id=installation_id, limit=limit)
