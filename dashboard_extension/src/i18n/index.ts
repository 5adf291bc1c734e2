import { mergeCatalogues, type Messages } from "./catalogues";

/** Every catalogue, bundled with the shell (a few kB per language). */
export const catalogues = mergeCatalogues(
  import.meta.glob<Messages>("./*/*.json", { eager: true, import: "default" }),
);
