/**
 * Conditional groups cpp skips whatever the configuration: `#if 0` (and `#elif 0`), and the groups after a branch
 * whose condition is a non-zero number (`#if 1` … `#else`). The configuration being unknown, every other group is
 * read; these hold no call and no declaration, however the code in them reads.
 */
import { stripComments } from './cpp';
import { isLatin1Space } from './chars';
import { lineOf, type Lines } from './regions';

const CONDITIONAL = /^[ \t\v\f]*#[ \t\v\f]*(if|ifdef|ifndef|elif|else|endif)\b(.*)$/;
const HASH = 0x23;
const NUMBER = /^\(*\s*(\d+)[uUlL]*\s*\)*$/;

interface Frame {
  /** The group being read is skipped. */
  dead: boolean;
  /** A branch before it is always taken: every later branch is skipped. */
  taken: boolean;
}

const known = new WeakMap<Lines, Uint8Array | null>();

/** Whether line `line` (0-based) lies in a group cpp always skips. */
export function inDeadGroup(lines: Lines, line: number): boolean {
  let dead = known.get(lines);
  if (dead === undefined) known.set(lines, (dead = deadLines(lines)));
  return dead !== null && dead[line] === 1;
}

/** The condition's value when it is a number (`0`, `(1)`, `0 /* off *\/`), else null. */
function constant(condition: string): number | null {
  const m = NUMBER.exec(stripComments(condition).trim());
  return m === null ? null : Number(m[1]) === 0 ? 0 : 1;
}

/**
 * Per line, 1 inside a skipped group (the conditionals' own lines, which hold no code, are not marked); null when no
 * group is skipped, or when the conditionals do not pair up (an
 * `#endif` with no `#if`, an `#if` never ended): then nothing is taken as skipped rather than a guess.
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
  // From `#` to `#`: most lines have none.
  for (let at = buf.indexOf(HASH); at >= 0; at = buf.indexOf(HASH, at + 1)) {
    const l = lineOf(starts, at);
    let k = at + 1;
    while (isLatin1Space(buf[k])) k++;
    // Only `if…`, `elif`, `else` and `endif` matter: `#include` and `#define` pass the byte test and fail the pattern.
    if (buf[k] !== 0x69 /* i */ && buf[k] !== 0x65 /* e */) continue;
    const m = CONDITIONAL.exec(lines.text(l));
    // A `#` after code, on a line a `\` continues onto, or inside a block comment is no directive.
    if (m === null || (l > 0 && lines.continues(l - 1)) || lines.startsInComment(l)) continue;
    mark(l);
    from = l + 1;
    at = lines.end(l);
    // A condition continued onto the next line is not read: it counts as unknown.
    const value = m[1] === 'if' || m[1] === 'elif' ? (lines.continues(l) ? null : constant(m[2])) : null;
    const top = stack[stack.length - 1];
    switch (m[1]) {
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
