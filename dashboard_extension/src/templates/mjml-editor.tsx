import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { xml } from "@codemirror/lang-xml";
import { bracketMatching, HighlightStyle, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { lintGutter, setDiagnostics } from "@codemirror/lint";
import { Compartment, EditorState } from "@codemirror/state";
import { drawSelection, EditorView, highlightActiveLineGutter, keymap, lineNumbers } from "@codemirror/view";
import { tags } from "@lezer/highlight";
import { Box, Text, useTheme, vars } from "@saleor/macaw-ui";
import { forwardRef, useEffect, useId, useImperativeHandle, useRef } from "react";

import type { Marker } from "./markers";

/** The editor in macaw-ui's tokens (CSS variables): it follows the Dashboard's light or dark theme. */
const dashboardTheme = (dark: boolean) =>
  EditorView.theme(
    {
      "&": {
        color: vars.colors.text.default1,
        backgroundColor: vars.colors.background.default1,
        fontSize: vars.fontSize[3],
        border: `1px solid ${vars.colors.border.default1}`,
        borderRadius: vars.borderRadius[3],
      },
      "&.cm-focused": { outline: "none", borderColor: vars.colors.border.accent1, boxShadow: `0 0 0 1px ${vars.colors.border.accent1}` },
      ".cm-scroller": { fontFamily: '"Geist Mono", ui-monospace, monospace', lineHeight: "1.6", minHeight: "360px", maxHeight: "560px" },
      ".cm-content": { caretColor: vars.colors.text.default1, padding: `${vars.spacing[2]} 0` },
      ".cm-cursor, .cm-dropCursor": { borderLeftColor: vars.colors.text.default1 },
      ".cm-gutters": { backgroundColor: vars.colors.background.default2, color: vars.colors.text.default2, borderRight: `1px solid ${vars.colors.border.default1}` },
      ".cm-activeLineGutter": { backgroundColor: vars.colors.background.default3 },
      // Translucent: the selection layer lies under the text and the lint ranges.
      "&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, ::selection": {
        backgroundColor: `color-mix(in srgb, ${vars.colors.text.accent1} 22%, transparent)`,
      },
      ".cm-lintRange-error": { backgroundColor: `color-mix(in srgb, ${vars.colors.text.critical1} 12%, transparent)` },
      ".cm-tooltip": { backgroundColor: vars.colors.background.default1, color: vars.colors.text.default1, border: `1px solid ${vars.colors.border.default1}`, borderRadius: vars.borderRadius[2] },
      ".cm-diagnostic-error": { borderLeftColor: vars.colors.text.critical1 },
      ".cm-diagnosticSource": { color: vars.colors.text.default2 },
      ".cm-matchingBracket": { backgroundColor: vars.colors.background.default3, outline: `1px solid ${vars.colors.border.default1}` },
    },
    { dark },
  );

const highlighting = HighlightStyle.define([
  { tag: tags.tagName, color: vars.colors.text.accent1 },
  { tag: tags.attributeName, color: vars.colors.text.info1 },
  { tag: tags.attributeValue, color: vars.colors.text.success1 },
  { tag: [tags.angleBracket, tags.processingInstruction, tags.documentMeta], color: vars.colors.text.default2 },
  { tag: tags.comment, color: vars.colors.text.default2, fontStyle: "italic" },
  { tag: tags.invalid, color: vars.colors.text.critical1 },
]);

type Props = {
  label: string;
  /** Below the editor, and its description for assistive technology. */
  help: string;
  value: string;
  onChange: (value: string) => void;
  /** Lint markers of the content they were computed for (markers.ts). */
  markers: readonly Marker[];
  /** For the markers: they are set only while the document is the one they were computed for. */
  markedValue: string | null;
  testId?: string;
};

/**
 * MJML in CodeMirror 6 (XML mode): line numbers, brackets, undo history, and the errors that
 * templateValidate and templatePreview report shown as lint markers at their line and column.
 * Controlled: `value` replaces the document when it differs from what the editor holds.
 */
export type MjmlEditorHandle = {
  /** Select a range of the document, scroll it into view and focus the editor. */
  reveal: (from: number, to: number) => void;
};

export const MjmlEditor = forwardRef<MjmlEditorHandle, Props>(function MjmlEditor({ label, help, value, onChange, markers, markedValue, testId }, ref) {
  const labelId = useId();
  const helpId = useId();
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const themeSlot = useRef(new Compartment());
  const changed = useRef(onChange);
  changed.current = onChange;
  const dark = useTheme().theme === "defaultDark";

  useImperativeHandle(ref, () => ({
    reveal: (from, to) => {
      const editor = view.current;
      if (!editor) return;
      const length = editor.state.doc.length;
      editor.dispatch({
        selection: { anchor: Math.min(from, length), head: Math.min(to, length) },
        effects: EditorView.scrollIntoView(Math.min(from, length), { y: "center" }),
      });
      editor.focus();
    },
  }));

  useEffect(() => {
    if (!host.current) return;
    const editor = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          history(),
          drawSelection(),
          indentOnInput(),
          bracketMatching(),
          xml(),
          syntaxHighlighting(highlighting),
          lintGutter(),
          keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
          themeSlot.current.of(dashboardTheme(dark)),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ "aria-labelledby": labelId, "aria-describedby": helpId, "aria-multiline": "true", spellcheck: "false" }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) changed.current(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
    // The view is made once; value, markers and theme reach it through the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [labelId, helpId]);

  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== value) {
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
    }
  }, [value]);

  useEffect(() => {
    view.current?.dispatch({ effects: themeSlot.current.reconfigure(dashboardTheme(dark)) });
  }, [dark]);

  // Markers arrive for the content as it was when typing settled: set only while the document is
  // still that content (later edits move the markers already shown along with the text).
  useEffect(() => {
    const editor = view.current;
    if (!editor || markedValue === null || editor.state.doc.toString() !== markedValue) return;
    editor.dispatch(setDiagnostics(editor.state, [...markers]));
  }, [markers, markedValue]);

  return (
    <Box display="flex" flexDirection="column" gap={2} data-testid={testId}>
      <Box as="label" id={labelId} onClick={() => view.current?.focus()}>
        <Text size={2} color="default2">
          {label}
        </Text>
      </Box>
      <div ref={host} />
      <Text id={helpId} size={2} color="default2">
        {help}
      </Text>
    </Box>
  );
});
