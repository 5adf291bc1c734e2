/**
 * What the imports page decides: the preview the app answered shown column by column (each
 * cell with its row's error at that column), what still keeps the import from starting, and
 * an import's progress.
 */

export const IMPORT_KINDS = ["contacts", "consents", "suppressions"] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export const MAX_SOURCE_LENGTH = 200;
export const MAX_FILE_BYTES = 20 * 1024 * 1024;

export type PreviewColumn = { header: string; field: string | null; attribute: string | null };
export type PreviewRow = {
  row: number;
  values: Record<string, unknown>;
  attributes: Record<string, string>;
  errors: { column: string; message: string }[];
};
export type RowError = { row: number; column: string; message: string };

/** `POST /api/imports/preview`'s answer. */
export type Preview = {
  kind: ImportKind;
  delimiter: string;
  columns: PreviewColumn[];
  rows: PreviewRow[];
  total: number;
  valid: number;
  invalid: number;
  errors: RowError[];
  errorCount: number;
};

/** Where a column goes: a field, a custom attribute (contacts), or nowhere. */
export type Target = { type: "field"; field: string } | { type: "attribute"; key: string } | { type: "ignored" };

export const columnTarget = (column: PreviewColumn): Target =>
  column.field ? { type: "field", field: column.field } : column.attribute ? { type: "attribute", key: column.attribute } : { type: "ignored" };

export const fieldMessageId = (field: string): string => `imports.field.${field}`;

export const FIELDS = [
  "email",
  "first_name",
  "last_name",
  "phone",
  "country",
  "language_code",
  "city",
  "birthday",
  "channel",
  "status",
  "date",
  "text_version",
  "reason",
] as const;

export type Cell = { header: string; value: string; error: string | null };

const text = (value: unknown): string => {
  if (value === undefined || value === null) return "";
  if (typeof value === "boolean") return value ? "true" : "false";
  return String(value);
};

/** The value read for `column` in `row`, as the app will import it. */
export const cellValue = (column: PreviewColumn, row: PreviewRow): string => {
  const target = columnTarget(column);

  switch (target.type) {
    case "attribute":
      return row.attributes[target.key] ?? "";
    case "ignored":
      return "";
    case "field":
      if (target.field === "status") {
        return row.values.granted === true ? "subscribed" : row.values.granted === false ? "unsubscribed" : "";
      }
      return text(row.values[target.field]);
  }
};

/** One preview row, cell by cell in the file's column order, each with its own error. */
export const previewCells = (preview: Preview, row: PreviewRow): Cell[] =>
  preview.columns.map((column) => {
    const errors = row.errors.filter((error) => error.column === column.header).map((error) => error.message);
    return { header: column.header, value: errors.length ? "" : cellValue(column, row), error: errors.length ? errors.join("; ") : null };
  });

/** A row's errors that name no column of the file (a missing date column, say). */
export const rowLevelErrors = (preview: Preview, row: PreviewRow): string[] => {
  const headers = new Set(preview.columns.map((column) => column.header));
  return row.errors.filter((error) => !headers.has(error.column)).map((error) => `${error.column}: ${error.message}`);
};

export type Blocker = "noFile" | "tooLarge" | "noPreview" | "noValidRows" | "sourceMissing" | "sourceTooLong";

/** Why the import cannot start yet (empty: it can). Checked before any call. */
export const importBlockers = ({
  kind,
  file,
  preview,
  source,
}: {
  kind: ImportKind;
  file: { size: number } | null;
  preview: Preview | null;
  source: string;
}): Blocker[] => {
  const blockers: Blocker[] = [];

  if (!file) blockers.push("noFile");
  else if (file.size > MAX_FILE_BYTES) blockers.push("tooLarge");
  else if (!preview || preview.kind !== kind) blockers.push("noPreview");
  else if (preview.valid === 0) blockers.push("noValidRows");

  if (kind === "consents") {
    if (!source.trim()) blockers.push("sourceMissing");
    else if (source.trim().length > MAX_SOURCE_LENGTH) blockers.push("sourceTooLong");
  }

  return blockers;
};

/** The file is refused before it is sent when it is larger than the app takes. */
export const fileTooLarge = (file: { size: number }): boolean => file.size > MAX_FILE_BYTES;

export type ImportStatus = "QUEUED" | "RUNNING" | "DONE" | "FAILED";

export type CsvImport = {
  id: string;
  kind: "CONTACTS" | "CONSENTS" | "SUPPRESSIONS";
  status: ImportStatus;
  fileName: string;
  sourceName: string;
  total: number;
  done: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
  rowErrorCount: number;
  rowErrors: RowError[];
};

export const isActive = (status: ImportStatus): boolean => status === "QUEUED" || status === "RUNNING";

/** Rows handled, in percent (whole numbers; a finished import is 100). */
export const progressPercent = (job: Pick<CsvImport, "status" | "done" | "total">): number => {
  if (job.status === "DONE" || job.total === 0) return job.status === "DONE" ? 100 : 0;
  return Math.min(100, Math.floor((job.done * 100) / job.total));
};

export const kindOfJob = (kind: CsvImport["kind"]): ImportKind => kind.toLowerCase() as ImportKind;

export const RESULT_COUNTS = ["created", "updated", "unchanged", "skipped"] as const;

/** The counts a kind of import has (suppressions change no contact). */
export const resultCounts = (kind: ImportKind): readonly (typeof RESULT_COUNTS)[number][] =>
  kind === "suppressions" ? (["created", "unchanged", "skipped"] as const) : RESULT_COUNTS;

export const rowErrorsFileName = (job: Pick<CsvImport, "fileName">): string => {
  const base = job.fileName.replace(/\.csv$/i, "").replace(/[^\w.-]+/g, "-") || "import";
  return `${base}-skipped-rows.csv`;
};
