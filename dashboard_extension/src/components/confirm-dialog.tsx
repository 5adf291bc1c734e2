import { Box, Button, Text } from "@saleor/macaw-ui";
import { type ReactNode, useId } from "react";
import { FormattedMessage } from "react-intl";

import { ModalCard } from "./modal-card";

export type ConfirmDialogProps = {
  open: boolean;
  title: ReactNode;
  description: ReactNode;
  confirmLabel: ReactNode;
  /** "error" for an action that cannot be undone. */
  tone?: "default" | "error";
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
};

/** A confirmation in a macaw modal (no window.confirm in the Dashboard's sandbox). Escape and
 * the cancel button close it. */
export const ConfirmDialog = ({
  open,
  title,
  description,
  confirmLabel,
  tone = "default",
  busy = false,
  onConfirm,
  onCancel,
}: ConfirmDialogProps) => {
  const descriptionId = useId();
  return (
    <ModalCard
      open={open}
      title={title}
      onClose={onCancel}
      role="alertdialog"
      describedBy={descriptionId}
      maxWidth="480px"
      backdropTestId="confirm-dialog"
    >
      <Text as="p" size={4} id={descriptionId}>
        {description}
      </Text>
      <Box display="flex" justifyContent="flex-end" gap={3}>
        <Button variant="secondary" onClick={onCancel} disabled={busy} data-testid="confirm-dialog-cancel">
          <FormattedMessage id="shell.confirm.cancel" />
        </Button>
        <Button
          variant={tone === "error" ? "error" : "primary"}
          onClick={onConfirm}
          disabled={busy}
          data-testid="confirm-dialog-confirm"
        >
          {confirmLabel}
        </Button>
      </Box>
    </ModalCard>
  );
};
