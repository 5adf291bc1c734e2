/**
 * The app's tables: a caption for assistive technology (where the section's heading does not
 * already name the table), a row of column headings and the
 * rows the caller draws with `cellStyle`, so every list reads and looks the same.
 */
import { Box, Text } from "@saleor/macaw-ui";
import type { ReactNode } from "react";

import { VisuallyHidden } from "./visually-hidden";

export type CellOptions = { compact?: boolean; align?: "top" | "middle" };

/** A header or body cell's box props: padding, the row's rule and the vertical alignment. */
export const cellStyle = ({ compact = false, align }: CellOptions = {}) =>
  ({
    paddingY: compact ? 2 : 3,
    paddingX: 2,
    borderBottomStyle: "solid",
    borderBottomWidth: 1,
    borderColor: "default1",
    // macaw-ui's Box has no verticalAlign prop (it would reach the DOM as an unknown attribute).
    ...(align ? { style: { verticalAlign: align } } : {}),
  }) as const;

export type Column = { key: string; label: ReactNode };

export const DataTable = ({
  caption,
  columns,
  testId,
  children,
  ...options
}: CellOptions & { caption?: ReactNode; columns: readonly Column[]; testId?: string; children: ReactNode }) => {
  const cell = cellStyle(options);
  return (
    <Box as="table" width="100%" __borderCollapse="collapse" data-testid={testId}>
      {caption !== undefined && (
        <caption>
          <VisuallyHidden>{caption}</VisuallyHidden>
        </caption>
      )}
      <thead>
        <tr>
          {columns.map((column) => (
            <Box as="th" key={column.key} textAlign="left" {...cell}>
              <Text size={2} color="default2" fontWeight="medium">
                {column.label}
              </Text>
            </Box>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </Box>
  );
};
