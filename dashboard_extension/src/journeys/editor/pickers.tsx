/**
 * The side panel's pickers: what a field names, chosen from what the shop has (event types
 * seen, segments with their counts, templates with a preview, static lists) and from Saleor's
 * own API (channels, products).
 */
import { Box, Button, Input, Text } from "@saleor/macaw-ui";
import { useId, useState } from "react";
import { useIntl } from "react-intl";

import { useEventTypes, useSaleorChannels, useSaleorProducts, useSegments, useStaticLists, useTemplatePreview, useTemplates } from "./api";
import { type FieldProps, Group, PairsField, Row, SelectField, TextField } from "./field-parts";
import { pkOf } from "./summary";
import { isObject } from "./types";

export const EventTypeField = (props: FieldProps) => {
  const listId = useId();
  const intl = useIntl();
  const { data } = useEventTypes();
  return (
    <>
      <TextField {...props} list={listId} />
      <datalist id={listId}>
        {(data?.eventTypes ?? []).map((e) => (
          <option key={e.type} value={e.type}>
            {intl.formatMessage({ id: "editor.picker.eventCount" }, { count: e.count })}
          </option>
        ))}
      </datalist>
    </>
  );
};

export const EntryKeyField = (props: FieldProps & { eventType: string }) => {
  const listId = useId();
  const { data } = useEventTypes();
  const properties = data?.eventTypes.find((e) => e.type === props.eventType)?.properties;
  const names = Array.isArray(properties) ? properties.map(String) : isObject(properties) ? Object.keys(properties) : [];
  return (
    <>
      <TextField {...props} list={listId} />
      <datalist id={listId}>
        {names.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
    </>
  );
};

export const SegmentField = (props: FieldProps) => {
  const intl = useIntl();
  const { data, isLoading } = useSegments();
  const options = (data?.segments ?? [])
    .filter((s) => s.status !== "ARCHIVED" && s.status !== "archived")
    .map((s) => ({
      value: String(pkOf("Segment", s.id) ?? ""),
      label: intl.formatMessage({ id: "editor.picker.segment" }, { name: s.name, count: s.memberCount }),
    }));
  return (
    <SelectField
      {...props}
      value={typeof props.value === "number" ? String(props.value) : null}
      onChange={(v) => props.onChange(typeof v === "string" && v ? Number(v) : undefined)}
      options={isLoading ? [] : options}
    />
  );
};

export const TemplateField = (props: FieldProps) => {
  const intl = useIntl();
  const { data } = useTemplates();
  const templates = (data?.templates ?? []).filter((t) => t.channel === props.spec.channel);
  const chosen = templates.find((t) => t.key === props.value) ?? null;
  const preview = useTemplatePreview(props.spec.channel === "email" && chosen ? chosen.id : null);
  return (
    <Box display="flex" flexDirection="column" gap={2}>
      <SelectField
        {...props}
        options={[
          // A key the shop has no template for stays visible (publishing names it as missing).
          ...(typeof props.value === "string" && props.value && !chosen && data
            ? [{ value: props.value, label: intl.formatMessage({ id: "editor.picker.missingTemplate" }, { key: props.value }) }]
            : []),
          ...templates.map((t) => ({ value: t.key, label: `${t.name} (${t.key})` })),
        ]}
      />
      {chosen && preview.data && (
        <Box display="flex" flexDirection="column" gap={1} data-testid="template-preview">
          <Text size={2} color="default2">
            {intl.formatMessage({ id: "editor.picker.previewSubject" }, { subject: preview.data.templatePreview.subject })}
          </Text>
          <iframe
            title={intl.formatMessage({ id: "editor.picker.preview" }, { name: chosen.name })}
            sandbox=""
            srcDoc={preview.data.templatePreview.html}
            style={{ width: "100%", height: 240, border: 0, background: "white" }}
          />
        </Box>
      )}
    </Box>
  );
};

export const ListField = (props: FieldProps) => {
  const listId = useId();
  const intl = useIntl();
  const { data } = useStaticLists();
  return (
    <>
      <TextField {...props} list={listId} />
      <datalist id={listId}>
        {(data?.staticLists ?? []).map((l) => (
          <option key={l.key} value={l.key}>
            {intl.formatMessage({ id: "editor.picker.list" }, { name: l.name, count: l.memberCount })}
          </option>
        ))}
      </datalist>
    </>
  );
};

export const VoucherValuesField = (props: FieldProps) => {
  const intl = useIntl();
  const channels = useSaleorChannels();
  const keys = [
    { value: "*", label: intl.formatMessage({ id: "editor.picker.everyChannel" }) },
    ...(channels.data?.channels ?? []).map((c) => ({ value: c.slug, label: `${c.name} (${c.currencyCode})` })),
  ];
  return (
    <>
      <PairsField
        {...props}
        onChange={(v) =>
          props.onChange(
            isObject(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeof x === "string" && x.trim() !== "" && Number.isFinite(Number(x)) ? x.trim() : x])) : v,
          )
        }
        keys={keys}
        keyLabel={intl.formatMessage({ id: "editor.picker.channel" })}
        valueLabel={intl.formatMessage({ id: "editor.field.value" })}
      />
      {channels.isError && (
        <Text size={2} color="default2">
          {intl.formatMessage({ id: "editor.picker.channelsUnavailable" })}
        </Text>
      )}
    </>
  );
};

export const ProductPicker = ({ ids, onChange }: { ids: string[]; onChange: (ids: string[]) => void }) => {
  const intl = useIntl();
  const [search, setSearch] = useState("");
  const chosen = useSaleorProducts("", ids);
  const found = useSaleorProducts(search, []);
  const names = new Map((chosen.data?.products?.edges ?? []).map((e) => [e.node.id, e.node.name]));
  return (
    <Group label={intl.formatMessage({ id: "editor.condition.products" })}>
      {ids.map((id) => (
        <Row key={id}>
          <Text size={3}>{names.get(id) ?? id}</Text>
          <Button variant="tertiary" size="small" onClick={() => onChange(ids.filter((x) => x !== id))}>
            {intl.formatMessage({ id: "editor.remove" })}
          </Button>
        </Row>
      ))}
      <Input label={intl.formatMessage({ id: "editor.condition.productSearch" })} value={search} onChange={(e) => setSearch(e.target.value)} />
      {search && (
        <Box display="flex" flexDirection="column" gap={1}>
          {(found.data?.products?.edges ?? []).map(({ node }) => (
            <Button key={node.id} variant="tertiary" size="small" disabled={ids.includes(node.id)} onClick={() => onChange([...ids, node.id])}>
              {node.name}
            </Button>
          ))}
          {found.isError && <Text size={2}>{intl.formatMessage({ id: "editor.picker.productsUnavailable" })}</Text>}
        </Box>
      )}
    </Group>
  );
};
