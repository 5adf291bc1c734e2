import { Select } from "@saleor/macaw-ui";
import { useIntl } from "react-intl";

import { useSegmentOptions } from "./use-segments";

/** The contacts list's segment filter: any segment, or the current members of one. */
export const SegmentFilterSelect = ({ value, onChange }: { value: string; onChange: (segmentId: string) => void }) => {
  const intl = useIntl();
  const options = useSegmentOptions();
  const known = options.data ?? [];
  const choices = [
    { value: "", label: intl.formatMessage({ id: "segments.filter.any" }) },
    ...known.map((segment) => ({ value: segment.id, label: segment.name })),
  ];
  // A segment in the URL but not (yet) in the options keeps its place.
  if (value && !known.some((segment) => segment.id === value)) choices.push({ value, label: value });
  return (
    <Select
      label={intl.formatMessage({ id: "segments.filter.label" })}
      options={choices}
      value={value}
      onChange={(next: string) => onChange(next)}
      helperText={
        options.isPending ? intl.formatMessage({ id: "segments.filter.loading" }) : options.isError ? intl.formatMessage({ id: "segments.filter.failed" }) : undefined
      }
      error={options.isError}
      data-testid="filter-segment"
    />
  );
};
