import { Box, Modal, Text } from "@saleor/macaw-ui";
import { type ReactNode, useId } from "react";

export type ModalCardProps = {
  open: boolean;
  title: ReactNode;
  onClose: () => void;
  children: ReactNode;
  /** "alertdialog" for a confirmation; the description's id is then passed to `children`. */
  role?: "dialog" | "alertdialog";
  describedBy?: string;
  maxWidth?: string;
  backdropTestId?: string;
  cardTestId?: string;
};

/**
 * A card in a macaw modal over a dimmed backdrop: the Dashboard's iframe sandbox has no
 * allow-modals, so window.confirm and alert do nothing there. Escape closes it.
 */
export const ModalCard = ({
  open,
  title,
  onClose,
  children,
  role = "dialog",
  describedBy,
  maxWidth = "560px",
  backdropTestId,
  cardTestId,
}: ModalCardProps) => {
  const titleId = useId();
  return (
    <Modal open={open} onChange={(next) => (next ? undefined : onClose())}>
      <Modal.Content dialogContentProps={{ "aria-labelledby": titleId, "aria-describedby": describedBy, role }}>
        {/* Modal.Content renders its child as both overlay and dialog: a full-size backdrop around the card. */}
        <Box
          position="fixed"
          inset={0}
          display="flex"
          alignItems="center"
          justifyContent="center"
          padding={4}
          __backgroundColor="rgba(0, 0, 0, 0.4)"
          data-testid={backdropTestId}
        >
          <Box
            backgroundColor="default1"
            boxShadow="defaultModal"
            borderRadius={4}
            padding={6}
            display="flex"
            flexDirection="column"
            gap={4}
            __maxWidth={maxWidth}
            __maxHeight="90vh"
            overflowY="auto"
            width="100%"
            data-testid={cardTestId}
          >
            <Text as="h2" size={7} fontWeight="bold" id={titleId}>
              {title}
            </Text>
            {children}
          </Box>
        </Box>
      </Modal.Content>
    </Modal>
  );
};
