/**
 * Splits bytes read in chunks into lines without ever holding more than one chunk plus one partial line.
 * Lines are cut on Buffers (so a chunk boundary inside a UTF-8 sequence or a CRLF is harmless) and decoded one
 * at a time; invalid UTF-8 becomes U+FFFD. Lines longer than MAX_LINE_BYTES are not kept, only their start.
 */
import type { TraceLineReader } from './lineReader';

export const CHUNK_BYTES = 1 << 20;
/** Far above any trace line (a module event line is under 300 bytes). */
export const MAX_LINE_BYTES = 64 * 1024;
/** How much of an overlong line is kept to decide whether it looked like an event. */
const OVERLONG_START_BYTES = 512;
const NL = 0x0a;

export class ChunkedLineSplitter {
  /** Read the next chunk into `buffer` at offset `filled`, at most CHUNK_BYTES, then call `consume`. */
  readonly buffer = Buffer.allocUnsafe(CHUNK_BYTES + MAX_LINE_BYTES);
  /** Bytes of the current partial line at the start of `buffer`. */
  filled = 0;
  private overlong: { start: string; bytes: number } | null = null;

  consume(bytesRead: number, reader: TraceLineReader): void {
    const end = this.filled + bytesRead;
    const data = this.buffer.subarray(0, end);
    let pos = 0;
    if (this.overlong !== null) {
      const nl = data.indexOf(NL);
      if (nl < 0) {
        this.overlong.bytes += end;
        this.filled = 0;
        return;
      }
      this.overlong.bytes += nl;
      this.endOverlong(reader);
      pos = nl + 1;
    }
    for (let nl = data.indexOf(NL, pos); nl >= 0; nl = data.indexOf(NL, pos)) {
      if (nl - pos > MAX_LINE_BYTES) reader.overlongLine(this.overlongStart(pos), nl - pos);
      else reader.line(data.toString('utf8', pos, nl));
      pos = nl + 1;
    }
    const rest = end - pos;
    if (rest > MAX_LINE_BYTES) {
      this.overlong = { start: this.overlongStart(pos), bytes: rest };
      this.filled = 0;
    } else {
      this.buffer.copy(this.buffer, 0, pos, end);
      this.filled = rest;
    }
  }

  /** End of input; returns whether the last line had no newline. */
  end(reader: TraceLineReader): boolean {
    if (this.overlong !== null) {
      this.endOverlong(reader);
      return true;
    }
    if (this.filled === 0) return false;
    reader.line(this.buffer.toString('utf8', 0, this.filled));
    this.filled = 0;
    return true;
  }

  private overlongStart(pos: number): string {
    return this.buffer.toString('utf8', pos, pos + OVERLONG_START_BYTES);
  }

  private endOverlong(reader: TraceLineReader): void {
    const { start, bytes } = this.overlong!;
    this.overlong = null;
    reader.overlongLine(start, bytes);
  }
}
