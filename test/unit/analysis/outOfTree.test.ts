/**
 * An out-of-tree driver repository of our own (test/fixtures/out-of-tree, see its README) scanned against the Linux
 * 6.12 tree as its kernel directory. Every expected value was worked out by hand from the fixture and the 6.12
 * headers: include/linux/blkdev.h:1514 (MODULE_ALIAS_BLOCKDEV_MAJOR), include/linux/fs.h:2619 (MODULE_ALIAS_FS),
 * include/linux/miscdevice.h:108 (MODULE_ALIAS_MISCDEV), include/linux/device.h:1276 (MODULE_ALIAS_CHARDEV),
 * include/linux/module.h:168-171 (MODULE_ALIAS, MODULE_INFO), include/linux/stringify.h:9-10 (__stringify),
 * include/uapi/linux/major.h:26 and :149 (MISC_MAJOR 10, DRBD_MAJOR 147).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { scanTree } from '../../../src/analysis/index';
import type { SourceIndex } from '../../../src/engine/sourceIndex';
import { filesUnder, KERNEL_TREE, requireKernelTree } from '../../fixtures/kernelTree';

const repo = path.resolve(__dirname, '../../../..');
const tree = path.join(repo, 'test/fixtures/out-of-tree');

const aliases = (index: SourceIndex) =>
  index.aliases.map((a) => `${a.file}:${a.line} ${a.macro} [${a.module}] ${a.value ?? `null (${a.reason})`}`);

const SHARED =
  'does not expand to a string: KBUILD_MODNAME is the module name kbuild passes, and Kbuild puts shared.o in several modules (my-other, mydrv; kbuild would name it "my_other:mydrv")';
const ORPHAN =
  "does not expand to a string: KBUILD_MODNAME is the module name kbuild passes, and extra/orphan.c is in no obj-…, NAME-y or NAME-objs list of the Kbuild or Makefile files of its folder and above, so kbuild's module name for it is unknown";

async function scan(kernelDirectory: string | null | undefined): Promise<SourceIndex> {
  const r = await scanTree(tree, { threads: 0, cache: false, kernelDirectory });
  if (!r.ok) assert.fail(r.error.message);
  return r.value;
}

describe('an out-of-tree driver repository', { timeout: 5 * 60 * 1000 }, () => {
  let withKernel: SourceIndex;
  before(async () => {
    requireKernelTree(KERNEL_TREE, '6.12.117-1~deb12u1');
    withKernel = await scan(KERNEL_TREE);
  });

  it("takes the kernel's macros and constants from the kernel directory, and KBUILD_MODNAME from Kbuild", () => {
    assert.deepEqual(aliases(withKernel), [
      `extra/orphan.c:4 MODULE_ALIAS [null] null (${ORPHAN})`,
      // "block-major-" __stringify(DRBD_MAJOR) "-*", DRBD_MAJOR 147 in the kernel's uapi/linux/major.h, not samples/other.h's 999.
      'main.c:15 MODULE_ALIAS_BLOCKDEV_MAJOR [mydrv] block-major-147-*',
      // include/linux/fs.h's MODULE_ALIAS_FS, not the one of samples/other.h that main.c does not include.
      'main.c:16 MODULE_ALIAS_FS [mydrv] fs-mydrv',
      // MYDRV_TYPE_PREFIX __stringify(MYDRV_TYPE_FXS), from common/mydrv.h found through Kbuild's -I$(src)/common.
      'main.c:17 MODULE_ALIAS_MYDRV_TYPE [mydrv] mydrv-type-1',
      'my-helper.c:8 MODULE_ALIAS [my_helper] platform:my_helper',
      'my-helper.c:9 MODULE_ALIAS_MISCDEV [my_helper] char-major-10-242',
      `shared.c:4 MODULE_ALIAS [null] null (${SHARED})`,
      'sub/x_util.c:5 MODULE_ALIAS [mydrv_x] mydrv-x:mydrv_x',
      'sub/x_util.c:6 MODULE_ALIAS_CHARDEV [mydrv_x] char-major-10-243',
    ]);
  });

  it("says which kernel directory it read, and only its headers: include/ and the machine architecture's", () => {
    const arch = ({ x64: 'x86', ia32: 'x86', arm64: 'arm64' } as Record<string, string>)[process.arch];
    assert.ok(arch, `no expected architecture folder for ${process.arch}`);
    const includeDirs = [path.join(KERNEL_TREE, 'include'), path.join(KERNEL_TREE, 'arch', arch, 'include')];
    const headers = includeDirs.flatMap((d) => filesUnder(d, (n) => n.endsWith('.h')));
    assert.deepEqual(withKernel.kernelDirectory, {
      path: KERNEL_TREE,
      source: 'given',
      includeDirs,
      headers: headers.length,
    });
    // The repository's own files are what it counts; nothing of the kernel directory shows up as a site or function.
    assert.deepEqual(withKernel.files, { scanned: 10, skipped: 0, unreadable: [] });
    assert.ok(
      [...withKernel.callSites, ...withKernel.functions, ...withKernel.aliases].every((x) => !path.isAbsolute(x.file)),
    );
  });

  it('documents the family core.c requests only with the kernel directory', async () => {
    const undocumented = (index: SourceIndex) =>
      index.findings
        .filter((f) => f.rule === 'undocumented-alias')
        .map((f) => `${f.location.file}:${f.location.line} ${f.message}`);
    assert.deepEqual(undocumented(withKernel), []);
    const alone = await scan(null);
    assert.deepEqual(undocumented(alone), [
      'core.c:7 request_module(MYDRV_TYPE_PREFIX "%d", type) requests names of the form "mydrv-type-*", but no MODULE_ALIAS* declaration and no module\'s file name in the tree matches that pattern',
    ]);
    assert.deepEqual(alone.kernelDirectory, { path: null, source: 'none', includeDirs: [], headers: 0 });
    assert.deepEqual(aliases(alone), [
      `extra/orphan.c:4 MODULE_ALIAS [null] null (${ORPHAN})`,
      'main.c:15 MODULE_ALIAS_BLOCKDEV_MAJOR [mydrv] null (MODULE_ALIAS_BLOCKDEV_MAJOR is not defined anywhere in the tree)',
      'main.c:16 MODULE_ALIAS_FS [mydrv] null (MODULE_ALIAS_FS is defined only in samples/other.h:4, which main.c does not include)',
      'main.c:17 MODULE_ALIAS_MYDRV_TYPE [mydrv] null (does not expand to a string: __stringify is not a macro found in the tree)',
      // MODULE_ALIAS itself falls back to the tool's own definition (module.h's) when nothing defines it.
      'my-helper.c:8 MODULE_ALIAS [my_helper] platform:my_helper',
      'my-helper.c:9 MODULE_ALIAS_MISCDEV [my_helper] null (MODULE_ALIAS_MISCDEV is not defined anywhere in the tree)',
      `shared.c:4 MODULE_ALIAS [null] null (${SHARED})`,
      'sub/x_util.c:5 MODULE_ALIAS [mydrv_x] mydrv-x:mydrv_x',
      'sub/x_util.c:6 MODULE_ALIAS_CHARDEV [mydrv_x] null (MODULE_ALIAS_CHARDEV is not defined anywhere in the tree)',
    ]);
  });

  it("defaults as out-of-tree Makefiles do: not a kernel tree, so the running kernel's build directory when it exists", async () => {
    const build = path.join('/lib/modules', os.release(), 'build');
    const auto = await scan(undefined);
    assert.equal(auto.kernelDirectory.source, fs.existsSync(path.join(build, 'Makefile')) ? 'running-kernel' : 'none');
  });

  it('takes a kernel build directory whose Makefile includes the source tree (make O=, Debian linux-headers)', async () => {
    const build = fs.mkdtempSync(path.join(os.tmpdir(), 'al-kbuild-'));
    try {
      fs.writeFileSync(path.join(build, 'Makefile'), `include ${KERNEL_TREE}/Makefile\n`);
      const viaBuild = await scan(build);
      assert.deepEqual(viaBuild.kernelDirectory, { ...withKernel.kernelDirectory, path: build });
      assert.deepEqual(viaBuild.aliases, withKernel.aliases);
    } finally {
      fs.rmSync(build, { recursive: true });
    }
  });

  it('refuses a kernel directory that holds no kernel headers, saying what to pass', async () => {
    const r = await scanTree(tree, { threads: 0, cache: false, kernelDirectory: path.join(tree, 'sub') });
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.error.code, 'not-a-kernel-tree');
    assert.match(!r.ok ? (r.error.hint ?? '') : '', /lib\/modules/);
  });
});
