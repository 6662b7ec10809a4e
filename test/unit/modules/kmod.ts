/** Runs the real kmod tools for the differential tests. They are required: CI installs the `kmod` package. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const SEARCH = ['/usr/sbin', '/sbin', '/usr/bin', '/bin', ...(process.env.PATH ?? '').split(':')];

/** Absolute path of a kmod tool; throws (so the test fails, never skips) when it is not installed. */
export function kmodTool(name: 'modprobe' | 'depmod'): string {
  for (const dir of SEARCH) {
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(
    `${name} not found: install kmod (Debian/Ubuntu: apt-get install kmod) to run the resolver differential tests`,
  );
}

/**
 * `modprobe -C EMPTY -d ROOT -S VERSION -R -- NAME`: the module names modprobe prints, [] when it says
 * `Module NAME not found` (exit 1). An empty configuration keeps the machine's modprobe.d out of the comparison.
 */
export function modprobeResolve(
  modprobe: string,
  config: string,
  root: string,
  version: string,
  name: string,
): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile(modprobe, ['-C', config, '-d', root, '-S', version, '-R', '--', name], (error, stdout, stderr) => {
      if (error === null) resolve(stdout.split('\n').filter((l) => l !== ''));
      else if (error.code === 1 && stderr.includes('not found')) resolve([]);
      else reject(new Error(`modprobe -R ${JSON.stringify(name)} failed (${String(error.code)}): ${stderr}`));
    });
  });
}

export function run(tool: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(tool, args, (error, _stdout, stderr) =>
      error === null ? resolve() : reject(new Error(`${tool} ${args.join(' ')}: ${stderr}`)),
    );
  });
}

/** Maps `items` through `fn`, `width` at a time, keeping the order. */
export async function inBatches<T, R>(items: T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += width) out.push(...(await Promise.all(items.slice(i, i + width).map(fn))));
  return out;
}
