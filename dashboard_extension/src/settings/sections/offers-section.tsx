/** The offer pool: the offers with their dates, channels and status, a new offer, editing
 * one, switching one on or off, deleting one (after a confirmation that suggests deactivating
 * instead). Dates are entered and shown on the shop's clock (`shopTimeZone`, named on the
 * form); the channels are Saleor's own, asked of Saleor with the Dashboard's token. */
import { Box, Button, Checkbox, Input, Text } from "@saleor/macaw-ui";
import { useState } from "react";
import { useIntl } from "react-intl";

import { ConfirmDialog } from "../../components/confirm-dialog";
import { ModalCard } from "../../components/modal-card";
import { ErrorState } from "../../components/error-state";
import { LoadingState } from "../../components/loading-state";
import { useNotify, useNotifyError } from "../../hooks/use-notify";
import { useSaleorChannels } from "../../journeys/editor/api";
import { formatDateTime } from "../../lib/format";
import { useAppLocale } from "../../providers/locale-provider";
import { channelNames, channelsChecked, offerStatus, type OfferWhen, zoneNamed } from "../offer-dates";
import { checkOfferDraft, checkOfferEdit, EMPTY_DRAFT, type OfferDraft, offerForm } from "../offers";
import { FieldRow, SectionForm, type SectionState, TextField, useErrorText, useSection } from "../section-form";
import type { Offer } from "../types";
import { useCreateOffer, useDeleteOffer, useOffers, useSetOfferActive, useUpdateOffer } from "../use-settings";

const cell = { paddingY: 2, paddingX: 3, textAlign: "left" } as const;

const STATUS_COLOR = { active: "success1", scheduled: "accent1", ended: "default2", inactive: "default2" } as const;

/** A date or a time of the offer's start or end (the browser's own picker). */
const WhenField = ({ state, name, field, type }: { state: SectionState<OfferDraft>; name: string; field: keyof OfferWhen; type: "date" | "time" }) => {
  const intl = useIntl();
  const error = useErrorText()(state.errors[field]);
  return (
    <Input
      type={type}
      label={intl.formatMessage({ id: `settings.offers.${field}` })}
      value={state.form[field]}
      onChange={(e) => state.set(field, e.target.value)}
      error={Boolean(error)}
      helperText={error}
      aria-invalid={Boolean(state.errors[field])}
      data-testid={`settings-field-${name}-${field}`}
    />
  );
};

/** The shop's channels to tick (none: every channel); a slug Saleor no longer lists stays shown. */
const ChannelsField = ({ state, prefix }: { state: SectionState<OfferDraft>; prefix: string }) => {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const channels = useSaleorChannels();
  const known = channels.data?.channels ?? [];
  const chosen = state.form.channels;
  const gone = chosen.filter((slug) => !known.some((c) => c.slug === slug));
  const toggle = (slug: string, on: boolean) => state.set("channels", channelsChecked(on ? [...chosen, slug] : chosen.filter((s) => s !== slug)));
  return (
    <Box as="fieldset" borderWidth={0} padding={0} margin={0} display="flex" flexDirection="column" gap={2} data-testid={`${prefix}-channels`}>
      <Box as="legend" paddingBottom={1}>
        <Text size={3} fontWeight="medium">
          {t("settings.offers.channels")}
        </Text>
      </Box>
      {channels.isPending && (
        <Text size={2} color="default2">
          {t("settings.offers.channelsLoading")}
        </Text>
      )}
      {channels.isError && (
        <Text size={2} color="critical1" data-testid={`${prefix}-channels-error`}>
          {t("settings.offers.channelsUnavailable")}
        </Text>
      )}
      <Box display="flex" gap={4} flexWrap="wrap">
        {known.map((channel) => (
          <Checkbox key={channel.slug} checked={chosen.includes(channel.slug)} onCheckedChange={(c) => toggle(channel.slug, c === true)} data-testid={`${prefix}-channel-${channel.slug}`}>
            <Text size={3}>{`${channel.name} (${channel.currencyCode})`}</Text>
          </Checkbox>
        ))}
        {gone.map((slug) => (
          <Checkbox key={slug} checked onCheckedChange={() => toggle(slug, false)} data-testid={`${prefix}-channel-${slug}`}>
            <Text size={3}>{intl.formatMessage({ id: "settings.offers.channelGone" }, { slug })}</Text>
          </Checkbox>
        ))}
      </Box>
      <Text size={2} color="default2">
        {t("settings.offers.channelsHint")}
      </Text>
    </Box>
  );
};

const OfferFields = ({ state, prefix, zone }: { state: SectionState<OfferDraft>; prefix: string; zone: string }) => {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const { form, set, errors } = state;
  return (
    <>
      <FieldRow>
        <TextField name={`${prefix}Title`} label={t("settings.offers.offerTitle")} value={form.title} onChange={(v) => set("title", v)} error={errors.title} />
        <TextField name={`${prefix}Url`} label={t("settings.offers.url")} hint={t("settings.offers.urlHint")} value={form.url} onChange={(v) => set("url", v)} error={errors.url} />
        <TextField name={`${prefix}Priority`} label={t("settings.offers.priority")} hint={t("settings.offers.priorityHint")} value={form.priority} onChange={(v) => set("priority", v)} error={errors.priority} />
      </FieldRow>
      <TextField name={`${prefix}Text`} label={t("settings.offers.text")} value={form.text} onChange={(v) => set("text", v)} error={errors.text} />
      <Box display="grid" gap={4} __gridTemplateColumns="repeat(auto-fit, minmax(200px, 1fr))" alignItems="start">
        <WhenField state={state} name={prefix} field="startDate" type="date" />
        <WhenField state={state} name={prefix} field="startTime" type="time" />
        <WhenField state={state} name={prefix} field="endDate" type="date" />
        <WhenField state={state} name={prefix} field="endTime" type="time" />
      </Box>
      <Text as="p" size={2} color="default2" data-testid={`${prefix}-zone`}>
        {intl.formatMessage({ id: "settings.offers.zone" }, { zone: zoneNamed(zone, Date.now()) })}
      </Text>
      <ChannelsField state={state} prefix={prefix} />
    </>
  );
};

/** Editing an offer in a dialog: its fields as they are, saved with updateOffer (the condition
 * kept); the API's refusal at its field, the dialog kept open. */
const EditOffer = ({ offer, zone, onDone }: { offer: Offer; zone: string; onDone: () => void }) => {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string>) => intl.formatMessage({ id }, values);
  const update = useUpdateOffer();
  const state = useSection<OfferDraft>({
    initial: offerForm(offer, zone),
    check: (_initial, form) => checkOfferEdit(offer, form, zone),
    save: async (input) => {
      await update(offer.id, input);
      onDone();
    },
    savedTitle: t("settings.offers.saved"),
  });
  return (
    <ModalCard open title={t("settings.offers.editTitle", { title: offer.title })} onClose={onDone} cardTestId="offer-edit-dialog">
      <form onSubmit={state.submit} noValidate aria-label={t("settings.offers.editTitle", { title: offer.title })}>
        <Box display="flex" flexDirection="column" gap={4}>
          <OfferFields state={state} prefix="editOffer" zone={zone} />
          {offer.condition !== null && (
            <Text size={2} color="default2">
              {t("settings.offers.conditionKept")}
            </Text>
          )}
          {state.formError && (
            <Text role="alert" size={3} color="critical1">
              {state.formError}
            </Text>
          )}
          <Box display="flex" justifyContent="flex-end" gap={3}>
            <Button type="button" variant="secondary" onClick={onDone} disabled={state.saving} data-testid="offer-edit-cancel">
              {t("settings.offers.cancel")}
            </Button>
            <Button type="submit" variant="primary" disabled={state.saving || !state.dirty} data-testid="offer-edit-save">
              {t(state.saving ? "settings.saving" : "settings.save")}
            </Button>
          </Box>
        </Box>
      </form>
    </ModalCard>
  );
};

const NewOffer = ({ zone, onCreated }: { zone: string; onCreated: () => void }) => {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const create = useCreateOffer();
  const state = useSection<OfferDraft>({
    initial: EMPTY_DRAFT,
    check: (_initial, form) => checkOfferDraft(form, zone),
    save: async (input) => {
      await create(input);
      onCreated();
    },
    savedTitle: t("settings.offers.created"),
  });
  return (
    <SectionForm id="new-offer" title={t("settings.offers.new")} state={state}>
      <OfferFields state={state} prefix="offer" zone={zone} />
    </SectionForm>
  );
};

export const OffersSection = () => {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string>) => intl.formatMessage({ id }, values);
  const offers = useOffers();
  const locale = useAppLocale();
  const saleorChannels = useSaleorChannels();
  const zone = offers.data?.shopTimeZone ?? "UTC";
  const now = Date.now();
  const when = (offer: Offer): string => {
    const at = (iso: string) => formatDateTime(iso, locale, zone);
    if (offer.startsAt && offer.endsAt) return t("settings.offers.when.between", { start: at(offer.startsAt), end: at(offer.endsAt) });
    if (offer.startsAt) return t("settings.offers.when.from", { start: at(offer.startsAt) });
    if (offer.endsAt) return t("settings.offers.when.until", { end: at(offer.endsAt) });
    return t("settings.offers.when.always");
  };
  const setActive = useSetOfferActive();
  const notify = useNotify();
  const notifyError = useNotifyError();
  const [formKey, setFormKey] = useState(0);
  const [deactivating, setDeactivating] = useState<Offer | null>(null);
  const [editing, setEditing] = useState<Offer | null>(null);
  const [deleting, setDeleting] = useState<Offer | null>(null);
  const remove = useDeleteOffer();
  const confirmDelete = (offer: Offer) =>
    remove.mutate(offer.id, {
      onSuccess: () => {
        notify({ status: "success", title: t("settings.offers.deleted", { title: offer.title }) });
        setDeleting(null);
      },
      onError: (error) => notifyError(t("settings.offers.deleteFailed"), error),
    });
  const toggle = (offer: Offer, active: boolean) =>
    setActive.mutate(
      { id: offer.id, active },
      {
        onSuccess: () => {
          notify({ status: "success", title: t(active ? "settings.offers.activated" : "settings.offers.deactivated", { title: offer.title }) });
          setDeactivating(null);
        },
        onError: (error) => notifyError(t("settings.offers.toggleFailed"), error),
      },
    );
  return (
    <Box as="section" aria-labelledby="settings-offers-heading" display="flex" flexDirection="column" gap={4} data-testid="settings-section-offers">
      <Text as="h2" id="settings-offers-heading" size={7} fontWeight="bold">
        {t("settings.offers.title")}
      </Text>
      <Text as="p" size={3} color="default2">
        {t("settings.offers.text.intro")}
      </Text>
      {offers.isPending && <LoadingState label={t("settings.offers.loading")} />}
      {offers.isError && <ErrorState error={offers.error} onRetry={() => void offers.refetch()} />}
      {offers.data && offers.data.offers.length === 0 && (
        <Text size={3} data-testid="offers-empty">
          {t("settings.offers.empty")}
        </Text>
      )}
      {offers.data && offers.data.offers.length > 0 && (
        <Box as="table" width="100%" __borderCollapse="collapse" data-testid="offers-table">
          <caption style={{ textAlign: "left" }}>
            <Text size={3} color="default2">
              {t("settings.offers.caption")}
            </Text>
          </caption>
          <thead>
            <tr>
              {["offerTitle", "url", "priority", "when", "channels", "state", "actions"].map((column) => (
                <Box as="th" key={column} {...cell} borderBottomStyle="solid" borderBottomWidth={1} borderColor="default1">
                  <Text size={3} fontWeight="medium">
                    {t(`settings.offers.${column}`)}
                  </Text>
                </Box>
              ))}
            </tr>
          </thead>
          <tbody>
            {offers.data.offers.map((offer) => (
              <tr key={offer.id} data-testid="offer-row">
                <Box as="th" {...cell} scope="row">
                  <Text size={3} fontWeight="medium">
                    {offer.title}
                  </Text>
                  {offer.text && (
                    <Text as="p" size={2} color="default2">
                      {offer.text}
                    </Text>
                  )}
                </Box>
                <Box as="td" {...cell}>
                  <Text size={3}>{offer.url}</Text>
                </Box>
                <Box as="td" {...cell}>
                  <Text size={3}>{offer.priority}</Text>
                </Box>
                <Box as="td" {...cell} data-testid="offer-when">
                  <Text size={3}>{when(offer)}</Text>
                </Box>
                <Box as="td" {...cell} data-testid="offer-channels">
                  <Text size={3}>{offer.channels.length === 0 ? t("settings.offers.allChannels") : channelNames(offer.channels, saleorChannels.data?.channels ?? []).join(", ")}</Text>
                </Box>
                <Box as="td" {...cell} data-testid="offer-status">
                  <Text size={3} color={STATUS_COLOR[offerStatus(offer, now)]}>
                    {t(`settings.offers.status.${offerStatus(offer, now)}`)}
                    {offer.condition !== null ? ` · ${t("settings.offers.conditional")}` : ""}
                  </Text>
                </Box>
                <Box as="td" {...cell}>
                  <Box display="flex" gap={2} flexWrap="wrap">
                    <Button variant="secondary" size="small" onClick={() => setEditing(offer)} aria-label={t("settings.offers.editOf", { title: offer.title })} data-testid="offer-edit">
                      {t("settings.offers.edit")}
                    </Button>
                    <Button
                      variant="secondary"
                      size="small"
                      disabled={setActive.isPending}
                      onClick={() => (offer.active ? setDeactivating(offer) : toggle(offer, true))}
                      aria-label={t(offer.active ? "settings.offers.deactivateOf" : "settings.offers.activateOf", { title: offer.title })}
                    >
                      {t(offer.active ? "settings.offers.deactivate" : "settings.offers.activate")}
                    </Button>
                    <Button variant="secondary" size="small" onClick={() => setDeleting(offer)} aria-label={t("settings.offers.deleteOf", { title: offer.title })} data-testid="offer-delete">
                      {t("settings.offers.delete")}
                    </Button>
                  </Box>
                </Box>
              </tr>
            ))}
          </tbody>
        </Box>
      )}
      {offers.data && (
        <Text as="p" size={3} color="default2" data-testid="offers-zone">
          {t("settings.offers.zoneIntro", { zone: zoneNamed(zone, now) })}
        </Text>
      )}
      <NewOffer key={`${formKey}-${zone}`} zone={zone} onCreated={() => setFormKey((k) => k + 1)} />
      <ConfirmDialog
        open={deactivating !== null}
        title={t("settings.offers.confirmTitle", { title: deactivating?.title ?? "" })}
        description={t("settings.offers.confirmText")}
        confirmLabel={t("settings.offers.deactivate")}
        busy={setActive.isPending}
        onConfirm={() => deactivating && toggle(deactivating, false)}
        onCancel={() => setDeactivating(null)}
      />
      {editing && <EditOffer key={editing.id} offer={editing} zone={zone} onDone={() => setEditing(null)} />}
      <ConfirmDialog
        open={deleting !== null}
        tone="error"
        title={t("settings.offers.deleteTitle", { title: deleting?.title ?? "" })}
        description={t(deleting?.active ? "settings.offers.deleteTextActive" : "settings.offers.deleteText")}
        confirmLabel={t("settings.offers.delete")}
        busy={remove.isPending}
        onConfirm={() => deleting && confirmDelete(deleting)}
        onCancel={() => setDeleting(null)}
      />
    </Box>
  );
};
