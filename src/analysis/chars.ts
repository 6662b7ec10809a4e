/** Byte classes the byte-level scans share (the prefilter, the name index, the region finder). */

/** 1 for bytes that can be part of a C identifier: letters, digits, `_`. */
export const IDENT = new Uint8Array(256);
for (let c = 0; c < 256; c++)
  IDENT[c] = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 ? 1 : 0;

/**
 * Where the identifier holding offset `at` ends. A search for a name resumes there when a match follows an identifier
 * character: every match up to that end is inside the same longer name (a run of 48,000 `a`s holds 48,000 matches of
 * a name of `a`s, each of which cost the name's length to compare).
 */
export function identifierEnd(text: Uint8Array | string, at: number): number {
  let i = at;
  if (typeof text === 'string') while (i < text.length && IDENT[text.charCodeAt(i)] === 1) i++;
  else while (i < text.length && IDENT[text[i]] === 1) i++;
  return i;
}

/** What `\s` matches in text decoded as latin1: tab to carriage return, space, no-break space. */
export const isLatin1Space = (c: number | undefined) =>
  c !== undefined && ((c >= 9 && c <= 13) || c === 32 || c === 160);

/**
 * Blanks inside a preprocessor directive's line, as cpp reads them: space, tab, vertical tab, form feed. Every
 * byte-level reading of a directive (`#include`, `#define`) and the patterns of the analysis use this one rule.
 */
export const isDirectiveBlank = (c: number | undefined) => c === 32 || c === 9 || c === 11 || c === 12;
/** isDirectiveBlank as a regular expression's character class. */
export const DIRECTIVE_BLANK = '[ \\t\\v\\f]';

/** Blanks between a name and its `(`: spaces, tabs, line ends, and the `\` of a line continuation. */
export const isBlankOrContinuation = (c: number) =>
  c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11 || c === 92;
