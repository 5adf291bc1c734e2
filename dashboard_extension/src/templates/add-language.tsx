import { Box, Button, Input } from "@saleor/macaw-ui";
import { useState } from "react";
import { useIntl } from "react-intl";

import { newLanguageProblem, normalLanguage } from "./detail";

/** "Add a language": a code the template does not have yet, whose first version starts as a copy of the shown language's newest. */
export const AddLanguage = ({ existing, from, onStart }: { existing: string[]; from: string; onStart: (language: string) => void }) => {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string>) => intl.formatMessage({ id }, values);
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const [problem, setProblem] = useState<string | null>(null);

  if (!open) {
    return (
      <Button variant="secondary" onClick={() => setOpen(true)} data-testid="add-language">
        {t("templates.language.add")}
      </Button>
    );
  }
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const checked = newLanguageProblem(typed, existing);
    if (checked) {
      setProblem(checked);
      return;
    }
    onStart(normalLanguage(typed));
  };
  return (
    <Box as="form" display="flex" gap={3} alignItems="flex-start" flexWrap="wrap" onSubmit={submit} noValidate data-testid="add-language-form">
      <Box __width="240px">
        <Input
          label={t("templates.language.code")}
          value={typed}
          onChange={(event) => {
            setTyped(event.target.value);
            setProblem(null);
          }}
          error={Boolean(problem)}
          helperText={problem ? t(problem) : t("templates.language.help", { from })}
          data-testid="add-language-code"
        />
      </Box>
      <Button type="submit" variant="primary">
        {t("templates.language.start")}
      </Button>
      <Button
        variant="secondary"
        onClick={() => {
          setOpen(false);
          setTyped("");
          setProblem(null);
        }}
      >
        {t("templates.language.cancel")}
      </Button>
    </Box>
  );
};
