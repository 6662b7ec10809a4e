/**
 * The names a request call site can produce, as the kernel's vsnprintf prints them: literal text and conversions
 * (`char-major-%d` makes `char-major-60` but never `char-major-60-1`; `%08X` makes eight or more hex digits).
 * The analysis layer writes shapes; the linker matches traced names against them.
 */

export interface NameConversion {
  /** printf conversion letter: d i u x X o c s p. */
  conversion: string;
  flags: string;
  width: number | null;
  precision: number | null;
}

/** A literal piece of text, or a conversion whose value is unknown. */
export type NamePiece = string | NameConversion;
export type NameShape = readonly NamePiece[];

/**
 * One step of a shape's match: a run of `min` to `max` characters of one class, or a literal text (perhaps optional).
 * A shape is matched by the offsets of the name each step can end at, so a name costs its length per step whatever
 * the format (a backtracking regular expression of `a%sa%s…b` took minutes on a long name that does not fit).
 */
type Step =
  | { kind: 'run'; has: (code: number) => boolean; min: number; max: number }
  | { kind: 'text'; text: string; optional: boolean; border: Int32Array };

const between = (lo: string, hi: string) => (c: number) => c >= lo.charCodeAt(0) && c <= hi.charCodeAt(0);
const isDecimal = between('0', '9');
const isLowerAF = between('a', 'f');
const isUpperAF = between('A', 'F');
const isHexLower = (c: number) => isDecimal(c) || isLowerAF(c);
const isHexUpper = (c: number) => isDecimal(c) || isUpperAF(c);
const DIGITS: Record<string, (c: number) => boolean> = {
  d: isDecimal,
  i: isDecimal,
  u: isDecimal,
  x: isHexLower,
  X: isHexUpper,
  o: between('0', '7'),
};
const anyOf = (chars: string) => (c: number) => chars.includes(String.fromCharCode(c));
const anything = () => true;
const run = (has: (c: number) => boolean, min: number, max: number): Step => ({ kind: 'run', has, min, max });
const blanks = run(anyOf(' '), 0, Infinity);

function text(t: string, optional: boolean): Step {
  // The longest proper border of each prefix (Knuth-Morris-Pratt), so every occurrence is found in one pass.
  const border = new Int32Array(t.length + 1);
  border[0] = -1;
  for (let i = 1, k = 0; i <= t.length; i++, k++) {
    border[i] = k;
    while (k >= 0 && i < t.length && t[i] !== t[k]) k = border[k];
  }
  return { kind: 'text', text: t, optional, border };
}

/** The steps of what one conversion can print. */
function conversionSteps(c: NameConversion): Step[] {
  const digits = DIGITS[c.conversion];
  if (digits !== undefined) {
    const signed = c.conversion === 'd' || c.conversion === 'i';
    const steps: Step[] = [];
    if (signed) {
      if (c.flags.includes('+')) steps.push(run(anyOf('-+'), 1, 1));
      else if (c.flags.includes(' ')) steps.push(run(anyOf('- '), 1, 1));
      else steps.push(run(anyOf('-'), 0, 1));
    }
    let prefixed = false;
    if (c.flags.includes('#')) {
      prefixed = c.conversion === 'o' || c.conversion === 'x' || c.conversion === 'X';
      if (c.conversion === 'o') steps.push(run(anyOf('0'), 0, 1));
      else if (c.conversion === 'x') steps.push(text('0x', true));
      else if (c.conversion === 'X') steps.push(text('0X', true));
    }
    // Zero padding makes the field at least `width` characters of sign and digits; space padding adds blanks.
    const zeroPadded = c.flags.includes('0') && !c.flags.includes('-') && c.width !== null && c.width > 1;
    const least = Math.max(1, c.precision ?? 1, zeroPadded && !signed && !prefixed ? (c.width as number) : 1);
    steps.push(run(digits, least, Infinity));
    if (c.width === null || zeroPadded) return steps;
    return c.flags.includes('-') ? [...steps, blanks] : [blanks, ...steps];
  }
  if (c.conversion === 'c')
    return c.width !== null && c.width > 1 ? [blanks, run(anything, 1, 1), blanks] : [run(anything, 1, 1)];
  if (c.conversion === 's' && c.precision !== null && c.width === null) return [run(anything, 0, c.precision)];
  return [run(anything, 0, Infinity)];
}

const stepsOf = new WeakMap<NameShape, readonly Step[]>();

function shapeSteps(shape: NameShape): readonly Step[] {
  let steps = stepsOf.get(shape);
  if (!steps) {
    steps = shape.flatMap((p) => (typeof p === 'string' ? [text(p, false)] : conversionSteps(p)));
    stepsOf.set(shape, steps);
  }
  return steps;
}

/** The offsets of `name` the step can end at, from the offsets `from` it can start at (1: reachable). */
function advance(step: Step, name: string, from: Uint8Array): Uint8Array {
  const n = name.length;
  const to = new Uint8Array(n + 1);
  if (step.kind === 'text') {
    if (step.optional) to.set(from);
    const t = step.text;
    if (t.length === 0) {
      to.set(from);
      return to;
    }
    for (let i = 0, k = 0; i < n; i++) {
      while (k >= 0 && name[i] !== t[k]) k = step.border[k];
      k++;
      if (k === t.length) {
        if (from[i + 1 - k] === 1) to[i + 1] = 1;
        k = step.border[k];
      }
    }
    return to;
  }
  // A run ends at j when some start i is in [j - max, j - min] and every character from i to j is in the class:
  // counts of reachable starts before each offset answer "some start in a range" at once.
  const before = new Int32Array(n + 2);
  for (let i = 0; i <= n; i++) before[i + 1] = before[i] + from[i];
  let runStart = 0;
  for (let j = 0; j <= n; j++) {
    if (j > 0 && !step.has(name.charCodeAt(j - 1))) runStart = j;
    const lo = Math.max(runStart, j - step.max);
    const hi = j - step.min;
    if (hi >= lo && before[hi + 1] - before[lo] > 0) to[j] = 1;
  }
  return to;
}

/** Whether the shape can print exactly `name`. */
export function shapeMatches(shape: NameShape, name: string): boolean {
  let reach: Uint8Array = new Uint8Array(name.length + 1);
  reach[0] = 1;
  for (const step of shapeSteps(shape)) {
    reach = advance(step, name, reach);
    if (!reach.includes(1)) return false;
  }
  return reach[name.length] === 1;
}

/** The shape as a printf format a person reads (`crypto-%s-all`); `%` in literal text is written `%%`. */
export function shapeText(shape: NameShape): string {
  return shape
    .map((p) => {
      if (typeof p === 'string') return p.replace(/%/g, '%%');
      const width = p.width === null ? '' : String(p.width);
      const precision = p.precision === null ? '' : `.${p.precision}`;
      return `%${p.flags}${width}${precision}${p.conversion}`;
    })
    .join('');
}

/** The fnmatch(3) pattern of the names a shape can print (every conversion a `*`), as modules.alias writes them. */
export function shapePattern(shape: NameShape): string {
  let pattern = '';
  for (const p of shape) {
    if (typeof p === 'string') pattern += p.replace(/[\\*?[\]]/g, (c) => `\\${c}`);
    else if (!pattern.endsWith('*') || pattern.endsWith('\\*')) pattern += '*';
  }
  return pattern;
}
