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
      const read = k.includeDirs.length > 0 ? `; ${k.headers} headers of ${k.includeDirs.join(', ')}` : '';
      return `${k.path} (${why}${read})`;
    }
  }
}
