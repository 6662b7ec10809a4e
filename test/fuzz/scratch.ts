/** Where the property suite writes its cases: in memory (/dev/shm) when there is one, since every case writes files. */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export function scratchDir(name: string): string {
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  return mkdtempSync(path.join(base, `autoload-lens-${name}-`));
}
