/**
 * The MJML editor's lint markers: the staged errors templateValidate and templatePreview report
 * (stage, message, 1-based line and column, field) as ranges of the document the editor holds.
 * Only errors of the MJML field are placed; the subject's, the preheader's (and any other
 * field's) stay at their fields.
 */

export type StagedError = { stage: string; message: string; line: number | null; column: number | null; field: string };

export type Marker = {
  /** Document offsets (0-based, UTF-16 units, as CodeMirror counts them). */
  from: number;
  to: number;
  severity: "error";
  /** The stage that reported it (template, mjml, links or render). */
  source: string;
  message: string;
};

/** An error of the MJML source (the subject's and preheader's are shown at their own fields). */
export const isMjmlError = (error: { field: string }): boolean => error.field === "mjml";

type Line = { from: number; text: string };

/** The document's lines with their start offsets (\n, \r\n and \r end a line, as in CodeMirror). */
const linesOf = (doc: string): Line[] => {
  const lines: Line[] = [];
  const breaks = /\r\n|\r|\n/g;
  let from = 0;
  for (let match = breaks.exec(doc); match !== null; match = breaks.exec(doc)) {
    lines.push({ from, text: doc.slice(from, match.index) });
    from = match.index + match[0].length;
  }
  lines.push({ from, text: doc.slice(from) });
  return lines;
};

/**
 * How far a marker at `start` of a line reaches: a tag to its `>` (on the same line), a word to
 * its end, else one character; nothing at the end of the line.
 */
const extentAt = (text: string, start: number): number => {
  if (start >= text.length) return start;
  if (text[start] === "<") {
    const close = text.indexOf(">", start);
    return close === -1 ? text.length : close + 1;
  }
  const word = /^[\w.:-]+/.exec(text.slice(start));
  return start + (word ? word[0].length : 1);
};

/**
 * One marker per MJML error that has a line, clamped to the document: a line past the end marks
 * the last line, a column past the line's end its end; an error with a line and no column marks
 * the whole line (from its first non-blank character). Errors without a line are left out (the
 * list beside the editor names them).
 */
export const markersFor = (doc: string, errors: readonly StagedError[]): Marker[] => {
  const lines = linesOf(doc);
  const markers: Marker[] = [];
  for (const error of errors) {
    if (!isMjmlError(error) || error.line === null) continue;
    const line = lines[Math.min(Math.max(error.line, 1), lines.length) - 1];
    if (line === undefined) continue; // never: a document has a line
    let from: number;
    let to: number;
    if (error.column === null) {
      const indent = line.text.length - line.text.trimStart().length;
      from = indent === line.text.length ? 0 : indent;
      to = line.text.length;
    } else {
      from = Math.min(Math.max(error.column, 1) - 1, line.text.length);
      to = extentAt(line.text, from);
    }
    markers.push({ from: line.from + from, to: line.from + to, severity: "error", source: error.stage, message: error.message });
  }
  return markers.sort((a, b) => a.from - b.from || a.to - b.to);
};
