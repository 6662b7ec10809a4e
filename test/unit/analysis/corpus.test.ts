/**
 * The whole Linux 6.12 tree. Expected totals come from an independent count (a small C lexer that strips comments,
 * strings and directives, run over the tree, 331 call sites, the same file:line set) and from reading the code:
 * they are not the tool's own output. CI puts Debian's 6.12.117-1~deb12u1 in the cache; without that exact version this
 * test fails and says how to get it.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { before, describe, it } from 'node:test';
import { scanTree } from '../../../src/analysis/index';
import type { CallSiteInfo, SourceIndex } from '../../../src/engine/sourceIndex';
import { filesUnder, KERNEL_TREE, requireKernelTree } from '../../fixtures/kernelTree';

const tree = KERNEL_TREE;

const count = <T>(xs: T[], key: (x: T) => string) => {
  const out: Record<string, number> = {};
  for (const x of xs) out[key(x)] = (out[key(x)] ?? 0) + 1;
  return out;
};

/** `#define MODULE_ALIAS*` names in the tree's headers, found with a regex of our own (not the tool's scan). */
function aliasMacrosDefined(): Set<string> {
  const names = new Set<string>();
  for (const p of filesUnder(tree, (name) => name.endsWith('.h'))) {
    for (const m of fs.readFileSync(p, 'latin1').matchAll(/^[ \t]*#[ \t]*define[ \t]+(MODULE_ALIAS\w*)/gm)) names.add(m[1]!);
  }
  return names;
}

describe('analysis on the linux-6.12 tree', { timeout: 30 * 60 * 1000 }, () => {
  let index: SourceIndex;
  let direct: CallSiteInfo[];
  before(async () => {
    requireKernelTree(tree, '6.12.117-1~deb12u1');
    const r = await scanTree(tree);
    if (!r.ok) assert.fail(r.error.message);
    index = r.value;
    direct = index.callSites.filter((c) => c.kind === 'direct');
  });

  it('gives exactly what parsing every whole file gives (the regions around hits stand for the files)', async () => {
    const whole = await scanTree(tree, { wholeFile: true, cache: false });
    if (!whole.ok) assert.fail(whole.error.message);
    assert.deepEqual(whole.value, index);
    // Found by that comparison: `module_init(floppy_init)` without `;` before this declaration once hid it.
    assert.deepEqual(index.aliases.filter((a) => a.file === 'drivers/block/floppy.c').map((a) => a.value), ['block-major-2-*']);
  });

  it('finds every direct call site, per callee', () => {
    assert.deepEqual(count(direct, (c) => c.callee), { request_module: 294, request_module_nowait: 17, try_then_request_module: 13, symbol_request: 7 });
  });

  it('classifies how each return value is used', () => {
    const uses = count(direct, (c) => (c.returnUse === 'assigned' ? `assigned+${c.assignedTested ? 'tested' : 'untested'}` : c.returnUse));
    // Untested assignments, read in the code: of_request_module's `ret` (returned later), test_kmod's info->ret_sync.
    assert.deepEqual(uses, { discarded: 268, condition: 22, 'assigned+tested': 32, 'assigned+untested': 2, returned: 6, 'void-cast': 1 });
  });

  it('reads the call sites the product is about as the code says', () => {
    const at = (file: string, line: number) => direct.find((c) => c.file === file && c.line === line);
    const fs1 = at('fs/filesystems.c', 284);
    assert.deepEqual([fs1?.function, fs1?.returnUse, fs1?.pattern, fs1?.format], ['get_fs_type', 'condition', 'fs-*', 'fs-%.*s']);
    const sock = at('net/socket.c', 1540);
    assert.deepEqual([sock?.function, sock?.returnUse, sock?.pattern], ['__sock_create', 'discarded', 'net-pf-*']);
    const crypto = direct.filter((c) => c.function === 'crypto_larval_lookup').map((c) => c.pattern);
    assert.deepEqual(crypto, ['crypto-*', 'crypto-*-all']);
  });

  it('discovers the kernel wrappers from the code', () => {
    const wrappers = new Map(index.wrappers.map((w) => [w.name, w]));
    for (const name of ['get_fs_type', '__sock_create', 'sock_create_kern', 'tty_ldisc_get', 'load_nls', 'dev_load', 'blk_request_module', 'xt_request_find_match', 'crypto_larval_lookup']) {
      assert.equal(wrappers.get(name)?.kind, 'function', `${name} not discovered`);
    }
    assert.equal(wrappers.get('dvb_attach')?.kind, 'macro');
    assert.equal(wrappers.get('get_fs_type')?.pattern, 'fs-*');
    assert.equal(wrappers.get('__sock_create')?.pattern, 'net-pf-*');
    assert.equal(wrappers.get('dvb_attach')?.pattern, 'symbol:*');
    assert.equal(wrappers.get('blk_request_module')?.pattern, 'block-major-*-*');
    assert.equal(wrappers.get('tty_ldisc_get')?.pattern, 'tty-ldisc-*');
  });

  it('computes concrete names at wrapper call sites with constant arguments', () => {
    const names = new Set(index.callSites.filter((c) => c.kind === 'wrapper').map((c) => c.name));
    // get_fs_type("tmpfs") in kernel/usermode_driver.c, sock_create_kern(..., PF_INET, ...) in rxe_qp.c,
    // tty_set_ldisc(tty, N_SPEAKUP) in spk_ttyio.c, dvb_attach(stv0299_attach, ...) in flexcop-fe-tuner.c.
    for (const n of ['fs-tmpfs', 'net-pf-2', 'tty-ldisc-26', 'symbol:stv0299_attach']) assert.ok(names.has(n), `${n} not computed`);
  });

  it('expands every MODULE_ALIAS* macro the tree defines and uses', () => {
    const defined = aliasMacrosDefined();
    assert.equal(defined.size, 50);
    const used = new Set(index.aliases.map((a) => a.macro));
    for (const m of used) if (m.startsWith('MODULE_ALIAS')) assert.ok(defined.has(m), `${m} used but not defined`);
    // Macros of other names whose #define expands to MODULE_ALIAS (read in include/linux/usb/composite.h,
    // drivers/vfio/platform/vfio_platform_private.h, drivers/platform/x86/thinkpad_acpi.c): their calls declare too.
    assert.deepEqual([...used].filter((m) => !m.startsWith('MODULE_ALIAS')).sort(), ['DECLARE_USB_FUNCTION', 'DECLARE_USB_FUNCTION_INIT', 'IBM_BIOS_MODULE_ALIAS', 'module_vfio_reset_handler']);
    const valuesIn = (file: string) => index.aliases.filter((a) => a.file === file).map((a) => a.value);
    // As the real modules.alias of 6.1 lists them: usb_f_acm, usb_f_ss_lb, thinkpad_acpi.
    assert.deepEqual(valuesIn('drivers/usb/gadget/function/f_acm.c'), ['usbfunc:acm']);
    assert.deepEqual(valuesIn('drivers/usb/gadget/function/f_loopback.c'), ['usbfunc:Loopback']);
    assert.ok(valuesIn('drivers/platform/x86/thinkpad_acpi.c').includes('dmi:bvnIBM:bvrI[MU]ET??WW*'));
    // Defined in include/ but used by no declaration in 6.12.
    assert.deepEqual([...defined].filter((m) => !used.has(m)).sort(), ['MODULE_ALIAS_BLOCKDEV', 'MODULE_ALIAS_FCOE_PCI', 'MODULE_ALIAS_NET_PF_PROTO_NAME', 'MODULE_ALIAS_XFRM_MODE']);
    assert.deepEqual(index.aliases.filter((a) => a.value === null).map((a) => `${a.file}:${a.line} ${a.reason}`), []);
  });

  it('expands aliases to what depmod writes', () => {
    const values = (file: string) => index.aliases.filter((a) => a.file === file).map((a) => a.value);
    assert.ok(values('net/ipv6/af_inet6.c').includes('net-pf-10'));
    assert.ok(values('drivers/net/tun.c').includes('char-major-10-200'));
    assert.ok(values('fs/ext4/super.c').includes('fs-ext4'));
    // An enum constant is not a macro: cpp stringifies its name, as the real modules.alias of 6.1 shows (nd_btt).
    assert.ok(values('drivers/nvdimm/btt.c').includes('nd:tND_DEVICE_BTT*'));
  });
});
