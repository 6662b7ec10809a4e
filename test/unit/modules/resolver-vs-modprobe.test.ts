/**
 * Differential test: for every name the real traces request, names chosen to reach each look-up of kmod's resolver,
 * and names derived from the patterns themselves, our resolve(name).modules must equal what `modprobe -R` prints on
 * the same depmod files (same modules, same order, same repetitions): once reading the text files, once reading only
 * the binary indexes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NOT_MODELLED, openModuleDb, type ModuleDb } from '../../../src/engine/modules';
import { inBatches, kmodTool, modprobeResolve, run } from './kmod';
import { writeModuleTree } from './moduleTree';

const repo = resolve(__dirname, '../../../..');
const sample = join(repo, 'samples/boot-6.1-qemu');
const VERSION = '6.1.0-50-amd64';
const TRACES = ['trace.txt', 'trace-report.txt', 'perf-script.txt', 'trace-cmd-record-report.txt'];

/** Every distinct requested name; a name may span lines (the kernel printed one with a trailing newline). */
function requestedNames(): string[] {
  const names = new Set<string>();
  for (const file of TRACES) {
    for (const m of readFileSync(join(sample, file), 'utf8').matchAll(/module_request:\s+([\s\S]*?) wait=[01]\b/g))
      names.add(m[1]);
  }
  return [...names];
}

/** Names that reach each look-up of kmod's resolver and each matcher feature. */
const CHOSEN = [
  // module names from modules.dep, with `-`/`_` mixed
  'snd-hda-codec',
  'snd_hda-codec',
  'ext4',
  'nf_conntrack',
  'nf-conntrack',
  // symbol: from modules.symbols
  'symbol:drm_need_swiotlb',
  'symbol:drm_dp_link_train_channel_eq_delay',
  'symbol:no_such_symbol',
  'symbol:',
  // modules.alias, `-` and `_` both ways, several providers
  'fs-ext4',
  'fs_ext4',
  'crypto-aes',
  'crypto_aes',
  'crypto-sha256',
  'net-pf-10',
  'char-major-4-64',
  'usb:v0781p5567d0100dc00dsc00dp00ic08isc06ip50in00',
  'usb:v0000p0000d0000dc00dsc00dp00ic08isc06ip62in00',
  'pci:v00008086d00001237sv00001AF4sd00001100bc06sc00i00',
  'pci:v00001AF4d00001000sv00001AF4sd00000001bc02sc00i00',
  // repeated lines in modules.alias (nvme x3) and seven providers in depmod's module order
  'pci:v00001D97d00002263sv00001234sd00005678bc01sc08i02',
  'cpu:type:x86,ven0000fam0006mod006A:feature:,0001',
  // `[...]` classes in patterns (usb_storage bcdDevice ranges), in and out of range
  'usb:v0D96p410Ad2000dc00dsc00dp00ic00isc00ip00in00',
  'usb:v0D96p410Ad0000dc00dsc00dp00ic00isc00ip00in00',
  'usb:v0595p4343d1999dc00dsc00dp00ic00isc00ip00in00',
  'usb:v0595p4343d2000dc00dsc00dp00ic00isc00ip00in00',
  // `?` wildcards (mdio PHY ids)
  'mdio:00000000001000100101011000011234',
  'mdio:0000000000100010010101100001123',
  // built-in modules and built-in aliases (modules.builtin.modinfo)
  'cryptomgr',
  'amd-uncore',
  'amd_uncore',
  'libblake2s-x86_64',
  'cxl:t6abc',
  'cxl:t3',
  'tty-ldisc-27',
  'platform:rtc_cmos',
  'platform:rtc-cmos',
  'char-major-10-175',
  'crypto-md5',
  'xen:vfb',
  'net-pf-16-proto-11',
  // wildcard characters in the name: kmod's walk also follows them into wildcard branches (repeated matches)
  '',
  '*',
  '?',
  'fs-*',
  'pci:*',
  'fs-ext[4]',
  'a]b',
  'a[b',
  'no-such-module',
  'acpi*:INTC1071:*',
  'pci:v*d*sv*sd*bc0Csc07i02*',
  'cpu:type:x86,ven*fam*mod*:feature:*0125*',
  'usb:v0D96p410Ad[1-9]*dc*dsc*dp*ic*isc*ip*in*',
];

/** A name a pattern accepts: `*` as nothing or `Z9`, `?` as `0` or `F`, `[...]` as its first or last member. */
function instantiate(pattern: string, variant: 0 | 1): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    const close = c === '[' ? pattern.indexOf(']', i + 1) : -1;
    if (c === '*') out += variant === 0 ? '' : 'Z9';
    else if (c === '?') out += variant === 0 ? '0' : 'F';
    else if (close > i + 1) {
      out += variant === 0 ? pattern[i + 1] : pattern[close - 1];
      i = close;
    } else out += c;
  }
  return out;
}

/** Names derived from every 300th modules.alias pattern and from every built-in alias, spelled with `-` for `_`. */
function derivedNames(): string[] {
  const dir = join(sample, 'modules');
  const aliases = readFileSync(join(dir, 'modules.alias'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('alias '))
    .map((l) => l.split(/\s+/)[1]);
  const builtin = readFileSync(join(dir, 'modules.builtin.modinfo'), 'utf8')
    .split('\0')
    .filter((r) => /^[^.=]+\.alias=/.test(r))
    .map((r) => r.slice(r.indexOf('=') + 1));
  const names: string[] = [];
  aliases.forEach((p, i) => {
    if (i % 300 === 0) names.push(instantiate(p, 0), instantiate(p, 1).replace(/_/g, '-'), p);
  });
  for (const p of builtin) names.push(instantiate(p, 1));
  return names;
}

/** Every name the tests ask both resolvers about. */
function allNames(): string[] {
  const traced = requestedNames();
  assert.equal(traced.length, 250, 'distinct names requested across the four traces');
  assert.ok(traced.includes('hdaudio:v1AF40022r00100101a01\n'), 'the name printed with a newline is kept whole');
  const names = [...new Set([...traced, ...CHOSEN, ...derivedNames()])];
  assert.equal(names.length, 592);
  return names;
}

/** The names on which db.resolve() and `modprobe -R` on the same root disagree, with both answers. */
async function disagreements(
  db: ModuleDb,
  root: string,
  names: string[],
): Promise<Array<{ name: string; ours: string[]; modprobe: string[] }>> {
  const modprobe = kmodTool('modprobe');
  const config = join(root, 'modprobe.d');
  mkdirSync(config, { recursive: true });
  const expected = await inBatches(names, 24, (name) => modprobeResolve(modprobe, config, root, VERSION, name));
  return names
    .map((name, i) => ({ name, ours: db.resolve(name).modules, modprobe: expected[i] }))
    .filter((d) => JSON.stringify(d.ours) !== JSON.stringify(d.modprobe));
}

async function open(dir: string): Promise<ModuleDb> {
  const opened = await openModuleDb(dir);
  if (!opened.ok) assert.fail(`${dir}: ${opened.error.message}`);
  return opened.value;
}

function withRoot(fn: (root: string, dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const root = mkdtempSync(join(tmpdir(), 'autoload-lens-modprobe-'));
    try {
      const dir = join(root, 'lib/modules', VERSION);
      mkdirSync(dir, { recursive: true });
      await fn(root, dir);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };
}

/** The depmod text files of the sample, and every other file depmod writes as text. */
const TEXT_FILES = [
  'modules.alias',
  'modules.dep',
  'modules.builtin',
  'modules.builtin.modinfo',
  'modules.symbols',
  'modules.softdep',
  'modules.devname',
  'modules.order',
];
const INDEXES = [
  'modules.alias.bin',
  'modules.dep.bin',
  'modules.builtin.bin',
  'modules.builtin.alias.bin',
  'modules.symbols.bin',
];

test(
  'resolve() agrees with modprobe -R on every requested name and on chosen names',
  withRoot(async (root, dir) => {
    for (const f of readdirSync(join(sample, 'modules'))) copyFileSync(join(sample, 'modules', f), join(dir, f));
    const db = await open(root);
    assert.equal(db.version, VERSION);
    const names = allNames();
    assert.deepEqual(await disagreements(db, root, names), []);
    // The comparison is not vacuous: names resolve through every kind of look-up.
    assert.deepEqual(db.resolve('acpi*:INTC1071:*').modules, ['pinctrl_emmitsburg', 'pinctrl_emmitsburg']);
    assert.deepEqual(db.resolve('pci:v00001D97d00002263sv00001234sd00005678bc01sc08i02').modules, [
      'nvme',
      'nvme',
      'nvme',
    ]);
    const kinds = new Set(names.map((n) => db.resolve(n).kind));
    assert.deepEqual([...kinds].sort(), ['alias', 'builtin', 'module', 'none', 'symbol']);

    // With the text files present the indexes beside them are not read: the same answers as from the text alone.
    const textOnly = join(root, 'text-only');
    mkdirSync(textOnly);
    for (const f of TEXT_FILES) copyFileSync(join(dir, f), join(textOnly, f));
    const fromText = await open(textOnly);
    assert.deepEqual(
      db.notes,
      [`using kernel version ${VERSION} (${dir}), the only one under ${root}`, NOT_MODELLED],
      'no index read',
    );
    assert.deepEqual(fromText.notes, [NOT_MODELLED]);
    assert.deepEqual(db.stats, fromText.stats);
    assert.deepEqual(
      names.filter((n) => JSON.stringify(db.resolve(n)) !== JSON.stringify(fromText.resolve(n))),
      [],
    );
  }),
);

test(
  'on binary indexes alone, written by depmod -b from the same metadata, resolve() agrees with modprobe -R',
  withRoot(async (root, dir) => {
    writeModuleTree(join(sample, 'modules'), dir);
    await run(kmodTool('depmod'), ['-b', root, VERSION]);
    // The fixture is the real metadata: depmod writes these indexes byte for byte as the traced system's depmod did.
    // (modules.dep.bin lists each module's dependencies in another order: the modules hold one import per dependency,
    // not the symbols the real ones use. Resolution never looks at dependencies.)
    for (const f of ['modules.alias.bin', 'modules.symbols.bin', 'modules.builtin.bin', 'modules.builtin.alias.bin']) {
      assert.ok(
        readFileSync(join(dir, f)).equals(readFileSync(join(sample, 'modules', f))),
        `${f} as on the traced system`,
      );
    }
    // What an embedded image keeps: the indexes only.
    for (const f of [...TEXT_FILES, 'kernel']) rmSync(join(dir, f), { recursive: true });
    assert.deepEqual(readdirSync(dir).sort(), [...INDEXES].sort());

    const db = await open(root);
    assert.deepEqual(db.notes, [
      `using kernel version ${VERSION} (${dir}), the only one under ${root}`,
      'modules.alias read from modules.alias.bin (there is no modules.alias)',
      'modules.dep read from modules.dep.bin (there is no modules.dep)',
      'modules.builtin read from modules.builtin.bin (there is no modules.builtin)',
      'modules.builtin.modinfo read from modules.builtin.alias.bin (there is no modules.builtin.modinfo)',
      'modules.symbols read from modules.symbols.bin (there is no modules.symbols)',
      NOT_MODELLED,
    ]);
    // The counts of the text files (moduleDb.test.ts): the indexes hold the same entries.
    assert.deepEqual(db.stats, { aliases: 26183, modules: 4022, builtins: 186, builtinAliases: 62, symbols: 14135 });
    assert.deepEqual(db.warnings, []);
    assert.equal(db.modulePath('ext4'), 'kernel/fs/ext4/ext4.ko');
    assert.deepEqual([...db.moduleNames()].slice(0, 3), ['power', 'intel_uncore', 'intel_cstate'], 'modules.dep order');

    const names = allNames();
    assert.deepEqual(await disagreements(db, root, names), []);
    // Every kind of look-up is reached, and each name gets the kind and modules the text files give it; the patterns
    // are the index's keys, normalised as depmod stored them.
    const fromText = await open(join(sample, 'modules'));
    const summary = (d: ModuleDb, n: string): string => JSON.stringify([d.resolve(n).kind, d.resolve(n).modules]);
    assert.deepEqual(
      names.filter((n) => summary(db, n) !== summary(fromText, n)),
      [],
    );
    assert.deepEqual([...new Set(names.map((n) => db.resolve(n).kind))].sort(), [
      'alias',
      'builtin',
      'module',
      'none',
      'symbol',
    ]);
    assert.deepEqual(db.resolve('fs-ext4'), { kind: 'alias', modules: ['ext4'], patterns: ['fs_ext4'] });
    assert.deepEqual(db.resolve('char-major-4-64'), {
      kind: 'builtin',
      modules: ['8250'],
      patterns: ['char_major_4_*'],
    });
    assert.deepEqual(db.resolve('pci:v00001D97d00002263sv00001234sd00005678bc01sc08i02').modules, [
      'nvme',
      'nvme',
      'nvme',
    ]);
    assert.deepEqual(db.resolve('cpu:type:x86,ven0000fam0006mod006A:feature:,0001').modules.length, 7);
  }),
);
