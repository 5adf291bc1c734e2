/** The offer pool: the offers with their state, a new offer, editing one, switching one on or
 * off, deleting one (after a confirmation that suggests deactivating instead). */
import { Box, Button, Text } from "@saleor/macaw-ui";
import { useState } from "react";
import { useIntl } from "react-intl";

import { ConfirmDialog } from "../../components/confirm-dialog";
import { ModalCard } from "../../components/modal-card";
import { ErrorState } from "../../components/error-state";
import { LoadingState } from "../../components/loading-state";
import { useNotify, useNotifyError } from "../../hooks/use-notify";
import { checkOfferEdit, offerForm } from "../offers";
import { checkOffer, EMPTY_OFFER, type OfferForm } from "../provider-forms";
import { FieldRow, SectionForm, type SectionState, TextField, useSection } from "../section-form";
import type { Offer } from "../types";
import { useCreateOffer, useDeleteOffer, useOffers, useSetOfferActive, useUpdateOffer } from "../use-settings";

const cell = { paddingY: 2, paddingX: 3, textAlign: "left" } as const;

const OfferFields = ({ state, prefix }: { state: SectionState<OfferForm>; prefix: string }) => {
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
    </>
  );
};

/** Editing an offer in a dialog: its fields as they are, saved with updateOffer (the condition
 * kept); the API's refusal at its field, the dialog kept open. */
const EditOffer = ({ offer, onDone }: { offer: Offer; onDone: () => void }) => {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string>) => intl.formatMessage({ id }, values);
  const update = useUpdateOffer();
  const state = useSection<OfferForm>({
    initial: offerForm(offer),
    check: (_initial, form) => checkOfferEdit(offer, form),
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
          <OfferFields state={state} prefix="editOffer" />
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

const NewOffer = ({ onCreated }: { onCreated: () => void }) => {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const create = useCreateOffer();
  const state = useSection<OfferForm>({
    initial: EMPTY_OFFER,
    check: (_initial, form) => checkOffer(form),
    save: async (input) => {
      await create(input);
      onCreated();
    },
    savedTitle: t("settings.offers.created"),
  });
  return (
    <SectionForm id="new-offer" title={t("settings.offers.new")} state={state}>
      <OfferFields state={state} prefix="offer" />
    </SectionForm>
  );
};

export const OffersSection = () => {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string>) => intl.formatMessage({ id }, values);
  const offers = useOffers();
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
      {offers.data && offers.data.length === 0 && (
        <Text size={3} data-testid="offers-empty">
          {t("settings.offers.empty")}
        </Text>
      )}
      {offers.data && offers.data.length > 0 && (
        <Box as="table" width="100%" __borderCollapse="collapse" data-testid="offers-table">
          <caption style={{ textAlign: "left" }}>
            <Text size={3} color="default2">
              {t("settings.offers.caption")}
            </Text>
          </caption>
          <thead>
            <tr>
              {["offerTitle", "url", "priority", "state", "actions"].map((column) => (
                <Box as="th" key={column} {...cell} borderBottomStyle="solid" borderBottomWidth={1} borderColor="default1">
                  <Text size={3} fontWeight="medium">
                    {t(`settings.offers.${column}`)}
                  </Text>
                </Box>
              ))}
            </tr>
          </thead>
          <tbody>
            {offers.data.map((offer) => (
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
                <Box as="td" {...cell}>
                  <Text size={3} color={offer.active ? "success1" : "default2"}>
                    {t(offer.active ? "settings.offers.active" : "settings.offers.inactive")}
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
      <NewOffer key={formKey} onCreated={() => setFormKey((k) => k + 1)} />
      <ConfirmDialog
        open={deactivating !== null}
        title={t("settings.offers.confirmTitle", { title: deactivating?.title ?? "" })}
        description={t("settings.offers.confirmText")}
        confirmLabel={t("settings.offers.deactivate")}
        busy={setActive.isPending}
        onConfirm={() => deactivating && toggle(deactivating, false)}
        onCancel={() => setDeactivating(null)}
      />
      {editing && <EditOffer key={editing.id} offer={editing} onDone={() => setEditing(null)} />}
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
