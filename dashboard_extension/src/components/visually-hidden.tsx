import type { ReactNode } from "react";

const style = {
  position: "absolute",
  width: 1,
  height: 1,
  padding: 0,
  margin: -1,
  overflow: "hidden",
  clip: "rect(0, 0, 0, 0)",
  whiteSpace: "nowrap",
  border: 0,
} as const;

/** Read by assistive technology, not shown. */
export const VisuallyHidden = ({ children }: { children: ReactNode }) => <span style={style}>{children}</span>;

/** A polite live region: its text is announced when it changes. */
export const LiveAnnouncement = ({ children, testId }: { children: ReactNode; testId?: string }) => (
  <div role="status" aria-live="polite" aria-atomic="true" style={style} data-testid={testId}>
    {children}
  </div>
);
