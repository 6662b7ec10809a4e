/**
 * Splits input into lines without ever holding more than two chunks plus one partial line. Each chunk of bytes is
 * cut at its last newline (a newline byte is never inside a UTF-8 sequence, so no character is split) and that
 * part is decoded in a few calls of whole lines, invalid UTF-8 becoming U+FFFD: decoding line by line costs four
 * times as much. Each piece comes with its codes (see asciiCodes); an ASCII piece, nearly every one, is its own.
 * Lines longer than MAX_LINE_LENGTH characters are not parsed, only their start is looked at.
 */
import { isAscii } from 'node:buffer';
import { asciiCodes, type Codes } from './asciiCodes';
import type { TraceLineReader } from './lineReader';

export const CHUNK_BYTES = 1 << 20;
/**
 * A chunk is decoded in pieces of about this many bytes: a megabyte string is a large object that the young
 * generation's collector promotes in place whenever it is in use, filling the old generation with dead chunks;
 * a piece this size is copied and dies young.
 */
const DECODE_BYTES = 16 * 1024;
/** Twice the kernel's limit for one printed event (a page); module event lines are under 300 characters. */
const MAX_LINE_LENGTH = 8192;
/**
 * A partial line carried over to the next chunk is dropped beyond this many bytes: a UTF-8 character takes at
 * most 3 bytes per UTF-16 unit, so such a line is longer than MAX_LINE_LENGTH characters whatever it holds.
 */
const MAX_CARRY_BYTES = 3 * MAX_LINE_LENGTH;
/** How much of an overlong line is kept to decide whether it looked like an event. */
const OVERLONG_START = 512;
const NL = 0x0a;

/**
 * Feeds the lines of `text` between `start` and `end` (a newline or the end of the text) to the reader, each
 * with the position of its first `[` (the anchor of the ftrace and perf CPU column; beyond the line if it has
 * none). One forward search serves all lines: a search per line would run through the rest of the text on every
 * line that has no `[`. `codes` are the codes of `text` (see asciiCodes).
 */
export function splitLines(text: string, codes: Codes, start: number, end: number, reader: TraceLineReader): void {
  let pos = start;
  let bracket = -1;
  while (pos <= end) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0 || nl > end) nl = end;
    if (bracket < pos) {
      bracket = text.indexOf('[', pos);
      if (bracket < 0) bracket = text.length;
    }
    if (nl - pos > MAX_LINE_LENGTH) reader.overlongLine(text.slice(pos, pos + OVERLONG_START), MAX_LINE_LENGTH);
    else reader.line(text, codes, pos, nl, bracket);
    pos = nl + 1;
  }
}

/**
 * Feeds the lines of a whole text to the reader, in pieces of whole lines of about DECODE_BYTES characters, so
 * that codes are made for one piece at a time, never for the whole text. Returns whether the last line had no
 * newline.
 */
export function splitText(text: string, reader: TraceLineReader): boolean {
  const unterminated = !text.endsWith('\n');
  let pos = 0;
  while (pos < text.length) {
    let cut = text.lastIndexOf('\n', pos + DECODE_BYTES - 1);
    if (cut < pos) cut = text.indexOf('\n', pos + DECODE_BYTES);
    const piece = cut < 0 ? text.slice(pos) : text.slice(pos, cut + 1);
    splitLines(piece, asciiCodes(piece), 0, cut < 0 ? piece.length : piece.length - 1, reader);
    pos += piece.length;
  }
  return unterminated;
}

/** Where chunks are read into a buffer: the partial line carried over from the previous chunk goes just before. */
export const DATA_START = MAX_CARRY_BYTES;

/**
 * Two buffers in turn: while the lines of one chunk are parsed, the next chunk is read into the other buffer, so
 * the parser does not wait for the disk between chunks.
 */
export class ChunkedLineSplitter {
  private readonly buffers = [
    Buffer.allocUnsafe(DATA_START + CHUNK_BYTES),
    Buffer.allocUnsafe(DATA_START + CHUNK_BYTES),
  ];
  private current = 0;
  /** Bytes of the partial line just before DATA_START in the current buffer. */
  private carried = 0;
  /** The start of an overlong line being skipped. */
  private overlong: string | null = null;

  /** The buffer `consume` reads next: read a chunk (at most CHUNK_BYTES) into it at DATA_START. */
  get buffer(): Buffer {
    return this.buffers[this.current];
  }

  /** The buffer after it, free to read the following chunk into while this one is consumed. */
  get nextBuffer(): Buffer {
    return this.buffers[this.current ^ 1];
  }

  /** Splits the `bytesRead` bytes at DATA_START of `buffer`; `nextBuffer` then becomes `buffer`. */
  consume(bytesRead: number, reader: TraceLineReader): void {
    const data = this.buffer.subarray(DATA_START - this.carried, DATA_START + bytesRead);
    const next = this.nextBuffer;
    this.current ^= 1;
    this.carried = 0;
    let pos = 0;
    if (this.overlong !== null) {
      const nl = data.indexOf(NL);
      if (nl < 0) return;
      this.endOverlong(reader);
      pos = nl + 1;
    }
    const lastNl = data.lastIndexOf(NL);
    while (pos <= lastNl) {
      // A piece ends at the last newline within DECODE_BYTES (or at the end of a line longer than that).
      let cut = lastNl;
      if (cut - pos >= DECODE_BYTES) {
        cut = data.lastIndexOf(NL, pos + DECODE_BYTES - 1);
        if (cut < pos) cut = data.indexOf(NL, pos + DECODE_BYTES);
      }
      const { text, codes } = decode(data, pos, cut + 1);
      splitLines(text, codes, 0, text.length - 1, reader);
      pos = cut + 1;
    }
    const rest = data.length - pos;
    if (rest > MAX_CARRY_BYTES) {
      this.overlong = data.toString('utf8', pos, pos + OVERLONG_START);
    } else {
      data.copy(next, DATA_START - rest, pos);
      this.carried = rest;
    }
  }

  /** End of input; returns whether the last line had no newline. */
  end(reader: TraceLineReader): boolean {
    if (this.overlong !== null) {
      this.endOverlong(reader);
      return true;
    }
    if (this.carried === 0) return false;
    const { text, codes } = decode(this.buffer, DATA_START - this.carried, DATA_START);
    splitLines(text, codes, 0, text.length, reader);
    this.carried = 0;
    return true;
  }

  private endOverlong(reader: TraceLineReader): void {
    const start = this.overlong!;
    this.overlong = null;
    reader.overlongLine(start, MAX_LINE_LENGTH);
  }
}

/**
 * The text of `data[start, end)` and its codes. An ASCII piece (nearly every one) is its own codes, since its
 * characters are its bytes; any other is decoded as UTF-8, invalid sequences becoming U+FFFD.
 */
function decode(data: Buffer, start: number, end: number): { text: string; codes: Codes } {
  const bytes = data.subarray(start, end);
  if (isAscii(bytes)) return { text: bytes.toString('latin1'), codes: bytes };
  const text = bytes.toString('utf8');
  return { text, codes: asciiCodes(text) };
}
