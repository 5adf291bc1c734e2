/**
 * Every GraphQL document of the front end (the string exports of every `*.documents.ts`)
 * is valid against the app's schema as `make schema` dumps it.
 */
import { buildSchema, type DocumentNode, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";

import schemaSdl from "../schema.graphql?raw";

const modules = import.meta.glob<Record<string, unknown>>("./**/*.documents.ts", { eager: true });

const documents = Object.entries(modules).flatMap(([path, exports]) =>
  Object.entries(exports)
    .filter((entry): entry is [string, string] => typeof entry[1] === "string")
    .map(([name, source]) => ({ label: `${path}#${name}`, source })),
);

const schema = buildSchema(schemaSdl);

const operationNames = (document: DocumentNode) =>
  document.definitions.flatMap((definition) =>
    definition.kind === "OperationDefinition" && definition.name ? [definition.name.value] : [],
  );

describe("front-end GraphQL documents", () => {
  it("are found", () => {
    expect(documents.length).toBeGreaterThan(0);
  });

  it.each(documents.map((document) => [document.label, document.source] as const))(
    "%s is valid against schema.graphql",
    (_label, source) => {
      const errors = validate(schema, parse(source)).map((error) => error.message);

      expect(errors).toEqual([]);
    },
  );

  it("name every operation, each name once", () => {
    const names = documents.flatMap(({ source }) => {
      const document = parse(source);
      const anonymous = document.definitions.some(
        (definition) => definition.kind === "OperationDefinition" && !definition.name,
      );
      return anonymous ? ["<anonymous>"] : operationNames(document);
    });
    const repeated = names.filter((name, index) => name === "<anonymous>" || names.indexOf(name) !== index);

    expect(repeated).toEqual([]);
  });
});
