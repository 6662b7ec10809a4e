/** How reports (text, the extension's log) name the kernel directory of a scan and why it was used. */
import type { KernelDirectoryInfo } from '../sourceIndex';

export function describeKernelDirectory(k: KernelDirectoryInfo): string {
  switch (k.source) {
    case 'none':
      return 'none (the tree is not a kernel tree and /lib/modules/$(uname -r)/build does not exist; name one with --kdir or the autoloadLens.kernelDirectory setting)';
    case 'tree':
      return `${k.path} (the scanned tree itself)`;
    case 'given':
    case 'running-kernel': {
      const why = k.source === 'given' ? 'given' : "the running kernel's build directory";
      // Folders inside the directory are named relative to it; a build directory's source tree is elsewhere.
      const dirs = k.includeDirs.map((d) =>
        k.path !== null && d.startsWith(`${k.path}/`) ? d.slice(k.path.length + 1) : d,
      );
      const read = dirs.length > 0 ? `; ${k.headers} headers of ${dirs.join(', ')}` : '';
      return `${k.path} (${why}${read})`;
    }
  }
}
