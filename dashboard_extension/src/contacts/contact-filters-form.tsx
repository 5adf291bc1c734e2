import { Box, Checkbox, Input, Select, Text } from "@saleor/macaw-ui";
import type { ReactNode } from "react";
import { useIntl } from "react-intl";

import { SegmentFilterSelect } from "../segments/segment-filter-select";
import { stageMessageId } from "../widgets/customer-widget";
import { CONSENTS, type ContactListState, type FilterProblem, type Ordered, SORTS, STAGES, toggled } from "./filters";

type Props = {
  state: ContactListState;
  countryText: string;
  problems: FilterProblem[];
  onChange: (state: ContactListState) => void;
  onCountryText: (text: string) => void;
};

const Group = ({ legend, children, testId }: { legend: string; children: ReactNode; testId: string }) => (
  <Box as="fieldset" borderWidth={0} padding={0} margin={0} display="flex" flexDirection="column" gap={2} data-testid={testId}>
    <legend>
      <Text size={2} fontWeight="medium" color="default2">
        {legend}
      </Text>
    </legend>
    <Box display="flex" flexWrap="wrap" gap={3}>
      {children}
    </Box>
  </Box>
);

/** The filters the API has: stage, email consent, country, whether ordered, spend in one
 * currency, last order between two days, a segment's members; and the sort. */
export const ContactFiltersForm = ({ state, countryText, problems, onChange, onCountryText }: Props) => {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const problem = (field: FilterProblem) => (problems.includes(field) ? t(`contacts.filter.problem.${field}`) : undefined);
  const rangeProblem = problems.includes("lastOrderRange") ? t("contacts.filter.problem.lastOrderRange") : undefined;
  return (
    <Box
      as="form"
      aria-label={t("contacts.filter.label")}
      onSubmit={(event) => event.preventDefault()}
      display="flex"
      flexDirection="column"
      gap={4}
      data-testid="contact-filters"
    >
      <Group legend={t("contacts.filter.stage")} testId="filter-stages">
        {STAGES.map((stage) => (
          <Checkbox
            key={stage}
            checked={state.stages.includes(stage)}
            onCheckedChange={(checked) => onChange({ ...state, stages: toggled(state.stages, stage, checked === true) })}
            data-testid={`filter-stage-${stage}`}
          >
            <Text size={3}>{t(stageMessageId(stage))}</Text>
          </Checkbox>
        ))}
      </Group>
      <Group legend={t("contacts.filter.consent")} testId="filter-consents">
        {CONSENTS.map((consent) => (
          <Checkbox
            key={consent}
            checked={state.consents.includes(consent)}
            onCheckedChange={(checked) => onChange({ ...state, consents: toggled(state.consents, consent, checked === true) })}
            data-testid={`filter-consent-${consent}`}
          >
            <Text size={3}>{t(`contacts.filter.consent.${consent}`)}</Text>
          </Checkbox>
        ))}
      </Group>
      <Box display="flex" flexWrap="wrap" gap={3} alignItems="flex-start">
        <Box __width="200px">
          <Input
            label={t("contacts.filter.countries")}
            helperText={t("contacts.filter.countries.help")}
            value={countryText}
            onChange={(event) => onCountryText(event.target.value)}
            data-testid="filter-countries"
          />
        </Box>
        <Box __width="200px">
          <Select
            label={t("contacts.filter.ordered")}
            options={(["any", "yes", "no"] as const).map((value) => ({ value, label: t(`contacts.filter.ordered.${value}`) }))}
            value={state.ordered}
            onChange={(value: string) => onChange({ ...state, ordered: value as Ordered })}
            data-testid="filter-ordered"
          />
        </Box>
        <Box __width="120px">
          <Input
            label={t("contacts.filter.spendCurrency")}
            value={state.spendCurrency}
            maxLength={3}
            onChange={(event) => onChange({ ...state, spendCurrency: event.target.value.toUpperCase() })}
            error={problem("spendCurrency") !== undefined}
            aria-invalid={problem("spendCurrency") !== undefined}
            helperText={problem("spendCurrency")}
            data-testid="filter-spend-currency"
          />
        </Box>
        <Box __width="160px">
          <Input
            label={t("contacts.filter.spendAmount")}
            inputMode="decimal"
            value={state.spendAmount}
            onChange={(event) => onChange({ ...state, spendAmount: event.target.value.trim() })}
            error={problem("spendAmount") !== undefined}
            aria-invalid={problem("spendAmount") !== undefined}
            helperText={problem("spendAmount")}
            data-testid="filter-spend-amount"
          />
        </Box>
        <Box __width="180px">
          <Input
            type="date"
            label={t("contacts.filter.lastOrderFrom")}
            value={state.lastOrderFrom}
            onChange={(event) => onChange({ ...state, lastOrderFrom: event.target.value })}
            error={problem("lastOrderFrom") !== undefined || rangeProblem !== undefined}
            aria-invalid={problem("lastOrderFrom") !== undefined || rangeProblem !== undefined}
            helperText={problem("lastOrderFrom") ?? rangeProblem}
            data-testid="filter-last-order-from"
          />
        </Box>
        <Box __width="180px">
          <Input
            type="date"
            label={t("contacts.filter.lastOrderTo")}
            value={state.lastOrderTo}
            onChange={(event) => onChange({ ...state, lastOrderTo: event.target.value })}
            error={problem("lastOrderTo") !== undefined}
            aria-invalid={problem("lastOrderTo") !== undefined}
            helperText={problem("lastOrderTo")}
            data-testid="filter-last-order-to"
          />
        </Box>
        <Box __width="220px">
          <SegmentFilterSelect value={state.segmentId} onChange={(segmentId) => onChange({ ...state, segmentId })} />
        </Box>
        <Box __width="220px">
          <Select
            label={t("contacts.sort.label")}
            options={SORTS.map((value) => ({ value, label: t(`contacts.sort.${value}`) }))}
            value={state.sort}
            onChange={(value: string) => onChange({ ...state, sort: value as ContactListState["sort"] })}
            data-testid="contact-sort"
          />
        </Box>
      </Box>
    </Box>
  );
};
