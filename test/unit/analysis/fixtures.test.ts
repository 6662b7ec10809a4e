import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { openSourceTree, scanTree } from '../../../src/analysis/index';
import { CallSiteLinker } from '../../../src/engine/callSiteLinker';
import type { CallSiteInfo, SourceIndex } from '../../../src/engine/sourceIndex';

const repo = path.resolve(__dirname, '../../../..');
const tree = path.join(repo, 'test/fixtures/c');

async function scanFixtures(opts: Parameters<typeof scanTree>[1] = {}): Promise<SourceIndex> {
  const r = await scanTree(tree, { cache: false, ...opts });
  if (!r.ok) assert.fail(r.error.message);
  return r.value;
}

/** The index of a copy of a kernel tree as if scanned at `root` (the tree is its own kernel directory). */
const atRoot = (index: SourceIndex, root: string): SourceIndex => ({
  ...index,
  root,
  kernelDirectory: { ...index.kernelDirectory, path: root },
});

/** One line per call site: position, callee, how it requests, what it requests, how the return is used. */
const site = (c: CallSiteInfo) =>
  `${c.file}:${c.line}:${c.column}-${c.endLine}:${c.endColumn} ${c.callee} ${c.kind}${c.via.length ? `>${c.via.join('>')}` : ''} in ${c.function} ` +
  `fmt=${c.format} pat=${c.pattern} name=${c.name} fam=${c.family} ${c.returnUse}${c.assignedTested === null ? '' : c.assignedTested ? '+tested' : '+untested'}${c.wait ? '' : ' nowait'}`;

// Read off the fixture sources by hand (line, column of the callee name, 1-based; tabs count one column).
const expectedSites = [
  'crypto/api.c:10:3-10:36 request_module direct in crypto_larval_lookup fmt=crypto-%s pat=crypto-* name=null fam=crypto- discarded',
  'crypto/api.c:14:4-14:41 request_module direct in crypto_larval_lookup fmt=crypto-%s-all pat=crypto-*-all name=null fam=crypto- discarded',
  'crypto/api.c:23:9-23:47 crypto_larval_lookup wrapper>request_module in crypto_alg_mod_lookup fmt=crypto-%s pat=crypto-* name=null fam=crypto- returned',
  'drivers/dupa/helper.c:8:3-8:32 request_module direct in load_helper fmt=dupa-helper pat=dupa-helper name=dupa-helper fam=dupa-helper discarded',
  'drivers/dupb/helper.c:8:3-8:32 request_module direct in load_helper fmt=dupb-helper pat=dupb-helper name=dupb-helper fam=dupb-helper discarded',
  'drivers/media/frontend.c:5:12-5:63 dvb_attach wrapper>symbol_request in demo_frontend_attach fmt=null pat=symbol:stv0299_attach name=symbol:stv0299_attach fam=symbol:stv0299_attach assigned+tested',
  'drivers/misc/demo.c:16:2-16:34 request_module direct in demo_discarded fmt=demo-discarded pat=demo-discarded name=demo-discarded fam=demo-discarded discarded',
  'drivers/misc/demo.c:22:8-22:41 request_module direct in demo_void_cast fmt=demo-void-%d pat=demo-void-* name=null fam=demo-void- void-cast',
  'drivers/misc/demo.c:27:6-28:10 request_module direct in demo_condition fmt=demo-cond-%d pat=demo-cond-* name=null fam=demo-cond- condition',
  'drivers/misc/demo.c:37:8-37:39 request_module direct in demo_assigned fmt=demo-assigned pat=demo-assigned name=demo-assigned fam=demo-assigned assigned+tested',
  'drivers/misc/demo.c:45:12-45:48 request_module_nowait direct in demo_assigned_untested fmt=demo-nowait pat=demo-nowait name=demo-nowait fam=demo-nowait assigned+untested nowait',
  'drivers/misc/demo.c:52:9-52:44 request_module direct in demo_returned fmt=demo-ret-%s pat=demo-ret-* name=null fam=demo-ret- returned',
  'drivers/misc/demo.c:57:25-57:51 request_module direct in demo_argument fmt=demo-arg pat=demo-arg name=demo-arg fam=demo-arg argument',
  'drivers/misc/demo.c:62:9-62:65 try_then_request_module direct in demo_try fmt=demo-try-%d pat=demo-try-* name=null fam=demo-try- returned',
  'drivers/misc/demo.c:67:9-67:31 demo_request wrapper>request_module in demo_wrapper_use fmt=demo-%s pat=demo-gadget name=demo-gadget fam=demo-gadget returned',
  'drivers/misc/demo.c:72:2-72:71 request_module direct in demo_too_long fmt=a-module-name-prefix-that-is-long-%d-%d-%d pat=a-module-name-prefix-that-is-long-*-*-* name=null fam=a-module-name-prefix-that-is-long- discarded',
  'drivers/misc/demo.c:78:2-78:29 request_module direct in demo_unknown_family fmt=foo-%d pat=foo-* name=null fam=foo- discarded',
  'drivers/misc/demo.c:80:2-80:29 request_module direct in demo_unknown_family fmt=bar-%d pat=bar-* name=null fam=bar- discarded',
  'drivers/misc/demo.c:87:2-87:31 request_module direct in demo_broken fmt=demo-broken pat=demo-broken name=demo-broken fam=demo-broken discarded',
  'drivers/misc/demo.c:96:7-96:42 request_module direct in demo_retry fmt=demo-retry-%d pat=demo-retry-* name=null fam=demo-retry- condition',
  'drivers/net/team.c:5:2-5:38 request_module direct in team_mode_load fmt=team-mode-%s pat=team-mode-* name=null fam=team-mode- discarded',
  'drivers/usb/gadget/functions.c:12:2-12:36 request_module direct in usb_get_function_instance fmt=usbfunc:%s pat=usbfunc:* name=null fam=usbfunc: discarded',
  'fs/ext4/super.c:6:31-6:50 get_fs_type wrapper>request_module in ext4_init_fs fmt=fs-%.*s pat=fs-ext4 name=fs-ext4 fam=fs-ext4 assigned+tested',
  'fs/filesystems.c:18:14-18:50 request_module direct in get_fs_type fmt=fs-%.*s pat=fs-* name=null fam=fs- condition',
  'net/dsa/tag.c:13:2-13:36 request_module direct in dsa_tag_driver_get_by_name fmt=dsa_tag:%s pat=dsa_tag:* name=null fam=dsa_tag: discarded',
  'net/dsa/tag.c:29:2-29:36 request_module direct in dsa_tag_driver_preload fmt=dsa_tag:%s pat=dsa_tag:* name=null fam=dsa_tag: discarded',
  'net/ipv6/af_inet6.c:7:9-7:70 sock_create_kern wrapper>__sock_create>request_module in inet6_create_ctl fmt=net-pf-%d pat=net-pf-10 name=net-pf-10 fam=net-pf-10 returned',
  'net/socket.c:12:3-12:38 request_module direct in __sock_create fmt=net-pf-%d pat=net-pf-* name=null fam=net-pf- discarded',
  'net/socket.c:22:9-22:59 __sock_create wrapper>request_module in sock_create_kern fmt=net-pf-%d pat=net-pf-* name=null fam=net-pf- returned',
];

describe('analysis on the fixture tree', () => {
  let index: SourceIndex;
  before(async () => {
    index = await scanFixtures({ threads: 0, backend: 'native' });
  });

  it('finds exactly the call sites, with their use, format, pattern and concrete name', () => {
    assert.deepEqual(index.callSites.map(site), expectedSites);
  });

  it('never takes comments, strings or the kmod.h definitions for call sites', () => {
    assert.equal(
      index.callSites.filter((c) => c.file === 'include/linux/kmod.h' || c.file === 'include/linux/module.h').length,
      0,
    );
    assert.equal(index.callSites.filter((c) => c.file === 'drivers/misc/demo.c' && c.line <= 12).length, 0);
  });

  it('keeps raw arguments of multi-line calls', () => {
    const cond = index.callSites.find((c) => c.function === 'demo_condition');
    assert.deepEqual(cond?.arguments, ['"demo-cond-%d"', 'id']);
  });

  it('discovers wrappers from the code, transitively, functions and macros', () => {
    const w = index.wrappers.map((x) => `${x.name} ${x.kind} ${x.file}:${x.line} ${x.pattern} via ${x.calls}`);
    assert.deepEqual(w, [
      'crypto_larval_lookup function crypto/api.c:3 crypto-* via request_module',
      'crypto_alg_mod_lookup function crypto/api.c:21 crypto-* via crypto_larval_lookup',
      'demo_request macro drivers/misc/demo.c:10 demo-* via request_module',
      'demo_void_cast function drivers/misc/demo.c:20 demo-void-* via request_module',
      'demo_condition function drivers/misc/demo.c:25 demo-cond-* via request_module',
      'demo_returned function drivers/misc/demo.c:50 demo-ret-* via request_module',
      'demo_try function drivers/misc/demo.c:60 demo-try-* via try_then_request_module',
      'demo_too_long function drivers/misc/demo.c:70 a-module-name-prefix-that-is-long-*-*-* via request_module',
      'demo_unknown_family function drivers/misc/demo.c:75 foo-* via request_module',
      'demo_retry function drivers/misc/demo.c:90 demo-retry-* via request_module',
      'team_mode_load function drivers/net/team.c:3 team-mode-* via request_module',
      'usb_get_function_instance function drivers/usb/gadget/functions.c:5 usbfunc:* via request_module',
      'get_fs_type function fs/filesystems.c:11 fs-* via request_module',
      'dvb_attach macro include/media/dvbdev.h:1 symbol:* via symbol_request',
      'dsa_tag_driver_get_by_name function net/dsa/tag.c:8 dsa_tag:* via request_module',
      'dsa_tag_driver_preload function net/dsa/tag.c:23 dsa_tag:* via request_module',
      '__sock_create function net/socket.c:4 net-pf-* via request_module',
      'sock_create_kern function net/socket.c:20 net-pf-* via __sock_create',
    ]);
  });

  it('expands MODULE_ALIAS* through macros, __stringify and #define constants like cpp and depmod, also from macros of other names that expand to one', () => {
    const a = index.aliases.map((x) => `${x.file}:${x.line} ${x.macro} ${x.value ?? `null (${x.reason})`}`);
    assert.deepEqual(a, [
      'crypto/aes.c:2 MODULE_ALIAS_CRYPTO aes',
      'crypto/aes.c:2 MODULE_ALIAS_CRYPTO crypto-aes',
      'drivers/misc/demo.c:102 MODULE_ALIAS demo-cond-7',
      'drivers/net/tun.c:6 MODULE_ALIAS_MISCDEV char-major-10-200',
      'drivers/net/tun.c:7 MODULE_ALIAS devname:net/tun',
      'drivers/net/tun.c:8 MODULE_ALIAS platform:tun',
      'drivers/net/tun.c:9 MODULE_ALIAS_UNKNOWN_THING null (MODULE_ALIAS_UNKNOWN_THING is not defined anywhere in the tree)',
      'drivers/net/tun.c:10 MODULE_ALIAS null (does not expand to a string: NO_SUCH_NAME is not a macro found in the tree)',
      // Not a macro: cpp stringifies the name itself, and so does depmod's input (as for nd:tND_DEVICE_BTT*).
      'drivers/net/tun.c:11 MODULE_ALIAS_MISCDEV char-major-10-NOT_A_MACRO_MINOR',
      'drivers/usb/gadget/function/f_acm.c:7 DECLARE_USB_FUNCTION_INIT usbfunc:acm',
      'fs/ext4/super.c:10 MODULE_ALIAS_FS fs-ext4',
      'fs/ext4/super.c:11 MODULE_ALIAS_FS fs-ext3',
      'fs/ext4/super.c:12 MODULE_ALIAS ext3',
      'net/ipv6/af_inet6.c:9 MODULE_ALIAS_NETPROTO net-pf-10',
      'net/ipv6/af_inet6.c:10 MODULE_ALIAS_NET_PF_PROTO_TYPE net-pf-10-proto-2-6-type-132',
    ]);
  });

  it('flags unchecked zero returns, but not the look-up-again idiom, a registry walked after the request, try_then_request_module, guards or retries', () => {
    const f = index.findings
      .filter((x) => x.rule === 'unchecked-zero-return')
      .map((x) => `${x.location.file}:${x.location.line} ${x.related.map((r) => r.line).join(',')}`);
    assert.deepEqual(f, [
      'drivers/misc/demo.c:16 ',
      'drivers/misc/demo.c:22 ',
      'drivers/misc/demo.c:27 27',
      'drivers/misc/demo.c:37 38',
      'drivers/misc/demo.c:45 ',
      'drivers/misc/demo.c:72 ',
      'drivers/misc/demo.c:78 ',
      'drivers/misc/demo.c:80 ',
      'drivers/misc/demo.c:87 ',
      'drivers/net/team.c:5 ',
      'net/dsa/tag.c:29 ',
    ]);
  });

  it('flags names that cannot fit MODULE_NAME_LEN', () => {
    const f = index.findings.filter((x) => x.rule === 'name-too-long');
    assert.equal(f.length, 1);
    // 34 literal bytes + 3 × 11 for %d ("-2147483648") + 2 dashes = 69.
    assert.equal(
      f[0].message,
      'request_module("a-module-name-prefix-that-is-long-%d-%d-%d", a, b, c) can request names of up to 69 bytes; with the NUL that exceeds MODULE_NAME_LEN (56 on 64-bit), so the kernel returns -ENAMETOOLONG before any trace event',
    );
    assert.deepEqual(f[0].location, { file: 'drivers/misc/demo.c', line: 72, column: 2 });
  });

  it('flags alias families no MODULE_ALIAS* declares (static undocumented-alias), module file names count', () => {
    const f = index.findings
      .filter((x) => x.rule === 'undocumented-alias')
      .map((x) => `${x.location.file}:${x.location.line}`);
    assert.deepEqual(f, [
      'crypto/api.c:14',
      'drivers/misc/demo.c:22',
      'drivers/misc/demo.c:52',
      'drivers/misc/demo.c:62',
      'drivers/misc/demo.c:72',
      'drivers/misc/demo.c:78',
      'drivers/misc/demo.c:80',
      'drivers/misc/demo.c:96',
      'net/dsa/tag.c:13',
      'net/dsa/tag.c:29',
    ]);
  });

  it('links trace call sites directly, through inlining, and reports ambiguity', () => {
    const plain = new CallSiteLinker(index);
    assert.deepEqual(plain.link('get_fs_type+0x1c/0x120', null, 'fs-ext4'), {
      link: 'direct',
      locations: [{ file: 'fs/filesystems.c', line: 18, column: 14, link: 'direct', via: ['get_fs_type'] }],
    });
    assert.deepEqual(plain.link('get_fs_type.part.0', null, 'fs-ext4').link, 'direct');
    // crypto-aes: only crypto-%s can print it; crypto-aes-all: both crypto-%s and crypto-%s-all can.
    const inlined = (line: number, column: number) => ({
      file: 'crypto/api.c',
      line,
      column,
      link: 'inlined',
      via: ['crypto_alg_mod_lookup', 'crypto_larval_lookup'],
    });
    assert.deepEqual(plain.link('crypto_alg_mod_lookup', null, 'crypto-aes'), {
      link: 'inlined',
      locations: [inlined(10, 3)],
    });
    assert.deepEqual(plain.link('crypto_alg_mod_lookup', null, 'crypto-aes-all'), {
      link: 'inlined',
      locations: [inlined(10, 3), inlined(14, 4)],
    });
    assert.equal(plain.link('load_helper', 'dupb', 'dupb-helper').link, 'direct');
    assert.equal(plain.link('load_helper', 'dupb', 'helper').link, 'stale');
    const byModule = new CallSiteLinker(index, () => 'kernel/drivers/dupb/dupb.ko');
    assert.deepEqual(byModule.link('load_helper', 'dupb', 'dupb-helper'), {
      link: 'direct',
      locations: [{ file: 'drivers/dupb/helper.c', line: 8, column: 3, link: 'direct', via: ['load_helper'] }],
    });
    // A module whose folder was scanned but holds no such function: stale, and the name fits dupb's call.
    assert.deepEqual(
      new CallSiteLinker(index, () => 'kernel/net/other.ko').link('load_helper', 'other', 'dupb-helper'),
      {
        link: 'stale',
        locations: [],
        fits: [{ file: 'drivers/dupb/helper.c', line: 8, column: 3 }],
      },
    );
    // A module whose folder holds no scanned source: nothing to say.
    assert.deepEqual(
      new CallSiteLinker(index, () => 'kernel/sound/other.ko').link('load_helper', 'other', 'dupb-helper'),
      { link: 'none', locations: [] },
    );
    assert.deepEqual(plain.link('aarp_send_ddp', 'appletalk', 'can-proto-1'), { link: 'none', locations: [] });
  });

  it('takes wrapper names from the options when the code cannot show them', async () => {
    assert.equal(index.callSites.filter((c) => c.callee === 'nft_request_module').length, 0);
    const extra = await scanFixtures({ threads: 0, extraWrappers: ['nft_request_module'] });
    assert.deepEqual(extra.callSites.filter((c) => c.callee === 'nft_request_module').map(site), [
      'net/netfilter/nft_autoload.c:6:6-7:53 nft_request_module wrapper in nft_chain_autoload fmt=nft-chain-%u-%.*s pat=nft-chain-*-* name=null fam=nft-chain- condition',
      'net/netfilter/nft_autoload.c:14:2-14:56 nft_request_module wrapper in nft_expr_autoload fmt=nft-expr-%u-%s pat=nft-expr-2-reject name=nft-expr-2-reject fam=nft-expr-2-reject discarded',
    ]);
  });

  it('gives the same index from region parses as from whole-file parses', async () => {
    assert.deepEqual(await scanFixtures({ threads: 0, wholeFile: true }), index);
  });

  it('gives the same index on worker threads, however many (the default is one per core, up to eight)', async () => {
    assert.deepEqual(await scanFixtures({ threads: 2 }), index);
    assert.deepEqual(await scanFixtures({ threads: 5 }), index);
  });

  it('gives the same index with the wasm parser', async () => {
    const opened = await openSourceTree(tree, { threads: 0, backend: 'wasm', cache: false });
    assert.equal(opened.ok && opened.value.backend, 'wasm');
    assert.deepEqual(opened.ok && opened.value.index, index);
    assert.deepEqual(await scanFixtures({ threads: 1, backend: 'wasm' }), index);
  });

  it('gives the same index from the scan cache, and sees a changed file', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'al-cache-'));
    const dir = path.join(work, 'tree');
    fs.cpSync(tree, dir, { recursive: true });
    // The cache file goes with the temporary tree, not into the user's cache folder.
    const cached = { threads: 0, cacheDir: path.join(work, 'cache') };
    const first = await scanTree(dir, cached);
    const second = await scanTree(dir, cached);
    if (!first.ok || !second.ok) assert.fail('scan failed');
    assert.deepEqual(atRoot(second.value, tree), index);
    assert.deepEqual(second.value, first.value);
    const file = path.join(dir, 'drivers/misc/demo.c');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"demo-arg"', '"demo-arg-changed"'));
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const third = await scanTree(dir, cached);
    if (!third.ok) assert.fail('scan failed');
    assert.equal(
      third.value.callSites.find((c) => c.line === 57 && c.file === 'drivers/misc/demo.c')?.name,
      'demo-arg-changed',
    );
    fs.rmSync(work, { recursive: true });
  });

  it('re-analyses one edited file', async () => {
    // Each edit on a tree of its own, opened as the editor opens it: the scan's state stays with the tree.
    const open = async () => {
      const r = await openSourceTree(tree, { threads: 0, backend: 'native', cache: false });
      if (!r.ok) assert.fail(r.error.message);
      assert.equal(r.value.backend, 'native');
      assert.deepEqual(r.value.index, index);
      return r.value;
    };
    const file = 'drivers/misc/demo.c';
    const text = fs
      .readFileSync(path.join(tree, file), 'utf8')
      .replace('request_module("demo-arg")', 'request_module_nowait("demo-arg2")');
    const opened = await open();
    const updated = await opened.update(file, text);
    if (!updated.ok) assert.fail(updated.error.message);
    const next = updated.value;
    assert.equal(opened.index, next);
    const changed = next.callSites.find((c) => c.file === file && c.line === 57);
    assert.equal(changed?.callee, 'request_module_nowait');
    assert.equal(changed?.name, 'demo-arg2');
    assert.equal(next.callSites.length, index.callSites.length);
    assert.deepEqual(
      next.callSites.filter((c) => c.file !== file),
      index.callSites.filter((c) => c.file !== file),
    );
    // An edit that moves lines but keeps every definition and call: the quick path must equal a full scan.
    const shifted = `/* one more line */\n${fs.readFileSync(path.join(tree, file), 'utf8')}`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'al-upd-'));
    fs.cpSync(tree, dir, { recursive: true });
    fs.writeFileSync(path.join(dir, file), shifted);
    const full = await scanTree(dir, { threads: 0, cache: false });
    if (!full.ok) assert.fail('scan failed');
    const quick = await (await open()).update(file, shifted);
    if (!quick.ok) assert.fail(quick.error.message);
    assert.deepEqual(atRoot(quick.value, dir), full.value);
    fs.rmSync(dir, { recursive: true });
    const gone = await (await open()).update(file, '');
    if (!gone.ok) assert.fail(gone.error.message);
    const removed = gone.value;
    assert.equal(removed.callSites.filter((c) => c.file === file).length, 0);
    assert.equal(removed.aliases.filter((a) => a.file === file).length, 0);
  });
});

describe('tree walking', () => {
  it('skips big, binary and excluded files, does not follow symlink loops, and counts them', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'al-walk-'));
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'sub/a.c'), 'void f(void)\n{\n\trequest_module("walk-a");\n}\n');
    fs.writeFileSync(
      path.join(dir, 'big.c'),
      `void g(void)\n{\n\trequest_module("walk-big");\n}\n${'/* padding */\n'.repeat(2000)}`,
    );
    fs.writeFileSync(path.join(dir, 'bin.c'), Buffer.from([0x72, 0x65, 0, 1, 2]));
    fs.writeFileSync(path.join(dir, 'skip.c'), 'void h(void)\n{\n\trequest_module("walk-skip");\n}\n');
    fs.symlinkSync(dir, path.join(dir, 'sub/loop'));
    const r = await scanTree(dir, { threads: 0, maxFileBytes: 4096, exclude: ['skip.c'], cache: false });
    if (!r.ok) assert.fail(r.error.message);
    assert.deepEqual(
      r.value.callSites.map((c) => `${c.file}:${c.line} ${c.name}`),
      ['sub/a.c:3 walk-a'],
    );
    assert.deepEqual(r.value.files, { scanned: 1, skipped: 2, unreadable: [] });
    fs.rmSync(dir, { recursive: true });
  });

  it('says when the root is not a directory', async () => {
    const r = await scanTree(path.join(tree, 'no-such-dir'));
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.error.code, 'not-a-directory');
  });
});
