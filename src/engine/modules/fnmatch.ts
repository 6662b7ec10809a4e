/**
 * fnmatch(3) with flags 0, as glibc implements it in the C locale: the matcher kmod applies to modules.alias
 * patterns. `*` and `?` match any character (no FNM_PATHNAME / FNM_PERIOD), `\` escapes, and `[...]` takes
 * `!` or `^` negation, a leading `]`, ranges, `[:class:]`, and single-character `[=c=]` / `[.c.]`.
 * An unterminated `[` is an ordinary character. Characters compare by code unit (bytes for ASCII names).
 */
export function fnmatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  // Position after the last `*` seen and the text position it is currently assumed to cover up to.
  let starP = -1;
  let starT = -1;
  while (t < text.length) {
    if (p < pattern.length) {
      const c = pattern[p];
      if (c === '*') {
        starP = ++p;
        starT = t;
        continue;
      }
      if (c === '?') {
        p++;
        t++;
        continue;
      }
      const step = c === '[' ? matchBracket(pattern, p, text.charCodeAt(t)) : matchLiteral(pattern, p, text[t]);
      if (step > 0) {
        p = step;
        t++;
        continue;
      }
    }
    if (starP < 0) return false;
    p = starP;
    t = ++starT;
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** Index of the first `*`, `?` or `[` (kmod's trie walks literally up to it), or -1. */
export function wildcardIndex(pattern: string): number {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*' || c === '?' || c === '[') return i;
  }
  return -1;
}

const NO_MATCH = -1;

/** A literal (or `\`-escaped) pattern character at p: the next pattern index when it equals ch, else NO_MATCH. */
function matchLiteral(pattern: string, p: number, ch: string): number {
  let c = pattern[p];
  if (c === '\\') {
    // A trailing backslash never matches.
    if (p + 1 >= pattern.length) return NO_MATCH;
    c = pattern[++p];
  }
  return c === ch ? p + 1 : NO_MATCH;
}

/**
 * The bracket expression opening at `open` against the code unit `ch`, scanned the way glibc scans it: the first
 * member that matches ends the scan (the rest is then skipped, and must be terminated); running off the end without
 * a match makes the `[` an ordinary character. Returns the pattern index after the expression, or NO_MATCH.
 */
function matchBracket(pattern: string, open: number, ch: number): number {
  const at = (i: number): string => (i < pattern.length ? pattern[i] : '\0');
  let p = open + 1;
  const negate = at(p) === '!' || at(p) === '^';
  if (negate) p++;
  const matched = (from: number): number => (negate ? NO_MATCH : skipRest(pattern, from));
  let c = at(p++);
  for (;;) {
    // Each member sets `low` (the character it denotes) and `isRange`, or is a class and continues.
    let low: string;
    let isRange: boolean;
    const cls = c === '[' && at(p) === ':' ? readClassName(pattern, p) : null;
    if (c === '\0') {
      return ch === 0x5b ? open + 1 : NO_MATCH;
    } else if (cls !== null) {
      const test = CHARACTER_CLASSES.get(cls.name);
      if (test === undefined) return NO_MATCH;
      if (test(ch)) return matched(cls.end);
      p = cls.end;
      c = at(p++);
      if (c === ']') break;
      continue;
    } else if (c === '[' && at(p) === '=' && at(p + 1) !== '\0' && at(p + 2) === '=' && at(p + 3) === ']') {
      // Equivalence class: in the C locale a character is only equivalent to itself.
      if (at(p + 1).charCodeAt(0) === ch) return matched(p + 4);
      p += 4;
      c = at(p++);
      if (c === ']') break;
      continue;
    } else if (c === '[' && at(p) === '.') {
      // Collating symbol: the C locale has only single characters.
      const close = pattern.indexOf('.]', p + 1);
      if (close < 0 || close !== p + 2) return NO_MATCH;
      low = at(p + 1);
      p = close + 2;
      isRange = at(p) === '-' && at(p + 1) !== '\0';
    } else {
      if (c === '\\') {
        if (at(p) === '\0') return NO_MATCH;
        c = at(p++);
      }
      low = c;
      isRange = at(p) === '-' && at(p + 1) !== '\0' && at(p + 1) !== ']';
    }
    if (!isRange && low.charCodeAt(0) === ch) return matched(p);
    c = at(p++);
    if (c === '-' && at(p) !== ']') {
      let high = at(p++);
      if (high === '\\') high = at(p++);
      if (high === '\0') return NO_MATCH;
      if (low.charCodeAt(0) <= ch && ch <= high.charCodeAt(0)) return matched(p);
      c = at(p++);
    }
    if (c === ']') break;
  }
  return negate ? p : NO_MATCH;
}

/** `[:name:]` starting at the `:` after `[`: the name and the index after `:]`, or null when it cannot be one. */
function readClassName(pattern: string, colon: number): { name: string; end: number } | null {
  for (let i = colon + 1; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === ':' && pattern[i + 1] === ']') return { name: pattern.slice(colon + 1, i), end: i + 2 };
    // glibc's own test (which excludes `z`): anything else cannot be part of a class name.
    if (c < 'a' || c >= 'z') return null;
  }
  return null;
}

/** After a member matched, skip to the closing `]`; an unterminated expression then fails (glibc's rule). */
function skipRest(pattern: string, from: number): number {
  let p = from;
  for (;;) {
    if (p >= pattern.length) return NO_MATCH;
    const c = pattern[p++];
    if (c === ']') return p;
    if (c === '\\') {
      if (p >= pattern.length) return NO_MATCH;
      p++;
    } else if (c === '[' && pattern[p] === ':') {
      const cls = readClassName(pattern, p);
      if (cls !== null) p = cls.end;
    } else if (c === '[' && (pattern[p] === '=' || pattern[p] === '.')) {
      const close = pattern.indexOf(pattern[p] + ']', p + 2);
      if (close < 0) return NO_MATCH;
      p = close + 2;
    }
  }
}

const inRange = (c: number, lo: string, hi: string): boolean => c >= lo.charCodeAt(0) && c <= hi.charCodeAt(0);
const isUpper = (c: number): boolean => inRange(c, 'A', 'Z');
const isLower = (c: number): boolean => inRange(c, 'a', 'z');
const isDigit = (c: number): boolean => inRange(c, '0', '9');
const isAlpha = (c: number): boolean => isUpper(c) || isLower(c);
const isAlnum = (c: number): boolean => isAlpha(c) || isDigit(c);
const isGraph = (c: number): boolean => c > 0x20 && c < 0x7f;

/** The C locale's character classes (a Map: a class named `toString` or `constructor` is no class). */
const CHARACTER_CLASSES = new Map<string, (c: number) => boolean>([
  ['alnum', isAlnum],
  ['alpha', isAlpha],
  ['blank', (c) => c === 0x20 || c === 0x09],
  ['cntrl', (c) => c < 0x20 || c === 0x7f],
  ['digit', isDigit],
  ['graph', isGraph],
  ['lower', isLower],
  ['print', (c) => c >= 0x20 && c < 0x7f],
  ['punct', (c) => isGraph(c) && !isAlnum(c)],
  ['space', (c) => c === 0x20 || (c >= 0x09 && c <= 0x0d)],
  ['upper', isUpper],
  ['xdigit', (c) => isDigit(c) || inRange(c, 'a', 'f') || inRange(c, 'A', 'F')],
]);
