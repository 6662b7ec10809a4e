/** End to end: `scan` and `replay --src` on the small C tree in fixtures/src, whose every expected value was read off the code. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sarifViolations } from '../report/sarifShape';

// out/test/unit/cli/ → the repository root.
const root = path.resolve(__dirname, '../../../..');
const cli = path.join(root, 'dist/cli.js');
const src = 'test/unit/cli/fixtures/src';
const trace = 'test/unit/cli/fixtures/trace.txt';
const modules = 'samples/boot-6.1-qemu/modules';

function run(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

type Site = {
  file: string;
  line: number;
  column: number;
  callee: string;
  kind: string;
  via: string[];
  function: string;
  format: string;
  pattern: string;
  name: string | null;
  returnUse: string;
};

test('scan JSON: every call site, wrapper, alias and finding of the fixture tree', () => {
  const r = run('scan', src, '--format', 'json');
  assert.equal(r.code, 1);
  assert.equal(r.stderr, '');
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.schemaVersion, 1);
  assert.deepEqual(
    doc.callSites.map((c: Site) => [
      c.file,
      c.line,
      c.column,
      c.callee,
      c.kind,
      c.via,
      c.function,
      c.format,
      c.pattern,
      c.returnUse,
    ]),
    [
      ['drivers/foo/foo.c', 8, 2, 'request_module', 'direct', [], 'foo_attach', 'foo-%d', 'foo-*', 'discarded'],
      [
        'drivers/foo/foo.c',
        15,
        9,
        'request_module',
        'direct',
        [],
        'foo_load_firmware_helper',
        'foo-firmware-helper-for-the-very-long-named-device-family-%d',
        'foo-firmware-helper-for-the-very-long-named-device-family-12345',
        'returned',
      ],
      ['fs/filesystems.c', 14, 14, 'request_module', 'direct', [], 'get_fs_type', 'fs-%.*s', 'fs-*', 'condition'],
      [
        'fs/super.c',
        5,
        34,
        'get_fs_type',
        'wrapper',
        ['request_module'],
        'mount_ext4_root',
        'fs-%.*s',
        'fs-ext4',
        'assigned',
      ],
    ],
  );
  assert.deepEqual(doc.wrappers, [
    {
      name: 'foo_attach',
      kind: 'function',
      file: 'drivers/foo/foo.c',
      line: 6,
      pattern: 'foo-*',
      calls: 'request_module',
      queue: null,
    },
    {
      name: 'get_fs_type',
      kind: 'function',
      file: 'fs/filesystems.c',
      line: 7,
      pattern: 'fs-*',
      calls: 'request_module',
      queue: null,
    },
  ]);
  // No Kbuild or Makefile in the fixture: the declaring file's module is not known.
  assert.deepEqual(doc.aliases, [
    {
      file: 'fs/ext4/super.c',
      line: 3,
      macro: 'MODULE_ALIAS_FS',
      value: 'fs-ext4',
      reason: null,
      column: 1,
      module: null,
    },
  ]);
  // The fixture holds include/linux/module.h: a kernel tree, its own kernel directory.
  assert.deepEqual(doc.kernelDirectory, { path: src, source: 'tree', includeDirs: [], headers: 0 });
  assert.deepEqual(
    doc.findings.map((f: { rule: string; severity: string; location: unknown }) => [f.rule, f.severity, f.location]),
    [
      ['unchecked-zero-return', 'warning', { file: 'drivers/foo/foo.c', line: 8, column: 2 }],
      ['undocumented-alias', 'warning', { file: 'drivers/foo/foo.c', line: 8, column: 2 }],
      ['name-too-long', 'error', { file: 'drivers/foo/foo.c', line: 15, column: 9 }],
    ],
  );
  assert.deepEqual(doc.summary, {
    files: 5,
    skippedFiles: 0,
    unreadableFiles: 0,
    callSites: 4,
    directCallSites: 3,
    wrapperCallSites: 1,
    wrappers: 2,
    aliases: 1,
    unexpandedAliases: 0,
    functions: 4,
    findings: {
      'duplicate-request': 0,
      'undocumented-alias': 1,
      'unchecked-zero-return': 1,
      'name-too-long': 1,
      'throttled-request': 0,
      'request-loop': 0,
    },
  });
});

test('scan --fail-on: the fixture has one error and two warnings', () => {
  assert.equal(run('scan', src, '--fail-on', 'error', '--format', 'json').code, 1);
  assert.equal(run('scan', src, '--fail-on', 'never').code, 0);
});

test('scan text and SARIF; --output writes the file and nothing else', () => {
  const text = run('scan', src);
  assert.equal(text.code, 1);
  const lines = text.stdout.split('\n');
  assert.deepEqual(lines.slice(0, 3), [
    `autoload-lens 0.1.0: scan of ${src}`,
    '  files  5 scanned, 0 skipped, 0 unreadable',
    `  kernel ${src} (the scanned tree itself)`,
  ]);
  const wrappers = lines.indexOf('Wrappers (2)');
  assert.deepEqual(lines.slice(wrappers + 1, wrappers + 4), [
    '  name         kind      sites  pattern  defined at',
    '  get_fs_type  function      1  fs-*     fs/filesystems.c:7',
    '  foo_attach   function      0  foo-*    drivers/foo/foo.c:6',
  ]);
  assert.ok(lines.includes('name-too-long: Module name too long (1)'));
  assert.ok(lines.includes('           at drivers/foo/foo.c:15:9'));

  const dir = mkdtempSync(path.join(tmpdir(), 'autoload-lens-scan-'));
  const out = path.join(dir, 'scan.sarif');
  assert.deepEqual(run('scan', src, '--format', 'sarif', '--output', out), { code: 1, stdout: '', stderr: '' });
  assert.deepEqual(readdirSync(dir), ['scan.sarif']);
  const doc = JSON.parse(readFileSync(out, 'utf8'));
  assert.deepEqual(sarifViolations(doc), []);
  const run0 = doc.runs[0];
  // The tree is inside the directory the tool ran in, but paths are relative to the scanned root all the same.
  assert.deepEqual(run0.originalUriBaseIds, { SRCROOT: { uri: `${pathToFileURL(path.join(root, src)).href}/` } });
  assert.deepEqual(
    run0.results.map(
      (x: {
        ruleId: string;
        level: string;
        locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }>;
      }) => [
        x.ruleId,
        x.level,
        x.locations[0]?.physicalLocation.artifactLocation.uri,
        x.locations[0]?.physicalLocation.region.startLine,
      ],
    ),
    [
      ['unchecked-zero-return', 'warning', 'drivers/foo/foo.c', 8],
      ['undocumented-alias', 'warning', 'drivers/foo/foo.c', 8],
      ['name-too-long', 'error', 'drivers/foo/foo.c', 15],
    ],
  );
});

test('scan of a missing directory is bad input (exit 2)', () => {
  const r = run('scan', 'no/such/tree');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^autoload-lens: .*no\/such\/tree/);
});

test('replay --src links every request to the call site that made it', () => {
  const r = run('replay', trace, '--modules', modules, '--src', src, '--format', 'json');
  assert.equal(r.code, 1);
  assert.equal(r.stderr, '');
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.sourceRoot, src);
  assert.deepEqual(doc.kernelDirectory, { path: src, source: 'tree', includeDirs: [], headers: 0 });
  assert.deepEqual(
    doc.requests.map((q: { name: string; callSite: unknown }) => [q.name, q.callSite]),
    [
      [
        'fs-ext4',
        {
          symbol: 'get_fs_type',
          module: null,
          link: 'direct',
          locations: [{ file: 'fs/filesystems.c', line: 14, column: 14, link: 'direct', via: ['get_fs_type'] }],
        },
      ],
      [
        'foo-3',
        {
          symbol: 'foo_attach',
          module: 'foo',
          link: 'direct',
          locations: [{ file: 'drivers/foo/foo.c', line: 8, column: 2, link: 'direct', via: ['foo_attach'] }],
        },
      ],
      [
        'foo-3',
        {
          symbol: 'foo_attach',
          module: 'foo',
          link: 'direct',
          locations: [{ file: 'drivers/foo/foo.c', line: 8, column: 2, link: 'direct', via: ['foo_attach'] }],
        },
      ],
      [
        'fs-nosuchfs',
        {
          symbol: 'get_fs_type',
          module: null,
          link: 'direct',
          locations: [{ file: 'fs/filesystems.c', line: 14, column: 14, link: 'direct', via: ['get_fs_type'] }],
        },
      ],
      ['crypto-aes', { symbol: 'crypto_alg_mod_lookup', module: null, link: 'none', locations: [] }],
    ],
  );
  const dup = doc.findings.find((f: { rule: string }) => f.rule === 'duplicate-request');
  assert.deepEqual(
    [dup.name, dup.requests, dup.location, dup.traceLines],
    ['foo-3', [1, 2], { file: 'drivers/foo/foo.c', line: 8, column: 2 }, [9, 10]],
  );

  const sarif = JSON.parse(run('replay', trace, '--modules', modules, '--src', src, '--format', 'sarif').stdout);
  assert.deepEqual(sarifViolations(sarif), []);
  const first = sarif.runs[0].results[0];
  assert.deepEqual(first.locations[0].physicalLocation, {
    artifactLocation: { uri: `${src}/drivers/foo/foo.c`, uriBaseId: 'PROJECTROOT' },
    region: { startLine: 8, startColumn: 2 },
  });
  assert.deepEqual(
    first.relatedLocations.map(
      (l: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }) => [
        l.physicalLocation.artifactLocation.uri,
        l.physicalLocation.region.startLine,
      ],
    ),
    [
      [trace, 9],
      [trace, 10],
    ],
  );
});

test('replay --src checks the trace can be read before it scans the tree', () => {
  // Both inputs are missing: the trace is reported, so the (long) scan was never started.
  assert.deepEqual(run('replay', 'no/such/trace.txt', '--src', 'no/such/tree'), {
    code: 2,
    stdout: '',
    stderr:
      'autoload-lens: no/such/trace.txt: cannot read the trace (ENOENT)\n  hint: check the path and its permissions\n',
  });
});

test('the scan cache lives outside the tree, in XDG_CACHE_HOME, and --no-cache neither reads nor writes it', () => {
  const cacheHome = mkdtempSync(path.join(tmpdir(), 'autoload-lens-cli-cache-'));
  const scan = (...extra: string[]) =>
    spawnSync(process.execPath, [cli, 'scan', src, '--format', 'json', ...extra], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, XDG_CACHE_HOME: cacheHome },
    });
  const uncached = scan('--no-cache');
  assert.equal(uncached.status, 1);
  assert.deepEqual(readdirSync(cacheHome), []);
  const first = scan();
  const second = scan();
  assert.equal(first.stdout, uncached.stdout);
  assert.equal(second.stdout, uncached.stdout);
  assert.deepEqual(readdirSync(path.join(cacheHome, 'autoload-lens')), ['scan']);
});

test('600,000 top-level items read from a parse of the whole file scan within a 48 MB heap (a node object per item ran the scan thread out of memory)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'autoload-lens-wide-'));
  // The unclosed call at the end makes the file's region parses untrusted: all of it is parsed at once, and its root
  // has 600,002 children.
  writeFileSync(
    path.join(dir, 'x.c'),
    `${';\n'.repeat(300_000)}int f(void) { return request_module("m"); }\n${';\n'.repeat(300_000)}request_module(\n`,
  );
  const r = spawnSync(
    process.execPath,
    ['--max-old-space-size=48', cli, 'scan', dir, '--no-cache', '--format', 'json', '--fail-on', 'never'],
    { encoding: 'utf8' },
  );
  rmSync(dir, { recursive: true, force: true });
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
  // The function is on line 300,001; `request_module` starts after `int f(void) { return ` (21 characters).
  assert.deepEqual(
    JSON.parse(r.stdout).callSites.map((c: Site) => [c.file, c.line, c.column, c.function, c.name]),
    [['x.c', 300_001, 22, 'f', 'm']],
  );
});

test('a scan thread that runs out of memory is an error naming the file it was reading, with a hint (exit 2)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'autoload-lens-oom-'));
  // A call of 400,000 arguments: each argument's facts take far more than a 48 MB heap.
  writeFileSync(
    path.join(dir, 'x.c'),
    `int f(void) { return request_module("m", ${Array(400_000).fill('a').join(', ')}); }\n`,
  );
  const r = spawnSync(
    process.execPath,
    ['--max-old-space-size=48', cli, 'scan', dir, '--no-cache', '--format', 'json', '--fail-on', 'never'],
    { encoding: 'utf8' },
  );
  rmSync(dir, { recursive: true, force: true });
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.match(
    r.stderr,
    /^autoload-lens: a scan thread ran out of memory \(its heap may take \d+ MB, node's limit\) while reading x\.c\n {2}hint: raise node's heap limit \(NODE_OPTIONS=--max-old-space-size=MB\)/,
  );
});

/** The JSON report of a scan of one file `x.c` holding `text`, which must end as a scan without findings does. */
function scanOfOneFile(text: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'autoload-lens-deep-'));
  writeFileSync(path.join(dir, 'x.c'), text);
  const r = spawnSync(process.execPath, [cli, 'scan', dir, '--no-cache', '--format', 'json', '--fail-on', 'never'], {
    encoding: 'utf8',
  });
  rmSync(dir, { recursive: true, force: true });
  assert.equal(r.signal, null);
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
  return JSON.parse(r.stdout);
}

test("a string of 28,483 request_module( after a broken macro name scans to nothing (it overflowed a scan thread's stack: a segmentation fault)", () => {
  // Found by npm run fuzz (seed 184972906): error recovery over the line recursed once per `(` in tree-sitter.
  const report = scanOfOneFile(
    `#include <crypto/algapi.h>\n\u{169FD}MODULE_ALIAS_CRY\u{1F0E8}\u{1D94F}\u{1F897}PTO("aes${'request_module('.repeat(28_483)}");`,
  );
  // Every `request_module` is inside the string, and the broken name declares no alias.
  assert.deepEqual(
    [report.callSites, report.aliases, report.files],
    [[], [], { scanned: 1, skipped: 0, unreadable: [] }],
  );
});

test('a file of 320,000 f( in a string after a stray character does not crash the scan (its error recovery overflowed a 64 MB stack)', () => {
  // The smallest form of the shape above found (two bytes a level, about 230 bytes of stack each): a file under the
  // 2 MB limit can write a million levels. The parse takes about the whole budget: the file is analysed exactly, or
  // reported as given up.
  const report = scanOfOneFile(`int g(void) { return request_module("x"); }\nX@P("${'f('.repeat(320_000)}"\n`);
  const sites = report.callSites.map((c: { file: string; line: number }) => `${c.file}:${c.line}`);
  if (report.files.unreadable.length === 0) assert.deepEqual([sites, report.files.scanned], [['x.c:1'], 1]);
  else {
    assert.deepEqual([sites, report.files.unreadable.map((u: { file: string }) => u.file)], [[], ['x.c']]);
    assert.match(report.files.unreadable[0].reason, /^the analysis gave up after 5 s/);
  }
});
