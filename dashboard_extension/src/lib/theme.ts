/** Maps the Dashboard's theme (sent over App Bridge) to a macaw-ui theme name. */
export type MacawTheme = "defaultLight" | "defaultDark";

export const toMacawTheme = (dashboardTheme: string | undefined): MacawTheme =>
  dashboardTheme === "dark" ? "defaultDark" : "defaultLight";
