import { Box, Button, Input, Text } from "@saleor/macaw-ui";
import { useEffect, useMemo, useState } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { useSearchParams } from "react-router-dom";

import { AppLink } from "../components/app-link";
import { cellStyle, DataTable } from "../components/data-table";
import { ErrorState } from "../components/error-state";
import { LoadingState } from "../components/loading-state";
import { StatusCard } from "../components/status-card";
import { LiveAnnouncement } from "../components/visually-hidden";
import { formatDate, formatMoney, formatNumber } from "../lib/format";
import { pathFor } from "../lib/routes";
import { useAppLocale } from "../providers/locale-provider";
import { PageTitle } from "../shell/page-layout";
import { ConsentChip, StageText } from "./consent-chip";
import { ContactFiltersForm } from "./contact-filters-form";
import { activeFilterCount, EMPTY_STATE, paramsFromState, parseCountries, stateFromParams, variablesOf } from "./filters";
import { currentCursor, firstPage, nextPage, pagingFor, pagingKey, previousPage, rowRange } from "./paging";
import { displayName } from "./profile";
import { type ContactRow, PAGE_SIZE, useContactList } from "./use-contacts";

/** Typing settles this long before the URL (and so the query) follows. */
export const DEBOUNCE_MS = 300;

const cell = cellStyle();
const COLUMNS = ["name", "stage", "consent", "country", "orders", "spend", "lastOrder", "created"] as const;

const ContactTable = ({ rows }: { rows: ContactRow[] }) => {
  const locale = useAppLocale();
  const intl = useIntl();
  return (
    <DataTable testId="contacts-table" caption={<FormattedMessage id="contacts.list.caption" />} columns={COLUMNS.map((column) => ({ key: column, label: intl.formatMessage({ id: `contacts.list.column.${column}` }) }))}>
      {rows.map((contact) => {
        const name = displayName(contact);
        return (
          <tr key={contact.id} data-testid="contact-row" data-contact-id={contact.id}>
            <Box as="th" scope="row" textAlign="left" {...cell}>
              <Box display="flex" flexDirection="column" gap={1}>
                <AppLink to={pathFor({ name: "contact", contactId: contact.id })} data-testid="contact-link">
                  <Text size={4} fontWeight="medium">
                    {name ?? intl.formatMessage({ id: "contacts.anonymous" })}
                  </Text>
                </AppLink>
                {contact.email && name !== contact.email && (
                  <Text size={2} color="default2">
                    {contact.email}
                  </Text>
                )}
              </Box>
            </Box>
            <Box as="td" {...cell}>
              <StageText stage={contact.lifecycleStage} />
            </Box>
            <Box as="td" {...cell}>
              <ConsentChip consent={contact.emailConsent} />
            </Box>
            <Box as="td" {...cell}>
              <Text size={3}>{contact.country || "–"}</Text>
            </Box>
            <Box as="td" {...cell}>
              <Text size={3}>{formatNumber(contact.ordersCount, locale)}</Text>
            </Box>
            <Box as="td" {...cell} data-testid="contact-spend">
              {contact.spend.length === 0 ? (
                <Text size={3}>–</Text>
              ) : (
                contact.spend.map((entry) => (
                  <Text as="p" size={3} key={entry.currency}>
                    {formatMoney(entry.total, entry.currency, locale)}
                  </Text>
                ))
              )}
            </Box>
            <Box as="td" {...cell}>
              <Text size={3}>{contact.lastOrderAt ? formatDate(contact.lastOrderAt, locale) : "–"}</Text>
            </Box>
            <Box as="td" {...cell}>
              <Text size={3}>{formatDate(contact.createdAt, locale)}</Text>
            </Box>
          </tr>
        );
      })}
    </DataTable>
  );
};

/** `/contacts`: search, filters and sort in the URL; keyset pages with the total. */
export const ContactsListView = () => {
  const intl = useIntl();
  const locale = useAppLocale();
  const [searchParams, setSearchParams] = useSearchParams();
  const applied = useMemo(() => stateFromParams(searchParams), [searchParams]);
  const [draft, setDraft] = useState(applied);
  const [countryText, setCountryText] = useState(applied.countries.join(", "));
  // Open at first when the URL has filters; afterwards the reader's to open and close.
  const [filtersOpen] = useState(() => activeFilterCount(applied) > 0);
  const draftCheck = variablesOf(draft);

  // The draft reaches the URL once typing settles (and only when it can be sent); the
  // query follows the URL, and react-query's signal cancels the request it replaces.
  useEffect(() => {
    if (!draftCheck.ok) return;
    const next = paramsFromState(draft).toString();
    if (next === paramsFromState(applied).toString()) return;
    const timer = window.setTimeout(() => setSearchParams(next, { replace: true }), DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [draft, applied, draftCheck.ok, setSearchParams]);

  const appliedCheck = variablesOf(applied);
  const variables = appliedCheck.ok ? appliedCheck.variables : null;
  const key = pagingKey(variables);
  const [pagingState, setPaging] = useState(() => firstPage(key));
  const paging = pagingFor(pagingState, key);
  const list = useContactList(variables, currentCursor(paging));
  const page = list.data;
  const rows = page?.edges.map((edge) => edge.node) ?? [];
  const range = page ? rowRange(paging, PAGE_SIZE, rows.length, page.totalCount) : null;
  const filtered = activeFilterCount(applied) > 0 || applied.search !== "";

  const reset = () => {
    setDraft(EMPTY_STATE);
    setCountryText("");
  };

  return (
    <>
      <PageTitle>{intl.formatMessage({ id: "contacts.title" })}</PageTitle>
      <Box as="search" display="flex" flexDirection="column" gap={4}>
        <Box __maxWidth="480px">
          <Input
            label={intl.formatMessage({ id: "contacts.search.label" })}
            helperText={intl.formatMessage({ id: "contacts.search.help" })}
            value={draft.search}
            onChange={(event) => setDraft({ ...draft, search: event.target.value })}
            data-testid="contact-search"
          />
        </Box>
        <details open={filtersOpen}>
          <summary>
            <Text size={3} fontWeight="medium">
              {intl.formatMessage({ id: "contacts.filter.toggle" }, { count: activeFilterCount(draft) })}
            </Text>
          </summary>
          <Box paddingTop={4}>
            <ContactFiltersForm
              state={draft}
              countryText={countryText}
              problems={draftCheck.ok ? [] : draftCheck.problems}
              onChange={setDraft}
              onCountryText={(text) => {
                setCountryText(text);
                setDraft({ ...draft, countries: parseCountries(text) });
              }}
            />
          </Box>
        </details>
      </Box>
      <LiveAnnouncement testId="contacts-announcement">
        {page && intl.formatMessage({ id: "contacts.list.total" }, { total: page.totalCount })}
      </LiveAnnouncement>
      {list.isPending && variables !== null && <LoadingState label={intl.formatMessage({ id: "contacts.list.loading" })} />}
      {list.isError && <ErrorState error={list.error} onRetry={() => void list.refetch()} />}
      {page && rows.length === 0 && (
        <StatusCard testId="contacts-empty">
          <Text as="h2" size={6} fontWeight="bold">
            {intl.formatMessage({ id: filtered ? "contacts.list.noMatch" : "contacts.list.empty" })}
          </Text>
          <Text size={3}>{intl.formatMessage({ id: filtered ? "contacts.list.noMatch.text" : "contacts.list.empty.text" })}</Text>
          {filtered && (
            <Box>
              <Button variant="secondary" onClick={reset} data-testid="contacts-reset">
                {intl.formatMessage({ id: "contacts.list.reset" })}
              </Button>
            </Box>
          )}
        </StatusCard>
      )}
      {page && rows.length > 0 && (
        <Box display="flex" flexDirection="column" gap={4} aria-busy={list.isFetching}>
          <ContactTable rows={rows} />
          <Box display="flex" alignItems="center" justifyContent="space-between" gap={4} flexWrap="wrap">
            <Text size={3} data-testid="contacts-range">
              {range &&
                intl.formatMessage(
                  { id: "contacts.list.range" },
                  { from: formatNumber(range.from, locale), to: formatNumber(range.to, locale), total: formatNumber(range.total, locale) },
                )}
            </Text>
            <Box as="nav" aria-label={intl.formatMessage({ id: "contacts.list.paging" })} display="flex" gap={2}>
              <Button
                variant="secondary"
                disabled={paging.cursors.length <= 1 || list.isFetching}
                onClick={() => setPaging(previousPage(paging))}
                data-testid="contacts-previous"
              >
                {intl.formatMessage({ id: "contacts.list.previous" })}
              </Button>
              <Button
                variant="secondary"
                disabled={!page.pageInfo.hasNextPage || list.isFetching}
                onClick={() => setPaging(nextPage(paging, page.pageInfo.endCursor))}
                data-testid="contacts-next"
              >
                {intl.formatMessage({ id: "contacts.list.next" })}
              </Button>
            </Box>
          </Box>
        </Box>
      )}
    </>
  );
};
