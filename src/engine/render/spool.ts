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

/**
 * Bytes held in memory before they go to the file. They are held encoded, not as strings: a value's text is garbage
 * as soon as it is added, so a long replay's spooled texts are not promoted to the old heap (whose growth, not the
 * bytes themselves, is what they cost in peak RSS).
 */
const MEMORY_BYTES = 1 << 20;
const READ_BYTES = 1 << 20;

export class Spool {
  /** The values' JSON texts as UTF-8, a newline after each (JSON.stringify escapes newlines); allocated at the first. */
  private held: Buffer | null = null;
  private heldBytes = 0;
  private fd: number | null = null;

  add(value: unknown): void {
    const text = `${JSON.stringify(value)}\n`;
    const bytes = Buffer.byteLength(text);
    if (this.heldBytes + bytes > MEMORY_BYTES) {
      this.spill();
      // A value larger than the memory share goes straight to the file.
      if (bytes > MEMORY_BYTES) {
        writeSync(this.fd!, text);
        return;
      }
    }
    this.held ??= Buffer.allocUnsafe(MEMORY_BYTES);
    this.heldBytes += this.held.write(text, this.heldBytes);
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
    } else if (this.heldBytes > 0) {
      for (const line of this.held!.toString('utf8', 0, this.heldBytes - 1).split('\n')) each(JSON.parse(line));
    }
    this.held = null;
    this.heldBytes = 0;
  }

  private spill(): void {
    if (this.fd === null) {
      const file = path.join(tmpdir(), `autoload-lens-spool-${process.pid}-${randomBytes(6).toString('hex')}`);
      this.fd = openSync(file, 'wx+', 0o600);
      unlinkSync(file);
    }
    if (this.heldBytes > 0) writeSync(this.fd, this.held!, 0, this.heldBytes);
    this.heldBytes = 0;
  }
}
