/**
 * Every message id the shell's code names exists in the catalogues: the literal ids in its
 * source, and the ids its pure modules and views build at run time. (The editor's ids are
 * the editor's: journeys/editor and pages/journey-editor-page are not scanned here.)
 */
import { describe, expect, it } from "vitest";

import { availableActions, statusMessageId } from "../journeys/list/journey-list";
import { notEmbeddedMessageId } from "../lib/embedding";
import { presentError } from "../lib/error-presentation";
import { consentMessageId, stageMessageId } from "../widgets/customer-widget";
import { mergeCatalogues, type Messages } from "./catalogues";

const sources = import.meta.glob<string>(["../**/*.ts", "../**/*.tsx", "!../**/*.test.ts", "!../journeys/editor/**", "!../pages/journey-editor-page.tsx"], {
  query: "?raw",
  import: "default",
  eager: true,
});

const catalogues = mergeCatalogues(import.meta.glob<Messages>("./*/*.json", { eager: true, import: "default" }));

const LITERAL_ID = /(?<![\w-])id(?:="|: ")([a-z][\w-]*(?:\.[\w-]+)+)"/g;

const literalIds = Object.entries(sources).flatMap(([path, source]) =>
  [...source.matchAll(LITERAL_ID)].map((match) => ({ path, id: match[1] as string })),
);

const builtIds = [
  ...["draft", "active", "paused", "archived", "other"].map(statusMessageId),
  ...["active", "paused", "draft"].flatMap((status) =>
    availableActions(status).flatMap((action) =>
      ["", ".label", ".done", ".failed", ".confirmTitle", ".confirmText"].map((suffix) => `journeys.action.${action}${suffix}`),
    ),
  ),
  ...["name", "status", "version", "counts", "updated", "actions"].map((column) => `journeys.list.column.${column}`),
  ...(["not-in-iframe", "no-token", "no-api-url"] as const).map(notEmbeddedMessageId),
  ...[401, 403, 500, undefined].map(
    (status) => presentError({ ok: false, message: "m", code: status ? "X" : "NETWORK_ERROR", status }).titleId,
  ),
  ...["PROSPECT", "SUBSCRIBER", "FIRST_TIME_BUYER", "REPEAT", "VIP", "LAPSING", "LAPSED", "other"].map(stageMessageId),
  ...["GRANTED", "PENDING", "UNKNOWN", "WITHDRAWN"].map(consentMessageId),
  ...["email", "sms", "push"].map((channel) => `widget.channel.${channel}`),
  ...["entry", "wait", "wait_until", "wait_for_event", "condition", "split", "send_email", "send_sms", "send_push"]
    .concat(["give_voucher", "update_profile", "webhook", "list_add", "list_remove", "exit", "unknown"])
    .map((type) => `presets.node.${type}`),
  ...["stores", "where", "retention", "erasure"].map((section) => `privacy.${section}.title`),
  ...["contacts", "consent", "events", "figures", "journeys"].map((item) => `privacy.stores.${item}`),
  ...["database", "providers"].map((item) => `privacy.where.${item}`),
  ...["contacts", "deliveries", "uninstall"].map((item) => `privacy.retention.${item}`),
  ...["when", "what", "access"].map((item) => `privacy.erasure.${item}`),
  ...["issues", "security", "data"].flatMap((section) => [`support.${section}.title`, `support.${section}.text`]),
];

describe("message ids in the code", () => {
  it("are found in the source", () => {
    expect(literalIds.length).toBeGreaterThan(50);
  });

  it("exist in the catalogues, literal or built", () => {
    const missing = [...literalIds.map(({ path, id }) => `${path}: ${id}`), ...builtIds.map((id) => `built: ${id}`)].filter(
      (entry) => !((entry.split(": ")[1] as string) in catalogues.en),
    );

    expect(missing).toEqual([]);
  });
});
