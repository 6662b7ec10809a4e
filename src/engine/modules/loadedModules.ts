import { readFile } from 'node:fs/promises';
import { err, ok, type AutoloadError, type Result } from '../result';

type LoadedFormat = 'lsmod' | 'proc-modules';

const HINT = 'give the output of `lsmod` or a copy of /proc/modules taken on the traced system';
const LSMOD_HEADER = /^Module\s+Size\s+Used by\s*$/;
// `NAME SIZE USECOUNT [USERS]`
const LSMOD_LINE = /^(\S+)\s+(\d+)\s+(-?\d+|-)(\s.*)?$/;
// `NAME SIZE REFCOUNT USERS STATE ADDRESS [(TAINTS)]`; the kernel adds `+` (coming) or `-` (going) to the taints.
const PROC_MODULES_LINE = /^(\S+) (\d+) (-?\d+|-) (\S+) (Live|Loading|Unloading) (0x[0-9a-fA-F]+)( \([A-Z+-]+\))?$/;

/**
 * Module sizes in bytes from an `lsmod` output or a /proc/modules file (the format is detected from the first line).
 * Any line that does not fit the detected format is an error naming the line.
 */
export async function readLoadedModules(file: string): Promise<Result<Map<string, number>>> {
  const bytes = await readFile(file).catch((e: NodeJS.ErrnoException) => e);
  if (bytes instanceof Error) {
    return err({
      code: 'unreadable-file',
      message: `cannot read the loaded-modules file: ${bytes.message}`,
      file,
      hint: HINT,
    });
  }
  if (bytes.includes(0)) {
    return err({
      code: 'binary-file',
      message: 'this is a binary file, not an lsmod output or /proc/modules',
      file,
      hint: HINT,
    });
  }
  return parseLoadedModules(bytes.toString('utf8'), file);
}

export function parseLoadedModules(text: string, file: string): Result<Map<string, number>> {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first < 0) return err({ code: 'empty-file', message: 'the loaded-modules file is empty', file, hint: HINT });
  let format: LoadedFormat;
  if (LSMOD_HEADER.test(lines[first])) format = 'lsmod';
  else if (PROC_MODULES_LINE.test(lines[first])) format = 'proc-modules';
  else
    return err(
      badLine(
        file,
        first + 1,
        lines[first],
        'is neither the `Module Size Used by` header of lsmod nor a /proc/modules line',
      ),
    );

  const sizes = new Map<string, number>();
  const pattern = format === 'lsmod' ? LSMOD_LINE : PROC_MODULES_LINE;
  for (let i = format === 'lsmod' ? first + 1 : first; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const m = pattern.exec(lines[i]);
    if (m === null)
      return err(badLine(file, i + 1, lines[i], `is not an ${format === 'lsmod' ? 'lsmod' : '/proc/modules'} line`));
    if (sizes.has(m[1])) return err(badLine(file, i + 1, lines[i], `lists module ${m[1]} a second time`));
    sizes.set(m[1], Number(m[2]));
  }
  return ok(sizes);
}

function badLine(file: string, line: number, text: string, what: string): AutoloadError {
  const shown = text.length > 80 ? `${text.slice(0, 80)}...` : text;
  return { code: 'bad-loaded-modules', message: `\`${shown}\` ${what}`, file, line, hint: HINT };
}
