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

const DIGITS: Record<string, string> = { d: '0-9', i: '0-9', u: '0-9', x: '0-9a-f', X: '0-9A-F', o: '0-7' };

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** Regular expression text of what one conversion can print. */
function conversionRegExp(c: NameConversion): string {
  const digits = DIGITS[c.conversion];
  if (digits !== undefined) {
    const signed = c.conversion === 'd' || c.conversion === 'i';
    const sign = !signed ? '' : c.flags.includes('+') ? '[-+]' : c.flags.includes(' ') ? '[- ]' : '-?';
    const prefix = c.flags.includes('#')
      ? c.conversion === 'o'
        ? '0?'
        : c.conversion === 'x'
          ? '(?:0x)?'
          : c.conversion === 'X'
            ? '(?:0X)?'
            : ''
      : '';
    // Zero padding makes the field at least `width` characters of sign and digits; space padding adds blanks.
    const zeroPadded = c.flags.includes('0') && !c.flags.includes('-') && c.width !== null && c.width > 1;
    const least = Math.max(1, c.precision ?? 1, zeroPadded && !signed && prefix === '' ? (c.width as number) : 1);
    const body = `${sign}${prefix}[${digits}]{${least},}`;
    if (c.width === null || zeroPadded) return body;
    return c.flags.includes('-') ? `${body} *` : ` *${body}`;
  }
  if (c.conversion === 'c') return c.width !== null && c.width > 1 ? ' *[\\s\\S] *' : '[\\s\\S]';
  if (c.conversion === 's' && c.precision !== null && c.width === null) return `[\\s\\S]{0,${c.precision}}`;
  return '[\\s\\S]*';
}

const compiled = new Map<string, RegExp>();
const MAX_COMPILED = 4096;

function regExpOf(shape: NameShape): RegExp {
  const key = JSON.stringify(shape);
  let re = compiled.get(key);
  if (!re) {
    re = new RegExp(`^${shape.map((p) => (typeof p === 'string' ? escapeRegExp(p) : conversionRegExp(p))).join('')}$`);
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(key, re);
  }
  return re;
}

/** Whether the shape can print exactly `name`. */
export function shapeMatches(shape: NameShape, name: string): boolean {
  return regExpOf(shape).test(name);
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
