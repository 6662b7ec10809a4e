/**
 * Values kept aside, in order, until they can be printed (a replay's findings wait for its requests in JSON):
 * in memory while they are few, then in a temporary file, so memory does not grow with them. The file is unlinked
 * as soon as it is opened: nothing is left behind, whatever happens to the process.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';

/** Characters held in memory before they go to the file. */
const MEMORY_CHARS = 4 << 20;
const READ_BYTES = 1 << 20;

export class Spool {
  /** One JSON text per value (JSON.stringify escapes newlines, so a newline ends each in the file). */
  private held: string[] = [];
  private heldChars = 0;
  private fd: number | null = null;

  add(value: unknown): void {
    const text = JSON.stringify(value);
    this.held.push(text);
    this.heldChars += text.length;
    if (this.heldChars > MEMORY_CHARS) this.spill();
  }

  /** Hands every value on, in the order added, and forgets them. */
  drain(each: (value: unknown) => void): void {
    if (this.fd !== null) {
      this.spill();
      const fd = this.fd;
      this.fd = null;
      try {
        const buffer = Buffer.alloc(READ_BYTES);
        const decoder = new StringDecoder('utf8');
        let carry = '';
        for (let position = 0; ;) {
          const n = readSync(fd, buffer, 0, READ_BYTES, position);
          if (n === 0) break;
          position += n;
          const lines = (carry + decoder.write(buffer.subarray(0, n))).split('\n');
          carry = lines.pop() ?? '';
          for (const line of lines) each(JSON.parse(line));
        }
      } finally {
        closeSync(fd);
      }
    }
    for (const text of this.held) each(JSON.parse(text));
    this.held = [];
    this.heldChars = 0;
  }

  private spill(): void {
    if (this.fd === null) {
      const file = path.join(tmpdir(), `autoload-lens-spool-${process.pid}-${randomBytes(6).toString('hex')}`);
      this.fd = openSync(file, 'wx+', 0o600);
      unlinkSync(file);
    }
    if (this.held.length > 0) writeSync(this.fd, `${this.held.join('\n')}\n`);
    this.held = [];
    this.heldChars = 0;
  }
}
