/**
 * Module names as kbuild derives them (scripts/Makefile.lib of 6.12: multi-search, modname, name-fix) from Kbuild and
 * Makefile texts written here, shaped like real ones (net/l2tp/Makefile, arch/arm/crypto/Makefile,
 * drivers/infiniband/core/Makefile, drivers/crypto/intel/iaa/Makefile of 6.12).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { KbuildModules, kbuildUnchanged } from '../../../src/analysis/kbuild';

function treeOf(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'al-kbuild-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const named = (m: KbuildModules, file: string) => {
  const r = m.moduleOf(file);
  return r.name ?? `(${r.reason})`;
};

describe('kbuild module names', () => {
  it('reads obj- lists whose names hold $(subst …) with blanks (net/l2tp)', () => {
    const root = treeOf({
      'net/l2tp/Makefile':
        'obj-$(CONFIG_L2TP) += l2tp_core.o\nobj-$(subst y,$(CONFIG_L2TP),$(CONFIG_PPPOL2TP)) += l2tp_ppp.o\nifneq ($(CONFIG_IPV6),)\nobj-$(subst y,$(CONFIG_L2TP),$(CONFIG_L2TP_IP)) += l2tp_ip6.o\nendif\n',
    });
    const m = new KbuildModules(root);
    assert.deepEqual(
      ['l2tp_core', 'l2tp_ppp', 'l2tp_ip6'].map((n) => named(m, `net/l2tp/${n}.c`)),
      ['l2tp_core', 'l2tp_ppp', 'l2tp_ip6'],
    );
    fs.rmSync(root, { recursive: true });
  });

  it('follows a list named with $(CONFIG_…) into the list that uses it as $(NAME-y), continued lines and # comments', () => {
    const root = treeOf({
      'crypto/Makefile': [
        'obj-$(CONFIG_CRYPTO_SHA512_ARM) += sha512-arm.o # the module',
        'sha512-arm-neon-$(CONFIG_KERNEL_MODE_NEON) := sha512-neon-glue.o',
        'sha512-arm-y\t:= sha512-core.o \\',
        '\t\tsha512-glue.o $(sha512-arm-neon-y)',
        'user_access-$(CONFIG_INFINIBAND_ADDR_TRANS)\t:= rdma_ucm.o',
        'obj-$(CONFIG_INFINIBAND_USER_ACCESS) += ib_uverbs.o $(user_access-y)',
        'rdma_ucm-y := ucma.o',
        '# obj-m += commented.o',
        'define not_lists',
        'obj-m += in-define.o',
        'endef',
      ].join('\n'),
    });
    const m = new KbuildModules(root);
    assert.deepEqual(
      ['sha512-neon-glue', 'sha512-glue', 'ucma', 'ib_uverbs'].map((n) => named(m, `crypto/${n}.c`)),
      ['sha512_arm', 'sha512_arm', 'rdma_ucm', 'ib_uverbs'],
    );
    assert.match(named(m, 'crypto/commented.c'), /is in no obj-…, NAME-y or NAME-objs list/);
    assert.match(named(m, 'crypto/in-define.c'), /is in no obj-…/);
    fs.rmSync(root, { recursive: true });
  });

  it('expands variables, $(addprefix …), and takes objects listed by a folder above with their subfolder', () => {
    const root = treeOf({
      'drv/Kbuild': 'MOD := fancy-drv\nobj-m += $(MOD).o\n$(MOD)-y := $(addprefix core/, a.o b.o) top.o\n',
      'drv/core/Makefile': '# lists nothing: drv/Kbuild names core/a.o\n',
    });
    const m = new KbuildModules(root);
    assert.deepEqual(
      ['drv/core/a.c', 'drv/core/b.c', 'drv/top.c'].map((f) => named(m, f)),
      ['fancy_drv', 'fancy_drv', 'fancy_drv'],
    );
    fs.rmSync(root, { recursive: true });
  });

  it('gives the -I folders of the Kbuild/Makefile that builds a file, after the subdir-ccflags of the folders above', () => {
    const root = treeOf({
      'drivers/Makefile': 'subdir-ccflags-y += -I$(srctree)/drivers/common\nobj-y += crypto/\n',
      'drivers/crypto/iaa/Makefile':
        'ccflags-y += -I $(srctree)/drivers/dma/idxd -DDEFAULT_SYMBOL_NAMESPACE=\'"IDXD"\'\nccflags-y += -I$(src) -I$(obj)/inc\nobj-$(CONFIG_X) := iaa_crypto.o\niaa_crypto-y := iaa_crypto_main.o\n',
    });
    const m = new KbuildModules(root);
    assert.deepEqual(m.includeDirsOf('drivers/crypto/iaa/iaa_crypto_main.c'), [
      'drivers/common',
      'drivers/dma/idxd',
      'drivers/crypto/iaa',
      'drivers/crypto/iaa/inc',
    ]);
    assert.equal(named(m, 'drivers/crypto/iaa/iaa_crypto_main.c'), 'iaa_crypto');
    fs.rmSync(root, { recursive: true });
  });

  it('says why a header, or a file no list holds, has no module name', () => {
    const root = treeOf({ 'a/Makefile': 'obj-m += b.o\n' });
    const m = new KbuildModules(root);
    assert.equal(named(m, 'a/b.h'), '(a/b.h is not a .c file: its module is that of the file including it)');
    assert.equal(
      named(m, 'a/c.c'),
      "(a/c.c is in no obj-…, NAME-y or NAME-objs list of the Kbuild or Makefile files of its folder and above, so kbuild's module name for it is unknown)",
    );
    assert.equal(
      named(m, 'z/y.c'),
      "(z/y.c is under no Kbuild or Makefile (its folder and above have none), so kbuild's module name for it is unknown)",
    );
    fs.rmSync(root, { recursive: true });
  });

  it('records what it read, so a changed, added or removed Kbuild/Makefile is seen', () => {
    const root = treeOf({ 'a/Makefile': 'obj-m += b.o\n' });
    const m = new KbuildModules(root);
    assert.equal(named(m, 'a/b.c'), 'b');
    const inputs = m.inputs();
    // Kbuild first: kbuild reads it instead of Makefile when it exists.
    assert.deepEqual(
      inputs.map((i) => [i.file, i.stat === null]),
      [
        ['a/Kbuild', true],
        ['a/Makefile', false],
      ],
    );
    assert.equal(kbuildUnchanged(root, inputs), true);
    fs.writeFileSync(path.join(root, 'a/Kbuild'), 'obj-m += c.o\nc-y := b.o\n');
    assert.equal(kbuildUnchanged(root, inputs), false);
    assert.equal(named(new KbuildModules(root), 'a/b.c'), 'c');
    fs.rmSync(root, { recursive: true });
  });
});
