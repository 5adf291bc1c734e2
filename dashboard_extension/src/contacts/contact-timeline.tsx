import { Box, Button, Select, Text } from "@saleor/macaw-ui";
import { useState } from "react";
import { useIntl } from "react-intl";

import { ErrorState } from "../components/error-state";
import { LoadingState } from "../components/loading-state";
import { formatDate } from "../lib/format";
import { useAppLocale } from "../providers/locale-provider";
import { Section } from "../components/section";
import { eventTypeMessageId, filterableTypes, groupByDay, propertySummary } from "./timeline";
import { useEventTypes, useTimeline } from "./use-contacts";

const ALL = "__all__";

/** The contact's events by day, newest first, one type or all; more on request. */
export const ContactTimeline = ({ contactId }: { contactId: string }) => {
  const intl = useIntl();
  const locale = useAppLocale();
  const [type, setType] = useState<string>(ALL);
  const types = type === ALL ? [] : [type];
  const timeline = useTimeline(contactId, types);
  const recorded = useEventTypes();
  const label = (name: string) => {
    const id = eventTypeMessageId(name);
    return id ? intl.formatMessage({ id }) : name;
  };
  const options = [
    { value: ALL, label: intl.formatMessage({ id: "contacts.timeline.allTypes" }) },
    ...filterableTypes(recorded.data?.map((entry) => entry.type) ?? [], types).map((name) => ({ value: name, label: label(name) })),
  ];
  const pages = timeline.data?.pages ?? [];
  const events = pages.flatMap((page) => page?.edges.map((edge) => edge.node) ?? []);
  const total = pages[0]?.totalCount ?? 0;
  const days = groupByDay(events);

  return (
    <Section
      title={intl.formatMessage({ id: "contacts.timeline.title" })}
      testId="contact-timeline"
      actions={
        <Box __width="260px">
          <Select
            label={intl.formatMessage({ id: "contacts.timeline.type" })}
            options={options}
            value={type}
            onChange={(value: string) => setType(value)}
            data-testid="timeline-type"
          />
        </Box>
      }
    >
      {timeline.isPending && <LoadingState label={intl.formatMessage({ id: "contacts.timeline.loading" })} />}
      {timeline.isError && <ErrorState error={timeline.error} onRetry={() => void timeline.refetch()} />}
      {timeline.isSuccess && events.length === 0 && (
        <Text size={3} data-testid="timeline-empty">
          {intl.formatMessage({ id: type === ALL ? "contacts.timeline.none" : "contacts.timeline.noneOfType" })}
        </Text>
      )}
      {events.length > 0 && (
        <Box display="flex" flexDirection="column" gap={4} aria-busy={timeline.isFetching}>
          <Text size={2} color="default2" data-testid="timeline-count">
            {intl.formatMessage({ id: "contacts.timeline.count" }, { shown: events.length, total })}
          </Text>
          {days.map((day) => (
            <Box key={day.day} display="flex" flexDirection="column" gap={2} data-testid="timeline-day" data-day={day.day}>
              <Text as="h3" size={3} fontWeight="bold">
                {formatDate(`${day.day}T12:00:00Z`, locale, "UTC")}
              </Text>
              <Box as="ul" margin={0} paddingLeft={0} listStyleType="none" display="flex" flexDirection="column" gap={2}>
                {day.events.map((event) => (
                  <Box as="li" key={event.id} data-testid="timeline-event" data-type={event.type} display="flex" gap={3} flexWrap="wrap">
                    <Text size={2} color="default2" __minWidth="48px">
                      {intl.formatTime(new Date(event.occurredAt), { timeStyle: "short" })}
                    </Text>
                    <Text size={3} fontWeight="medium" data-testid="timeline-event-label">
                      {label(event.type)}
                    </Text>
                    <Text size={2} color="default2">
                      {[intl.formatMessage({ id: "contacts.timeline.source" }, { source: event.source }), ...propertySummary(event.properties).map((p) => `${p.key}: ${p.value}`)].join(" · ")}
                    </Text>
                  </Box>
                ))}
              </Box>
            </Box>
          ))}
          {timeline.hasNextPage && (
            <Box>
              <Button
                variant="secondary"
                onClick={() => void timeline.fetchNextPage()}
                disabled={timeline.isFetchingNextPage}
                data-testid="timeline-more"
              >
                {intl.formatMessage({ id: "contacts.timeline.more" })}
              </Button>
            </Box>
          )}
        </Box>
      )}
    </Section>
  );
};
