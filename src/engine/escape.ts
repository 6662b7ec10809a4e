/**
 * Text from traces, modules metadata, sources and file names, made safe to show a person: in a terminal (the CLI's
 * text reports and messages), in the editor (hovers, tree items, notifications, the log) and in SARIF viewers.
 * Such text can hold escape sequences that drive a terminal (ESC, CSI, OSC, BEL), line breaks that forge lines, and
 * Unicode bidi controls that reorder what is shown ("Trojan Source", CVE-2021-42574), so a name reads as another.
 *
 * Escaped, each as a visible sequence:
 * - C0 controls (`\n`, `\r`, `\t`, else `\x1b`...), DEL and C1 controls (`\x9b`);
 * - the bidi embeddings, overrides and their terminator U+202A–U+202E, and the isolates U+2066–U+2069 (`\u202e`);
 * - the bidi marks U+200E (LRM), U+200F (RLM) and U+061C (ALM): invisible, and they reorder the neutral characters
 *   around them (`-`, `.`, digits). None belongs in a module name, a task name or a kernel path;
 * - the line and paragraph separators U+2028 and U+2029, which some viewers break lines at.
 */

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The same characters without C0, which JSON.stringify already escapes (and whose `\n` lays out JSON text). */
const CONTROL_LEFT_BY_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const hex = (c: string, digits: number): string => c.charCodeAt(0).toString(16).padStart(digits, '0');

/** `text` with every character above replaced by a visible escape; a string without them is returned as it is. */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return c.charCodeAt(0) <= 0xff ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`;
  });
}

const HAS_CONTROL = new RegExp(CONTROL.source);

/** Whether `text` holds none of the characters escapeControl replaces (what escapeControl leaves unchanged). */
export function isShowable(text: string): boolean {
  return !HAS_CONTROL.test(text);
}

/**
 * JSON text with the characters above that JSON.stringify leaves raw (DEL, C1, bidi, separators) written as `\u`
 * escapes: the same values once parsed, and a report shown raw (`cat report.json`) cannot drive the terminal.
 */
export function escapeControlInJson(json: string): string {
  return json.replace(CONTROL_LEFT_BY_JSON, (c) => `\\u${hex(c, 4)}`);
}
