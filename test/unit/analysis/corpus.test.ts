/**
 * The whole Linux 6.12 tree. Expected totals come from an independent count (a small C lexer that strips comments,
 * strings and directives, run over the tree, 331 call sites, the same file:line set) and from reading the code:
 * they are not the tool's own output. CI puts Debian's 6.12.117-1~deb12u1 in the cache; without that exact version this
 * test fails and says how to get it.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { scanTree } from '../../../src/analysis/index';
import { shapeText } from '../../../src/engine/nameShape';
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
    for (const m of fs.readFileSync(p, 'latin1').matchAll(/^[ \t]*#[ \t]*define[ \t]+(MODULE_ALIAS\w*)/gm))
      names.add(m[1]);
  }
  return names;
}

/** Declarations that pass KBUILD_MODNAME, found with a regex of our own: `[file, line, macro, arguments]`. */
function kbuildModnameDeclarations(): Array<[string, number, string, string]> {
  const found: Array<[string, number, string, string]> = [];
  for (const p of filesUnder(tree, (name) => name.endsWith('.c'))) {
    fs.readFileSync(p, 'latin1')
      .split('\n')
      .forEach((line, i) => {
        const m = /^\s*(MODULE_ALIAS\w*)\s*\((.*KBUILD_MODNAME.*)\)\s*;/.exec(line);
        if (m) found.push([path.relative(tree, p), i + 1, m[1], m[2]]);
      });
  }
  return found.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
}

/** Each of those files' module, read by hand in its folder's Makefile of 6.12 (`-` is `_` in module names). */
const MODULE_OF: Record<string, string> = {
  'drivers/crypto/qce/core.c': 'qcrypto', // qcrypto-objs := core.o …
  'drivers/crypto/qcom-rng.c': 'qcom_rng',
  'drivers/leds/simple/simatic-ipc-leds-gpio-apollolake.c': 'simatic_ipc_leds_gpio_apollolake',
  'drivers/leds/simple/simatic-ipc-leds-gpio-elkhartlake.c': 'simatic_ipc_leds_gpio_elkhartlake',
  'drivers/leds/simple/simatic-ipc-leds-gpio-f7188x.c': 'simatic_ipc_leds_gpio_f7188x',
  'drivers/leds/simple/simatic-ipc-leds.c': 'simatic_ipc_leds',
  'drivers/memory/ti-aemif.c': 'ti_aemif',
  'drivers/net/wireguard/main.c': 'wireguard', // wireguard-y := main.o …
  'drivers/platform/x86/siemens/simatic-ipc-batt-apollolake.c': 'simatic_ipc_batt_apollolake',
  'drivers/platform/x86/siemens/simatic-ipc-batt-elkhartlake.c': 'simatic_ipc_batt_elkhartlake',
  'drivers/platform/x86/siemens/simatic-ipc-batt-f7188x.c': 'simatic_ipc_batt_f7188x',
  'drivers/platform/x86/siemens/simatic-ipc-batt.c': 'simatic_ipc_batt',
  'drivers/power/reset/keystone-reset.c': 'keystone_reset',
  'drivers/rpmsg/rpmsg_ctrl.c': 'rpmsg_ctrl',
  'drivers/rpmsg/rpmsg_ns.c': 'rpmsg_ns',
  'drivers/watchdog/simatic-ipc-wdt.c': 'simatic_ipc_wdt',
  'fs/fuse/virtio_fs.c': 'virtiofs', // virtiofs-y := virtio_fs.o
};

/** What each macro puts before its argument (include/linux/fs.h:2619, include/net/rtnetlink.h:218). */
const PREFIX: Record<string, string> = { MODULE_ALIAS_FS: 'fs-', MODULE_ALIAS_RTNL_LINK: 'rtnl-link-' };

/** `alias PATTERN MODULE` lines of the real modules.alias of the 6.1 boot, and the modules its modules.dep lists. */
function bootModules(): { aliases: Map<string, Set<string>>; modules: Set<string> } {
  const dir = path.resolve(__dirname, '../../../../samples/boot-6.1-qemu/modules');
  const aliases = new Map<string, Set<string>>();
  for (const line of fs.readFileSync(path.join(dir, 'modules.alias'), 'utf8').split('\n')) {
    const [word, pattern, module] = line.split(' ');
    if (word !== 'alias' || !pattern || !module) continue;
    aliases.set(pattern, (aliases.get(pattern) ?? new Set()).add(module));
  }
  const modules = new Set(
    fs
      .readFileSync(path.join(dir, 'modules.dep'), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) =>
        path
          .basename(l.split(':')[0])
          .replace(/\.ko(\.\w+)?$/, '')
          .replace(/-/g, '_'),
      ),
  );
  return { aliases, modules };
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
    assert.deepEqual(
      index.aliases.filter((a) => a.file === 'drivers/block/floppy.c').map((a) => a.value),
      ['block-major-2-*'],
    );
  });

  it('finds every direct call site, per callee', () => {
    assert.deepEqual(
      count(direct, (c) => c.callee),
      { request_module: 294, request_module_nowait: 17, try_then_request_module: 13, symbol_request: 7 },
    );
  });

  it('classifies how each return value is used', () => {
    const uses = count(direct, (c) =>
      c.returnUse === 'assigned' ? `assigned+${c.assignedTested ? 'tested' : 'untested'}` : c.returnUse,
    );
    // Untested assignments, read in the code: of_request_module's `ret` (returned later), test_kmod's info->ret_sync.
    assert.deepEqual(uses, {
      discarded: 268,
      condition: 22,
      'assigned+tested': 32,
      'assigned+untested': 2,
      returned: 6,
      'void-cast': 1,
    });
  });

  it('reads the call sites the product is about as the code says', () => {
    const at = (file: string, line: number) => direct.find((c) => c.file === file && c.line === line);
    const fs1 = at('fs/filesystems.c', 284);
    assert.deepEqual(
      [fs1?.function, fs1?.returnUse, fs1?.pattern, fs1?.format],
      ['get_fs_type', 'condition', 'fs-*', 'fs-%.*s'],
    );
    const sock = at('net/socket.c', 1540);
    assert.deepEqual([sock?.function, sock?.returnUse, sock?.pattern], ['__sock_create', 'discarded', 'net-pf-*']);
    const crypto = direct.filter((c) => c.function === 'crypto_larval_lookup').map((c) => c.pattern);
    assert.deepEqual(crypto, ['crypto-*', 'crypto-*-all']);
  });

  it('discovers the kernel wrappers from the code', () => {
    const wrappers = new Map(index.wrappers.map((w) => [w.name, w]));
    for (const name of [
      'get_fs_type',
      '__sock_create',
      'sock_create_kern',
      'tty_ldisc_get',
      'load_nls',
      'dev_load',
      'blk_request_module',
      'xt_request_find_match',
      'crypto_larval_lookup',
    ]) {
      assert.equal(wrappers.get(name)?.kind, 'function', `${name} not discovered`);
    }
    assert.equal(wrappers.get('dvb_attach')?.kind, 'macro');
    assert.equal(wrappers.get('get_fs_type')?.pattern, 'fs-*');
    assert.equal(wrappers.get('__sock_create')?.pattern, 'net-pf-*');
    assert.equal(wrappers.get('dvb_attach')?.pattern, 'symbol:*');
    assert.equal(wrappers.get('blk_request_module')?.pattern, 'block-major-*-*');
    assert.equal(wrappers.get('tty_ldisc_get')?.pattern, 'tty-ldisc-*');
  });

  it('discovers the deferred wrapper nft_request_module from the code, and its calls (read with grep, net/netfilter)', () => {
    const nft = index.wrappers.find((w) => w.name === 'nft_request_module');
    assert.deepEqual(
      [nft?.kind, nft?.file, nft?.queue],
      ['function', 'net/netfilter/nf_tables_api.c', 'nft_module_request.module'],
    );
    const calls = index.callSites
      .filter((c) => c.callee === 'nft_request_module')
      .map((c) => `${c.file}:${c.line} ${(c.shapes ?? []).map(shapeText).join(' | ')}`);
    assert.deepEqual(calls, [
      'net/netfilter/nf_tables_api.c:973 nft-chain-%u-%s',
      'net/netfilter/nf_tables_api.c:3135 nft-expr-%u-%s',
      'net/netfilter/nf_tables_api.c:3166 nft-expr-%s',
      'net/netfilter/nf_tables_api.c:7884 nft-obj-%u',
      'net/netfilter/nf_tables_api.c:8595 nf-flowtable-%u',
      // modname is "nf_log_syslog" or "nfnetlink_log", by the target's name.
      'net/netfilter/nft_compat.c:279 nf_log_syslog | nfnetlink_log',
      'net/netfilter/nft_log.c:135 nf_log_syslog',
      'net/netfilter/nft_log.c:137 nfnetlink_log',
    ]);
    // The request that reads the queue: nf_tables_module_autoload's request_module("%s", req->module).
    assert.deepEqual(
      direct.filter((c) => c.queue === 'nft_module_request.module').map((c) => `${c.file} ${c.function}`),
      ['net/netfilter/nf_tables_api.c nf_tables_module_autoload'],
    );
  });

  it('narrows a name to the literals assigned to it and to what the function filling its buffer prints', () => {
    const codec = direct.find((c) => c.file === 'sound/pci/hda/hda_bind.c' && c.function === 'request_codec_module');
    assert.deepEqual(codec?.shapes?.map(shapeText), [
      'snd-hda-codec-hdmi',
      'snd-hda-codec-generic',
      'hdaudio:v%08Xr%08Xa%02X\n',
    ]);
  });

  it('computes concrete names at wrapper call sites with constant arguments', () => {
    const names = new Set(index.callSites.filter((c) => c.kind === 'wrapper').map((c) => c.name));
    // get_fs_type("tmpfs") in kernel/usermode_driver.c, sock_create_kern(..., PF_INET, ...) in rxe_qp.c,
    // tty_set_ldisc(tty, N_SPEAKUP) in spk_ttyio.c, dvb_attach(stv0299_attach, ...) in flexcop-fe-tuner.c.
    for (const n of ['fs-tmpfs', 'net-pf-2', 'tty-ldisc-26', 'symbol:stv0299_attach'])
      assert.ok(names.has(n), `${n} not computed`);
  });

  it('expands every MODULE_ALIAS* macro the tree defines and uses', () => {
    const defined = aliasMacrosDefined();
    assert.equal(defined.size, 50);
    const used = new Set(index.aliases.map((a) => a.macro));
    for (const m of used) if (m.startsWith('MODULE_ALIAS')) assert.ok(defined.has(m), `${m} used but not defined`);
    // Macros of other names whose #define expands to MODULE_ALIAS (read in include/linux/usb/composite.h,
    // drivers/vfio/platform/vfio_platform_private.h, drivers/platform/x86/thinkpad_acpi.c): their calls declare too.
    assert.deepEqual([...used].filter((m) => !m.startsWith('MODULE_ALIAS')).sort(), [
      'DECLARE_USB_FUNCTION',
      'DECLARE_USB_FUNCTION_INIT',
      'IBM_BIOS_MODULE_ALIAS',
      'module_vfio_reset_handler',
    ]);
    const valuesIn = (file: string) => index.aliases.filter((a) => a.file === file).map((a) => a.value);
    // As the real modules.alias of 6.1 lists them: usb_f_acm, usb_f_ss_lb, thinkpad_acpi.
    assert.deepEqual(valuesIn('drivers/usb/gadget/function/f_acm.c'), ['usbfunc:acm']);
    assert.deepEqual(valuesIn('drivers/usb/gadget/function/f_loopback.c'), ['usbfunc:Loopback']);
    assert.ok(valuesIn('drivers/platform/x86/thinkpad_acpi.c').includes('dmi:bvnIBM:bvrI[MU]ET??WW*'));
    // Defined in include/ but used by no declaration in 6.12.
    assert.deepEqual([...defined].filter((m) => !used.has(m)).sort(), [
      'MODULE_ALIAS_BLOCKDEV',
      'MODULE_ALIAS_FCOE_PCI',
      'MODULE_ALIAS_NET_PF_PROTO_NAME',
      'MODULE_ALIAS_XFRM_MODE',
    ]);
    assert.deepEqual(
      index.aliases.filter((a) => a.value === null).map((a) => `${a.file}:${a.line} ${a.reason}`),
      [],
    );
  });

  it('expands KBUILD_MODNAME to the module its Makefile builds, never to a #define of samples/ or tools/', () => {
    const declarations = kbuildModnameDeclarations();
    assert.equal(declarations.length, 17);
    for (const [file, line, macro, args] of declarations) {
      const module = MODULE_OF[file];
      assert.ok(module, `${file}:${line} not read by hand`);
      const prefix =
        macro === 'MODULE_ALIAS' ? (/^"([^"]*)"\s*KBUILD_MODNAME$/.exec(args)?.[1] ?? null) : (PREFIX[macro] ?? null);
      assert.ok(prefix !== null, `${file}:${line} ${macro}(${args}): prefix not known`);
      const found = index.aliases
        .filter((a) => a.file === file && a.line === line)
        .map((a) => [a.macro, a.value, a.module]);
      assert.deepEqual(found, [[macro, `${prefix}${module}`, module]], `${file}:${line}`);
    }
    assert.deepEqual(
      index.aliases.filter((a) => a.value !== null && /(^|[-:])foo$/.test(a.value)).map((a) => `${a.file}:${a.line}`),
      [],
    );
  });

  it("names the module of each declaration as depmod did where the 6.1 boot's modules.alias lists it", () => {
    const valuesIn = (file: string) =>
      index.aliases.filter((a) => a.file === file).map((a) => `${a.value} ${a.module}`);
    // Lines of the real modules.alias: `alias fs-virtiofs virtiofs`, `alias rtnl-link-wireguard wireguard`, ….
    assert.deepEqual(valuesIn('fs/fuse/virtio_fs.c'), ['fs-virtiofs virtiofs']);
    assert.deepEqual(valuesIn('drivers/net/wireguard/main.c'), [
      'rtnl-link-wireguard wireguard',
      'net-pf-16-proto-16-family-wireguard wireguard',
    ]);
    assert.deepEqual(valuesIn('drivers/watchdog/simatic-ipc-wdt.c'), ['platform:simatic_ipc_wdt simatic_ipc_wdt']);
    assert.deepEqual(valuesIn('drivers/leds/simple/simatic-ipc-leds.c'), [
      'platform:simatic_ipc_leds simatic_ipc_leds',
    ]);
    const boot = bootModules();
    // Every declaration of a module 6.1 also builds, whose alias 6.1 lists, is listed there for that module, but two:
    // ipt_icmp and ip6t_icmp6 moved from ip_tables.c and ip6_tables.c (6.1's ip_tables.c:34) to xt_tcpudp.c since.
    const disagree = index.aliases
      .filter((a) => a.value !== null && a.module !== null && boot.modules.has(a.module) && boot.aliases.has(a.value))
      .filter((a) => !boot.aliases.get(a.value as string)?.has(a.module as string))
      .map((a) => `${a.file}:${a.line} ${a.value} ${a.module}`);
    assert.deepEqual(disagree, [
      'net/netfilter/xt_tcpudp.c:24 ipt_icmp xt_tcpudp',
      'net/netfilter/xt_tcpudp.c:25 ip6t_icmp6 xt_tcpudp',
    ]);
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
