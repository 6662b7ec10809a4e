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

/**
 * directiveGapEnd as a regular expression: blanks, line continuations, and block comments closed on the directive's
 * line.
 */
export const DIRECTIVE_GAP = `(?:${DIRECTIVE_BLANK}|\\\\\\r?\\n|/\\*(?:[^*\\n]|\\*(?!/)|(?<=\\\\\\r?)\\n)*\\*/)*`;

const BACKSLASH = 92;
const NEWLINE = 10;
const CR = 13;

/** The length of the line continuation (`\` and a line end) at `i`, else 0. */
function continuationAt(b: Uint8Array, i: number): number {
  if (b[i] !== BACKSLASH) return 0;
  if (b[i + 1] === NEWLINE) return 2;
  return b[i + 1] === CR && b[i + 2] === NEWLINE ? 3 : 0;
}

/**
 * Where the blanks, line continuations and block comments from `s` end, between two tokens of a directive: cpp splices
 * continued lines and reads each comment as a blank before it reads a directive. A comment not closed on the
 * directive's line is not skipped (the directive's line is read as ending there).
 */
export function directiveGapEnd(b: Uint8Array, s: number): number {
  let i = s;
  for (;;) {
    const c = b[i];
    if (isDirectiveBlank(c)) i++;
    else if (c === BACKSLASH) {
      const n = continuationAt(b, i);
      if (n === 0) return i;
      i += n;
    } else if (c === 47 /* / */ && b[i + 1] === 42 /* * */) {
      let k = i + 2;
      while (k < b.length && !(b[k] === 42 && b[k + 1] === 47)) {
        if (b[k] === NEWLINE && !(b[k - 1] === BACKSLASH || (b[k - 1] === CR && b[k - 2] === BACKSLASH))) return i;
        k++;
      }
      if (k >= b.length) return i;
      i = k + 2;
    } else return i;
  }
}

/** Whether the gap `s..e` (directiveGapEnd's) separates two tokens: it holds a blank or a comment, not only splices. */
export function gapSeparates(b: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (b[i] !== BACKSLASH && b[i] !== NEWLINE && b[i] !== CR) return true;
  return false;
}

/** Blanks between a name and its `(`: spaces, tabs, line ends, and the `\` of a line continuation. */
export const isBlankOrContinuation = (c: number) =>
  c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11 || c === 92;
