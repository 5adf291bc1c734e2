/** The imports page's GraphQL documents (validated against schema.graphql in documents.test.ts). */

const IMPORT_FIELDS = `
  id
  kind
  status
  fileName
  sourceName
  total
  done
  created
  updated
  unchanged
  skipped
  error
  createdAt
  finishedAt
  rowErrorCount
`;

export const CSV_IMPORT_QUERY = `
  query CsvImport($id: ID!) {
    csvImport(id: $id) {
      ${IMPORT_FIELDS}
      rowErrors(first: 100) { row column message }
    }
  }
`;

export const CSV_IMPORTS_QUERY = `
  query CsvImports {
    csvImports(first: 10) {
      ${IMPORT_FIELDS}
    }
  }
`;
