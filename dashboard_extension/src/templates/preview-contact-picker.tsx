import { Box, Button, Input, Text } from "@saleor/macaw-ui";
import { useState } from "react";
import { useIntl } from "react-intl";

import { SETTLE_MS } from "./editor";
import { type Person, personLabel, searchTerm } from "./preview-contact";
import { usePreviewContacts } from "./use-templates";
import { useSettled } from "./use-settled";

/**
 * Whom the preview is rendered for: the example contact, or one of the shop's contacts found by
 * words of their email or name (contacts(search:)).
 */
export const PreviewContactPicker = ({ chosen, onChoose }: { chosen: Person | null; onChoose: (person: Person | null) => void }) => {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string>) => intl.formatMessage({ id }, values);
  const [typed, setTyped] = useState("");
  const term = useSettled(searchTerm(typed), SETTLE_MS);
  const found = usePreviewContacts(term ?? "");

  if (chosen) {
    return (
      <Box display="flex" gap={3} alignItems="center" flexWrap="wrap" data-testid="preview-contact">
        <Text size={3} data-testid="preview-contact-chosen">
          {t("templates.previewFor.contact", { name: personLabel(chosen) })}
        </Text>
        <Button size="small" variant="secondary" onClick={() => onChoose(null)} data-testid="preview-contact-clear">
          {t("templates.previewFor.example")}
        </Button>
      </Box>
    );
  }

  return (
    <Box display="flex" flexDirection="column" gap={2} data-testid="preview-contact">
      <Box __maxWidth="360px">
        <Input
          label={t("templates.previewFor.search")}
          value={typed}
          onChange={(event) => setTyped(event.target.value)}
          helperText={t("templates.previewFor.help")}
          data-testid="preview-contact-search"
        />
      </Box>
      {term !== null && (
        <Box aria-live="polite">
          {found.isPending && (
            <Text size={2} color="default2">
              {t("templates.previewFor.searching")}
            </Text>
          )}
          {found.isError && (
            <Text size={2} color="critical1">
              {t("templates.previewFor.failed")}
            </Text>
          )}
          {found.data && found.data.length === 0 && (
            <Text size={2} color="default2" data-testid="preview-contact-none">
              {t("templates.previewFor.none", { term })}
            </Text>
          )}
          {found.data && found.data.length > 0 && (
            <Box as="ul" display="flex" flexDirection="column" gap={1} margin={0} padding={0} style={{ listStyle: "none" }} data-testid="preview-contact-results">
              {found.data.map((person) => (
                <li key={person.id}>
                  <Button
                    size="small"
                    variant="tertiary"
                    onClick={() => {
                      onChoose(person);
                      setTyped("");
                    }}
                    aria-label={t("templates.previewFor.choose", { name: personLabel(person) })}
                  >
                    {personLabel(person)}
                  </Button>
                </li>
              ))}
            </Box>
          )}
        </Box>
      )}
    </Box>
  );
};
