import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NOT_MODELLED, openModuleDb, type ModuleDb } from '../../../src/engine/modules';

const repo = resolve(__dirname, '../../../..');
const SAMPLE = join(repo, 'samples/boot-6.1-qemu/modules');
const UNTIDY = join(repo, 'test/fixtures/modules/untidy');

async function open(dir: string): Promise<ModuleDb> {
  const r = await openModuleDb(dir);
  if (!r.ok) assert.fail(`${dir}: ${r.error.message}`);
  return r.value;
}

function withTemp(fn: (root: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const root = mkdtempSync(join(tmpdir(), 'autoload-lens-moddb-'));
    try {
      await fn(root);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };
}

test('the real 6.1 metadata: counts, module paths, soft dependencies, built-ins', async () => {
  const db = await open(SAMPLE);
  assert.equal(db.dir, SAMPLE);
  assert.equal(db.version, null);
  assert.deepEqual(db.notes, [NOT_MODELLED]);
  assert.deepEqual(db.stats, { aliases: 26183, modules: 4022, builtins: 186, builtinAliases: 62, symbols: 14135 });
  assert.equal([...db.moduleNames()].length, 4022);
  assert.equal(db.modulePath('ext4'), 'kernel/fs/ext4/ext4.ko');
  assert.equal(db.modulePath('snd-hda-codec'), 'kernel/sound/pci/hda/snd-hda-codec.ko');
  assert.equal(db.modulePath('cryptomgr'), null);
  assert.deepEqual(db.softdeps('ext4'), { pre: ['crypto-crc32c'], post: [] });
  assert.equal(db.softdeps('vfat'), null);
  assert.equal(db.isBuiltin('cryptomgr'), true);
  assert.equal(db.isBuiltin('amd-uncore'), true);
  assert.equal(db.isModule('ext4'), true);
  assert.equal(db.isModule('cryptomgr'), false);
  // cifs declares MODULE_SOFTDEP("gcm") etc. without `pre:`, which kmod ignores: 11 located warnings, nothing else.
  assert.equal(db.warnings.length, 11);
  assert.deepEqual(db.warnings[0], {
    file: join(SAMPLE, 'modules.softdep'),
    line: 5,
    message: '`gcm` is not after `pre:` or `post:`, so kmod ignores it',
  });
  assert.ok(db.warnings.every((w) => w.file.endsWith('modules.softdep')));
});

test('resolution kinds and evidence on the real metadata', async () => {
  const db = await open(SAMPLE);
  assert.deepEqual(db.resolve('fs-ext4'), { kind: 'alias', modules: ['ext4'], patterns: ['fs-ext4'] });
  assert.deepEqual(db.resolve('crypto-aes'), {
    kind: 'alias',
    modules: ['aesni_intel', 'padlock_aes'],
    patterns: ['crypto-aes', 'crypto-aes'],
  });
  assert.deepEqual(db.resolve('snd-hda-codec'), { kind: 'module', modules: ['snd_hda_codec'], patterns: [] });
  assert.deepEqual(db.resolve('symbol:drm_need_swiotlb'), {
    kind: 'symbol',
    modules: ['drm'],
    patterns: ['symbol:drm_need_swiotlb'],
  });
  assert.deepEqual(db.resolve('cryptomgr'), { kind: 'builtin', modules: ['cryptomgr'], patterns: [] });
  assert.deepEqual(db.resolve('char-major-4-64'), { kind: 'builtin', modules: ['8250'], patterns: ['char-major-4-*'] });
  assert.deepEqual(db.resolve('fs-nosuchfs'), { kind: 'none', modules: [], patterns: [] });
  assert.deepEqual(db.resolve('a]b'), { kind: 'none', modules: [], patterns: [] });
});

test('untidy files: every unreadable line is a located warning, the rest is used', async () => {
  const db = await open(UNTIDY);
  const f = (name: string): string => join(UNTIDY, name);
  assert.deepEqual(db.warnings, [
    { file: f('modules.dep'), line: 3, message: 'expected `PATH: DEPENDENCIES`, found `no colon here`' },
    {
      file: f('modules.dep'),
      line: 4,
      message: 'module demo listed again (first at kernel/fs/demo.ko); keeping the first',
    },
    { file: f('modules.alias'), line: 4, message: 'expected `alias PATTERN... MODULE`, found `alias broken-line`' },
    { file: f('modules.alias'), line: 5, message: 'unmatched bracket in `bad]bracket`; kmod ignores it' },
    { file: f('modules.symbols'), line: 3, message: 'alias `demo_other` does not start with `symbol:`' },
    { file: f('modules.builtin'), line: 3, message: 'expected one module path, found `kernel/two words.ko`' },
    { file: f('modules.builtin.modinfo'), line: 3, message: 'record 3 is not `module.key=value`: `no-dot-record`' },
    { file: f('modules.builtin.modinfo'), line: 4, message: 'record 4: empty alias for demo_builtin' },
    { file: f('modules.softdep'), line: 3, message: '`stray` is not after `pre:` or `post:`, so kmod ignores it' },
    {
      file: f('modules.softdep'),
      line: 4,
      message: 'expected `softdep MODULE pre: ... post: ...`, found `softdeps nothing`',
    },
  ]);
  assert.deepEqual(db.stats, { aliases: 4, modules: 3, builtins: 1, builtinAliases: 2, symbols: 1 });
  assert.deepEqual([...db.moduleNames()], ['demo', 'demo_lib', 'demo_two']);
  assert.equal(db.modulePath('demo-two'), 'kernel/fs/demo-two.ko.xz');
  assert.deepEqual(db.softdeps('demo'), { pre: ['demo-lib'], post: ['crc32c'] });
  assert.deepEqual(db.softdeps('demo_two'), { pre: ['demo'], post: [] });
  // Two providers, in modules.dep order (depmod's priority), whichever line came first in modules.alias.
  assert.deepEqual(db.resolve('fs_demo'), {
    kind: 'alias',
    modules: ['demo', 'demo_two'],
    patterns: ['fs-demo', 'fs-demo'],
  });
  assert.deepEqual(db.resolve('demo-y'), { kind: 'alias', modules: ['demo_two'], patterns: ['demo-[xy]'] });
  assert.deepEqual(db.resolve('demo-z').kind, 'none');
  assert.deepEqual(db.resolve('pci:v0000ABCDd00001111sv0sd0bc02sc00i00').modules, ['demo']);
  assert.deepEqual(db.resolve('demo-lib'), { kind: 'module', modules: ['demo_lib'], patterns: [] });
  assert.deepEqual(db.resolve('symbol:demo_hook'), {
    kind: 'symbol',
    modules: ['demo'],
    patterns: ['symbol:demo_hook'],
  });
  assert.deepEqual(db.resolve('demo-builtin'), { kind: 'builtin', modules: ['demo_builtin'], patterns: [] });
  assert.deepEqual(db.resolve('char-major-250-7'), {
    kind: 'builtin',
    modules: ['demo_builtin'],
    patterns: ['char-major-250-*'],
  });
});

test(
  'a system root with one lib/modules/VERSION is accepted and the version is named',
  withTemp(async (root) => {
    const dir = join(root, 'lib/modules/5.10.0-test');
    mkdirSync(dir, { recursive: true });
    cpSync(UNTIDY, dir, { recursive: true });
    const fromRoot = await open(root);
    assert.equal(fromRoot.dir, dir);
    assert.equal(fromRoot.version, '5.10.0-test');
    assert.deepEqual(fromRoot.notes, [
      `using kernel version 5.10.0-test (${dir}), the only one under ${root}`,
      NOT_MODELLED,
    ]);
    const fromLibModules = await open(join(root, 'lib/modules'));
    assert.equal(fromLibModules.dir, dir);
    const direct = await open(dir);
    assert.equal(direct.version, '5.10.0-test');
    assert.deepEqual(direct.notes, [NOT_MODELLED]);
  }),
);

test(
  'unusable directories are error values with the path and a hint',
  withTemp(async (root) => {
    const missing = await openModuleDb(join(root, 'nope'));
    assert.equal(missing.ok, false);
    if (!missing.ok) {
      assert.equal(missing.error.code, 'unreadable-modules-dir');
      assert.equal(missing.error.message, 'the modules directory does not exist');
      assert.equal(missing.error.file, join(root, 'nope'));
      assert.match(missing.error.hint ?? '', /\/lib\/modules\/\$\(uname -r\)/);
    }
    const empty = await openModuleDb(root);
    assert.deepEqual(empty.ok ? null : [empty.error.code, empty.error.file], ['no-module-metadata', root]);
    const notDir = await openModuleDb(join(UNTIDY, 'modules.dep'));
    assert.deepEqual(notDir.ok ? null : [notDir.error.code, notDir.error.message], [
      'unreadable-modules-dir',
      'the modules path is not a directory',
    ]);

    const odd = join(root, 'odd');
    mkdirSync(join(odd, 'modules.alias'), { recursive: true });
    const unreadable = await openModuleDb(odd);
    assert.deepEqual(unreadable.ok ? null : [unreadable.error.code, unreadable.error.file], [
      'unreadable-file',
      join(odd, 'modules.alias'),
    ]);

    for (const v of ['6.1.0-a', '6.1.0-b']) cpSync(UNTIDY, join(root, 'lib/modules', v), { recursive: true });
    const two = await openModuleDb(root);
    assert.equal(two.ok, false);
    if (!two.ok) {
      assert.equal(two.error.code, 'ambiguous-modules-dir');
      assert.equal(two.error.message, `${root} holds module metadata for several kernels: 6.1.0-a, 6.1.0-b`);
      assert.equal(two.error.hint, `pick one: --modules ${join(root, 'lib/modules/6.1.0-a')}`);
    }
  }),
);

test(
  'binary indexes stand in for missing text files; text files win when both are there',
  withTemp(async (root) => {
    const dir = join(root, 'lib/modules/6.1.0-50-amd64');
    mkdirSync(dir, { recursive: true });
    for (const f of ['modules.dep.bin', 'modules.alias.bin']) cpSync(join(SAMPLE, f), join(dir, f));
    cpSync(join(SAMPLE, 'modules.builtin'), join(dir, 'modules.builtin'));
    const db = await open(root);
    assert.equal(db.dir, dir);
    assert.deepEqual(db.notes, [
      `using kernel version 6.1.0-50-amd64 (${dir}), the only one under ${root}`,
      'modules.alias read from modules.alias.bin (there is no modules.alias)',
      'modules.dep read from modules.dep.bin (there is no modules.dep)',
      NOT_MODELLED,
    ]);
    assert.deepEqual(db.stats, { aliases: 26183, modules: 4022, builtins: 186, builtinAliases: 0, symbols: 0 });
    assert.deepEqual(db.resolve('fs-ext4'), { kind: 'alias', modules: ['ext4'], patterns: ['fs_ext4'] });
    assert.deepEqual(db.resolve('snd-hda-codec'), { kind: 'module', modules: ['snd_hda_codec'], patterns: [] });
    assert.deepEqual(db.resolve('cryptomgr'), { kind: 'builtin', modules: ['cryptomgr'], patterns: [] });
    assert.deepEqual(db.softdeps('ext4'), null);

    // A damaged index beside its text file is never read.
    writeFileSync(join(dir, 'modules.builtin.bin'), 'not an index');
    assert.equal((await open(root)).stats.builtins, 186);
  }),
);

test(
  'a damaged or truncated binary index is an error value with the file, the byte and a hint',
  withTemp(async (root) => {
    cpSync(join(SAMPLE, 'modules.alias.bin'), join(root, 'modules.alias.bin'));
    writeFileSync(join(root, 'modules.dep.bin'), readFileSync(join(SAMPLE, 'modules.dep.bin')).subarray(0, 1000));
    const r = await openModuleDb(root);
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.error.code, 'corrupt-index');
      assert.equal(r.error.file, join(root, 'modules.dep.bin'));
      // The root node reference (bytes 8-11, 0x200abba1 in the real file) points past the cut.
      assert.equal(
        r.error.message,
        'not a readable kmod index: a node reference points at byte 703393, outside the nodes (12..999) (byte 8)',
      );
      assert.match(r.error.hint ?? '', /depmod -b ROOT VERSION/);
    }

    // A modules.dep.bin value that is not a modules.dep line is a warning located by the node's byte offset.
    const depIndex = Buffer.alloc(12 + 5 + 4 + 4 + 9);
    depIndex.writeUInt32BE(0xb007f457, 0);
    depIndex.writeUInt32BE(0x00020001, 4);
    depIndex.writeUInt32BE((0x80000000 | 0x40000000 | 12) >>> 0, 8);
    depIndex.write('demo\0', 12, 'latin1');
    depIndex.writeUInt32BE(1, 17);
    depIndex.writeUInt32BE(0, 21);
    depIndex.write('no colon\0', 25, 'latin1');
    writeFileSync(join(root, 'modules.dep.bin'), depIndex);
    const db = await open(root);
    assert.deepEqual(db.warnings, [
      {
        file: join(root, 'modules.dep.bin'),
        offset: 12,
        message: 'module demo: expected `PATH: DEPENDENCIES`, found `no colon`',
      },
    ]);
    assert.equal(db.stats.modules, 0);

    mkdirSync(join(root, 'modules.symbols.bin'));
    const unreadable = await openModuleDb(root);
    assert.deepEqual(unreadable.ok ? null : [unreadable.error.code, unreadable.error.file], [
      'unreadable-file',
      join(root, 'modules.symbols.bin'),
    ]);
  }),
);

test(
  '300,000 unreadable records: each is a located warning (they were spread as arguments of one call: stack overflow)',
  withTemp(async (root) => {
    writeFileSync(join(root, 'modules.alias'), 'alias broken-line\n'.repeat(300000));
    writeFileSync(join(root, 'modules.builtin.modinfo'), 'no-dot-record\0'.repeat(300000));
    const db = await open(root);
    assert.equal(db.warnings.length, 600000);
    assert.deepEqual(db.warnings[299999], {
      file: join(root, 'modules.alias'),
      line: 300000,
      message: 'expected `alias PATTERN... MODULE`, found `alias broken-line`',
    });
    assert.deepEqual(db.warnings.at(-1), {
      file: join(root, 'modules.builtin.modinfo'),
      line: 300000,
      message: 'record 300000 is not `module.key=value`: `no-dot-record`',
    });
    assert.deepEqual([db.stats.aliases, db.stats.builtinAliases], [0, 0]);
  }),
);
