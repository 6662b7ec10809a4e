/**
 * Conditional groups cpp skips whatever the configuration: `#if 0` (and `#elif 0`), and the groups after a branch
 * whose condition is a non-zero number (`#if 1` … `#else`). The configuration being unknown, every other group is
 * read; these hold no call and no declaration, however the code in them reads.
 */
import { stripComments } from './cpp';
import { directiveGapEnd, identifierEnd, isDirectiveBlank } from './chars';
import { lineOf, type Lines } from './regions';

const CONDITIONALS = new Set(['if', 'ifdef', 'ifndef', 'elif', 'else', 'endif']);
const HASH = 0x23;
const NEWLINE = 0x0a;
const CR = 0x0d;
const NUMBER = /^\(*\s*(\d+)[uUlL]*\s*\)*$/;

interface Frame {
  /** The group being read is skipped. */
  dead: boolean;
  /** A branch before it is always taken: every later branch is skipped. */
  taken: boolean;
}

const known = new WeakMap<Lines, Uint8Array | null>();

/** Per line, 1 inside a group cpp always skips; null when the file has none (worked out once per file). */
export function deadGroupLines(lines: Lines): Uint8Array | null {
  let dead = known.get(lines);
  if (dead === undefined) known.set(lines, (dead = deadLines(lines)));
  return dead;
}

/** Whether line `line` (0-based) lies in a group cpp always skips. */
export function inDeadGroup(lines: Lines, line: number): boolean {
  return deadGroupLines(lines)?.[line] === 1;
}

/** The lines `keep` keeps, but for those in groups cpp always skips: the text the parser reads holds no code of them. */
export function liveLines(lines: Lines, keep: Uint8Array): Uint8Array {
  const dead = deadGroupLines(lines);
  return dead === null ? keep : keep.map((k, l) => k & (dead[l] ^ 1));
}

/** The condition's value when it is a number (`0`, `(1)`, `0 /* off *\/`), else null. */
function constant(condition: string): number | null {
  const m = NUMBER.exec(stripComments(condition).trim());
  return m === null ? null : Number(m[1]) === 0 ? 0 : 1;
}

/**
 * Per line, 1 inside a skipped group (the conditionals' own lines, which hold no code, are not marked); null when no
 * group is skipped, or when the conditionals do not pair up (an `#endif` with no `#if`, an `#if` never ended): then
 * nothing is taken as skipped rather than a guess.
 */
function deadLines(lines: Lines): Uint8Array | null {
  const stack: Frame[] = [];
  let deadFrames = 0;
  let dead: Uint8Array | null = null;
  let from = 0;
  const mark = (to: number) => {
    if (deadFrames > 0 && to > from) (dead ??= new Uint8Array(lines.count)).fill(1, from, to);
  };
  const setDead = (frame: Frame, value: boolean) => {
    deadFrames += Number(value) - Number(frame.dead);
    frame.dead = value;
  };
  const { buf, starts } = lines;
  // From `#` to `#`, as includesOf reads `#include`: most lines have none.
  for (let at = buf.indexOf(HASH); at >= 0; at = buf.indexOf(HASH, at + 1)) {
    let p = at - 1;
    while (p >= 0 && isDirectiveBlank(buf[p])) p--;
    if (p >= 0 && buf[p] !== NEWLINE && buf[p] !== CR) continue;
    const s = directiveGapEnd(buf, at + 1);
    const e = identifierEnd(buf, s);
    const keyword = buf.toString('latin1', s, e);
    if (!CONDITIONALS.has(keyword)) continue;
    const l = lineOf(starts, at);
    // On a line a `\` continues onto, or inside a block comment, a `#` starts no directive.
    if ((l > 0 && lines.continues(l - 1)) || lines.startsInComment(l)) continue;
    mark(l);
    from = l + 1;
    at = lines.end(l);
    // A condition continued onto the next line is not read: it counts as unknown.
    const value =
      (keyword === 'if' || keyword === 'elif') && !lines.continues(l)
        ? constant(buf.toString('latin1', e, lines.end(l)))
        : null;
    const top = stack[stack.length - 1];
    switch (keyword) {
      case 'if':
        stack.push({ dead: false, taken: value === 1 });
        setDead(stack[stack.length - 1], value === 0);
        break;
      case 'ifdef':
      case 'ifndef':
        stack.push({ dead: false, taken: false });
        break;
      case 'elif':
        if (top === undefined) return null;
        setDead(top, top.taken || value === 0);
        top.taken ||= value === 1;
        break;
      case 'else':
        if (top === undefined) return null;
        setDead(top, top.taken);
        break;
      case 'endif':
        if (top === undefined) return null;
        setDead(top, false);
        stack.pop();
        break;
    }
  }
  return stack.length === 0 ? dead : null;
}
