import { vars } from "@saleor/macaw-ui";
import type { ComponentProps } from "react";
import { Link } from "react-router-dom";

/** A link to another page of the app, in the theme's link colour (a plain anchor keeps the
 * browser's black, unreadable on the Dashboard's dark theme). */
export const AppLink = ({ style, ...props }: ComponentProps<typeof Link>) => (
  <Link {...props} style={{ color: vars.colors.text.accent1, textDecoration: "underline", ...style }} />
);
