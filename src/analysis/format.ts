/**
 * printf-style name formats: the shape of the names a request can produce (and its fnmatch pattern), the concrete
 * name when every argument is known, its literal family prefix, and the longest name it can produce (MODULE_NAME_LEN).
 */
import { type NameConversion, type NamePiece, type NameShape, shapePattern } from '../engine/nameShape';

export interface Conversion {
  text: string;
  flags: string;
  width: number | '*' | null;
  precision: number | '*' | null;
  length: string;
  conversion: string;
}

export type FormatPiece = { literal: string } | Conversion;

/** A value fed to a conversion: known string or integer, the shape of a name printed elsewhere, or unknown. */
export type FormatValue =
  | { kind: 'string'; value: string }
  | { kind: 'integer'; value: bigint }
  | { kind: 'shape'; shape: NameShape; maxLength: number }
  | null;

const conversionRe = /%([-+ #0']*)(\*|\d+)?(?:\.(\*|\d*))?(hh|h|ll|l|L|z|Z|j|t)?([diouxXcsp%])/y;

export function parseFormat(format: string): FormatPiece[] {
  const pieces: FormatPiece[] = [];
  let literal = '';
  let i = 0;
  while (i < format.length) {
    if (format[i] !== '%') {
      literal += format[i++];
      continue;
    }
    conversionRe.lastIndex = i;
    const m = conversionRe.exec(format);
    if (!m) {
      literal += format[i++];
      continue;
    }
    if (m[5] === '%') {
      literal += '%';
    } else {
      if (literal) pieces.push({ literal });
      literal = '';
      const num = (s: string | undefined): number | '*' | null =>
        s === undefined ? null : s === '*' ? '*' : Number(s || 0);
      pieces.push({
        text: m[0],
        flags: m[1],
        width: num(m[2]),
        precision: num(m[3]),
        length: m[4] ?? '',
        conversion: m[5],
      });
    }
    i += m[0].length;
  }
  if (literal) pieces.push({ literal });
  return pieces;
}

/** Widest output of an integer conversion on a 64-bit kernel. */
function integerWidth(c: Conversion): number {
  const wide =
    c.length === 'l' ||
    c.length === 'll' ||
    c.length === 'L' ||
    c.length === 'z' ||
    c.length === 'Z' ||
    c.length === 'j' ||
    c.length === 't';
  const bits = wide ? 64 : c.length === 'h' ? 16 : c.length === 'hh' ? 8 : 32;
  const max = (1n << BigInt(bits)) - 1n;
  switch (c.conversion) {
    case 'd':
    case 'i':
      return (max >> 1n).toString().length + 1;
    case 'u':
      return max.toString().length;
    case 'o':
      return max.toString(8).length + (c.flags.includes('#') ? 1 : 0);
    default:
      return max.toString(16).length + (c.flags.includes('#') ? 2 : 0);
  }
}

function renderInteger(c: Conversion, v: bigint): string {
  const bits = c.length === 'hh' ? 8n : c.length === 'h' ? 16n : c.length === '' ? 32n : 64n;
  const unsigned = v < 0n && c.conversion !== 'd' && c.conversion !== 'i' ? v & ((1n << bits) - 1n) : v;
  let s =
    c.conversion === 'x'
      ? unsigned.toString(16)
      : c.conversion === 'X'
        ? unsigned.toString(16).toUpperCase()
        : c.conversion === 'o'
          ? unsigned.toString(8)
          : unsigned.toString();
  if (c.flags.includes('#') && (c.conversion === 'x' || c.conversion === 'X') && v !== 0n) s = `0${c.conversion}${s}`;
  const width = typeof c.width === 'number' ? c.width : 0;
  if (s.length < width) s = (c.flags.includes('0') && !c.flags.includes('-') ? '0' : ' ').repeat(width - s.length) + s;
  return s;
}

export interface RenderedName {
  /** What the names look like: literal text and the conversions whose values are unknown. */
  shape: NamePiece[];
  /** fnmatch pattern (`fs-*`), from the shape. */
  pattern: string;
  /** The concrete name when every consumed argument is known. */
  name: string | null;
  /** Literal text before the first wildcard. */
  family: string;
  /** Longest possible output in bytes, without the NUL; Infinity when a `%s` is unbounded. */
  maxLength: number;
  /** Shortest possible output in bytes, without the NUL (what even an unbounded format always produces). */
  minLength: number;
}

/** Appends to a shape, joining adjacent literal text. */
function append(shape: NamePiece[], piece: NamePiece): void {
  const last = shape.length - 1;
  if (typeof piece === 'string' && last >= 0 && typeof shape[last] === 'string') shape[last] = `${shape[last]}${piece}`;
  else if (piece !== '') shape.push(piece);
}

const unknownConversion = (c: Conversion, precision: number | null): NameConversion => ({
  conversion: c.conversion,
  flags: c.flags,
  width: typeof c.width === 'number' ? c.width : null,
  precision,
});

/** Renders `format` with the values of its arguments (missing entries are unknown). */
export function renderFormat(format: string, values: FormatValue[]): RenderedName {
  const pieces = parseFormat(format);
  const shape: NamePiece[] = [];
  let name: string | null = '';
  let maxLength = 0;
  let minLength = 0;
  let next = 0;
  for (const p of pieces) {
    if ('literal' in p) {
      append(shape, p.literal);
      if (name !== null) name += p.literal;
      maxLength += Buffer.byteLength(p.literal);
      minLength += Buffer.byteLength(p.literal);
      continue;
    }
    const width = p.width === '*' ? values[next++] : null;
    const precisionValue = p.precision === '*' ? values[next++] : null;
    const value = values[next++] ?? null;
    const fixedWidth = typeof p.width === 'number' ? p.width : width?.kind === 'integer' ? Number(width.value) : 0;
    const precision =
      typeof p.precision === 'number'
        ? p.precision
        : precisionValue?.kind === 'integer'
          ? Number(precisionValue.value)
          : null;
    let text: string | null = null;
    let widest: number;
    if (p.conversion === 's') {
      if (value?.kind === 'string') {
        // An unknown `.*` precision on a known string is taken as the whole string (get_fs_type's cut at '.').
        text = precision === null ? value.value : value.value.slice(0, precision);
        widest = Buffer.byteLength(text);
      } else if (value?.kind === 'shape') {
        widest = precision ?? value.maxLength;
        // A precision cuts the printed name at an unknown place: only its length is known then.
        if (precision === null && fixedWidth === 0) for (const piece of value.shape) append(shape, piece);
        else append(shape, unknownConversion(p, precision));
        name = null;
        maxLength += Math.max(widest, fixedWidth);
        minLength += fixedWidth;
        continue;
      } else {
        widest = precision ?? Infinity;
      }
    } else if (p.conversion === 'c') {
      text = value?.kind === 'integer' ? String.fromCharCode(Number(value.value)) : null;
      widest = 1;
    } else if (p.conversion === 'p') {
      widest = Infinity;
    } else {
      text = value?.kind === 'integer' ? renderInteger(p, value.value) : null;
      widest = text === null ? integerWidth(p) : Buffer.byteLength(text);
    }
    maxLength += Math.max(widest, fixedWidth);
    // An unknown conversion prints at least its field width, and a number at least one digit.
    minLength +=
      text !== null
        ? Math.max(Buffer.byteLength(text), fixedWidth)
        : Math.max(p.conversion === 's' || p.conversion === 'p' ? 0 : 1, fixedWidth);
    if (text !== null) {
      append(shape, text);
      if (name !== null) name += text;
    } else {
      append(shape, unknownConversion(p, precision));
      name = null;
    }
  }
  const family = typeof shape[0] === 'string' ? shape[0] : '';
  return { shape, pattern: shapePattern(shape), name, family: shape.length === 0 ? '' : family, maxLength, minLength };
}
