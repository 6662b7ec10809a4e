/**
 * The parsers read a line's characters as bytes and cut its fields out of its text: a byte load from a Buffer
 * costs a fraction of `charCodeAt`, which dispatches on the string's representation every time. Codes hold each
 * UTF-16 unit of the text at the same position, ASCII as it is and anything else as 0x80, which no parser
 * looks for (they only look for ASCII), so every decision is the one the text's characters would give.
 */
export type Codes = Uint8Array;

/** A character that is not ASCII, as the codes show it. */
export const NOT_ASCII = 0x80;

export function asciiCodes(text: string): Codes {
  // UTF-8 takes one byte per unit only when every unit is ASCII; Latin-1 then copies them as they are.
  if (Buffer.byteLength(text) === text.length) return Buffer.from(text, 'latin1');
  const codes = Buffer.allocUnsafe(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    codes[i] = c < NOT_ASCII ? c : NOT_ASCII;
  }
  return codes;
}

/** The codes last viewed, and their view. */
let viewed: Codes | null = null;
let view: DataView | null = null;

/**
 * A view of `b` that reads four codes at once (`getInt32(i, true)`), to compare names and keywords a word at a time.
 * The parsers read one piece of the trace after another: the view of the last piece is kept.
 */
export function codesView(b: Codes): DataView {
  if (b !== viewed) {
    viewed = b;
    view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  return view!;
}

/** A keyword's codes (all ASCII, at least four) as words of four: from 0, 4, ... and the one ending at its last code. */
export interface CodeWords {
  length: number;
  offsets: Int32Array;
  words: Int32Array;
}

export function codeWords(keyword: string): CodeWords {
  const codes = asciiCodes(keyword);
  const view = new DataView(codes.buffer, codes.byteOffset, codes.byteLength);
  const offsets: number[] = [];
  for (let at = 0; at + 4 < codes.length; at += 4) offsets.push(at);
  offsets.push(codes.length - 4);
  return {
    length: codes.length,
    offsets: Int32Array.from(offsets),
    words: Int32Array.from(offsets, (at) => view.getInt32(at, true)),
  };
}

/** Whether `keyword` is at `at` in `b[0, end)`, compared a word at a time. */
export function keywordAt(b: Codes, at: number, end: number, keyword: CodeWords): boolean {
  if (at < 0 || at + keyword.length > end) return false;
  const view = codesView(b);
  const { offsets, words } = keyword;
  for (let k = 0; k < offsets.length; k++) if (view.getInt32(at + offsets[k], true) !== words[k]) return false;
  return true;
}
