import { Box, Button, Modal, Text } from "@saleor/macaw-ui";
import { type ReactNode, useId } from "react";
import { FormattedMessage } from "react-intl";

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

/**
 * A confirmation in a macaw modal (the Dashboard's iframe sandbox has no allow-modals:
 * window.confirm does nothing there). Escape and the cancel button close it.
 */
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
  const titleId = useId();
  const descriptionId = useId();

  return (
    <Modal open={open} onChange={(next) => (next ? undefined : onCancel())}>
      <Modal.Content
        dialogContentProps={{ "aria-labelledby": titleId, "aria-describedby": descriptionId, role: "alertdialog" }}
      >
        {/* Modal.Content renders its child as both overlay and dialog: a full-size backdrop around the card. */}
        <Box
          position="fixed"
          inset={0}
          display="flex"
          alignItems="center"
          justifyContent="center"
          padding={4}
          __backgroundColor="rgba(0, 0, 0, 0.4)"
          data-testid="confirm-dialog"
        >
          <Box
            backgroundColor="default1"
            boxShadow="defaultModal"
            borderRadius={4}
            padding={6}
            display="flex"
            flexDirection="column"
            gap={4}
            __maxWidth="480px"
            width="100%"
          >
            <Text as="h2" size={7} fontWeight="bold" id={titleId}>
              {title}
            </Text>
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
          </Box>
        </Box>
      </Modal.Content>
    </Modal>
  );
};
