/**
 * End to end: `autoload-lens diff` on the real boot (BASE) and the hand-edited one (NEW, whose header lists the edits
 * and the diff worked out by hand): each format, the exit codes of --fail-on, bad input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DIFF_USAGE } from '../../../src/cli/usage';
import { sarifViolations } from '../report/sarifShape';

// out/test/unit/cli/ → the repository root.
const root = path.resolve(__dirname, '../../../..');
const cli = path.join(root, 'dist/cli.js');
const base = 'samples/boot-6.1-qemu/trace.txt';
const edited = 'test/fixtures/workspace/traces/trace-edited.txt';
const modules = 'samples/boot-6.1-qemu/modules';
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };

function run(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function lineOf(file: string, re: RegExp): number {
  return (
    readFileSync(path.join(root, file), 'utf8')
      .split('\n')
      .findIndex((l) => re.test(l)) + 1
  );
}

test('diff --help: the usage on stdout, exit 0, every line within 100 columns', () => {
  assert.deepEqual(run('diff', '--help'), { code: 0, stdout: DIFF_USAGE, stderr: '' });
  assert.deepEqual(
    DIFF_USAGE.split('\n').filter((l) => l.length > 100),
    [],
  );
});

test('diff JSON: schemaVersion 1, the fixed fields of names, findings, chains and summary', () => {
  const r = run('diff', base, edited, '--modules', modules, '--format', 'json', '--fail-on', 'never');
  assert.equal(r.code, 0);
  assert.equal(r.stderr, '');
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.schemaVersion, 1);
  assert.deepEqual(doc.tool, { name: 'autoload-lens', version });
  assert.deepEqual(Object.keys(doc), [
    'schemaVersion',
    'tool',
    'base',
    'new',
    'sourceRoot',
    'callSiteModules',
    'names',
    'findings',
    'chains',
    'summary',
  ]);
  const ext4 = doc.names.find((n: { name: string }) => n.name === 'fs-ext4');
  assert.deepEqual(
    { ...ext4, callSites: undefined },
    {
      name: 'fs-ext4',
      baseRequests: 1,
      newRequests: 2,
      baseOutcome: 'loaded',
      newOutcome: 'loaded',
      change: 'changed',
      // mount-182's request at 30.446016, the first event (floppy's load) at 14.627203 in both.
      baseTime: 15.818813,
      newTime: 15.818813,
      callSites: undefined,
    },
  );
  assert.deepEqual(
    doc.names
      .filter((n: { change: string }) => n.change === 'added')
      .map((n: { name: string; baseOutcome: null; newOutcome: string }) => [n.name, n.baseOutcome, n.newOutcome]),
    [
      ['fs-nosuchfs9', null, 'nothing-loaded'],
      ['rtnl-link-geneve', null, 'loaded'],
    ],
  );
  assert.deepEqual(Object.keys(doc.findings), ['added', 'removed']);
  const brief = (f: { rule: string; name: string; message: string; line: number }) => [
    f.rule,
    f.name,
    f.line,
    typeof f.message,
  ];
  assert.deepEqual(doc.findings.added.map(brief), [
    ['duplicate-request', 'fs-ext4', lineOf(edited, /mount-182 .*module_request: fs-ext4 /), 'string'],
    ['undocumented-alias', 'fs-nosuchfs9', lineOf(edited, /module_request: fs-nosuchfs9 /), 'string'],
  ]);
  assert.deepEqual(doc.findings.removed.map(brief), [
    ['duplicate-request', 'cryptomgr', 405, 'string'],
    ['undocumented-alias', 'bpf_preload', lineOf(base, /module_request: bpf_preload /), 'string'],
  ]);
  assert.deepEqual(doc.chains.added, []);
  assert.deepEqual(
    doc.chains.removed.map((c: { name: string }) => c.name),
    ['crypto-rfc7539(chacha20,poly1305)'],
  );
  assert.deepEqual(doc.summary, {
    added: 2,
    removed: 2,
    changed: 4,
    same: 222,
    findings: {
      'duplicate-request': { added: 1, removed: 1 },
      'undocumented-alias': { added: 1, removed: 1 },
      'unchecked-zero-return': { added: 0, removed: 0 },
      'name-too-long': { added: 0, removed: 0 },
      'throttled-request': { added: 0, removed: 0 },
      'request-loop': { added: 0, removed: 0 },
    },
    chains: { added: 0, removed: 1 },
  });
});

test('diff text: both sides, the names by change, the findings and chains added and removed, the summary', () => {
  const r = run('diff', base, edited, '--modules', modules, '--fail-on', 'never');
  assert.equal(r.code, 0);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], `autoload-lens ${version}: diff of ${base} → ${edited}`);
  for (const heading of [
    'Names added (2)',
    'Names removed (2)',
    'Names changed (4)',
    'Findings added (2)',
    'Findings removed (2)',
    'Request chains removed (1)',
    'Summary',
  ]) {
    assert.ok(lines.includes(heading), heading);
  }
  assert.ok(lines.includes('222 names are the same in both.'));
  assert.ok(lines.indexOf('Names added (2)') < lines.indexOf('Findings added (2)'));
  assert.match(r.stdout, /\n {2}fs-ext4 +1 → 2 +loaded +\+15\.818813 +get_fs_type 1 → 2\n/);
  assert.match(r.stdout, /\n {11}duplicate-request · new trace line 92 · call site get_fs_type\n/);
});

test('diff markdown: a table of the names that differ and of the findings, fit for a pull-request comment', () => {
  const r = run('diff', base, edited, '--modules', modules, '--format', 'markdown', '--fail-on', 'never');
  assert.equal(r.code, 0);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], '### Autoload Lens: boot diff');
  const header = lines.indexOf('| change | name | requests | last outcome | call sites |');
  assert.ok(header > 0);
  assert.equal(lines[header + 1], '| --- | --- | ---: | --- | --- |');
  // Eight names differ, added first, then removed, then changed; names are code spans, underscores escaped elsewhere.
  assert.deepEqual(
    lines.slice(header + 2, header + 10).map((l) => l.split(' | ').slice(0, 2).join(' | ')),
    [
      '| added | `fs-nosuchfs9`',
      '| added | `rtnl-link-geneve`',
      '| removed | `bpf_preload`',
      '| removed | `crypto-rfc7539`',
      '| changed | `can-proto-2`',
      '| changed | `cryptomgr`',
      '| changed | `fs-ext4`',
      '| changed | `rtnl-link-dummy`',
    ],
  );
  assert.equal(lines[header + 10], '');
  assert.ok(lines.includes('| changed | `fs-ext4` | 1 → 2 | loaded | get\\_fs\\_type 1 → 2 |'));
  assert.ok(lines.includes('**Findings added**'));
  assert.ok(
    lines.some((l) => l.startsWith('| warning | `duplicate-request` | `fs-ext4` | \\`fs-ext4\\` requested 2 times')),
  );
  // Every row of a table has as many cells as its header: no name or message ends a cell early (`\|` stays in it).
  const cells = (l: string): number => l.replace(/\\./g, '').split('|').length - 2;
  let columns = 0;
  for (const l of lines) {
    if (!l.startsWith('|')) columns = 0;
    else if (columns === 0) columns = cells(l);
    else assert.equal(cells(l), columns, l);
  }
});

test('diff SARIF: valid 2.1.0, one result per finding added, on its line of the NEW trace', () => {
  const r = run('diff', base, edited, '--modules', modules, '--format', 'sarif');
  assert.equal(r.code, 1);
  const doc = JSON.parse(r.stdout);
  assert.deepEqual(sarifViolations(doc), []);
  const results = doc.runs[0].results;
  assert.deepEqual(
    results.map((x: { ruleId: string; level: string }) => [x.ruleId, x.level]),
    [
      ['duplicate-request', 'warning'],
      ['undocumented-alias', 'warning'],
    ],
  );
  assert.deepEqual(results[1].locations[0].physicalLocation, {
    artifactLocation: { uri: edited, uriBaseId: 'PROJECTROOT' },
    region: { startLine: lineOf(edited, /module_request: fs-nosuchfs9 /) },
  });
});

test('diff with --src: a finding added is located on its source line, its trace line related', () => {
  const r = run(
    'diff',
    base,
    edited,
    '--modules',
    modules,
    '--src',
    'test/fixtures/workspace',
    '--no-cache',
    '--format',
    'sarif',
  );
  const doc = JSON.parse(r.stdout);
  assert.deepEqual(sarifViolations(doc), []);
  const dup = doc.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'duplicate-request');
  // get_fs_type's request_module("fs-%.*s", …) call in the fixture's fs/filesystems.c.
  assert.equal(lineOf('test/fixtures/workspace/fs/filesystems.c', /request_module\("fs-%\.\*s"/), 15);
  assert.deepEqual(dup.locations[0].physicalLocation, {
    artifactLocation: { uri: 'test/fixtures/workspace/fs/filesystems.c', uriBaseId: 'PROJECTROOT' },
    region: { startLine: 15, startColumn: 14 },
  });
  assert.equal(dup.relatedLocations[0].physicalLocation.region.startLine, 92);
});

test('diff --fail-on: exit 1 only when a finding NEW added is that severe; a boot against itself passes', () => {
  // NEW adds two warnings (a duplicate request, an undocumented alias) and no error.
  assert.equal(run('diff', base, edited, '--modules', modules).code, 1);
  assert.equal(run('diff', base, edited, '--modules', modules, '--fail-on', 'warning').code, 1);
  assert.equal(run('diff', base, edited, '--modules', modules, '--fail-on', 'info').code, 1);
  assert.equal(run('diff', base, edited, '--modules', modules, '--fail-on', 'error').code, 0);
  assert.equal(run('diff', base, edited, '--modules', modules, '--fail-on', 'never').code, 0);
  // The boot has 157 findings of its own, but adds none to itself; swapped, the edit's removals are the additions.
  assert.equal(run('diff', base, base, '--modules', modules).code, 0);
  assert.equal(run('diff', edited, base, '--modules', modules, '--fail-on', 'warning').code, 1);
});

test('diff: bad usage and unreadable input exit 2 with the problem and the fix', () => {
  const usage = "  hint: run 'autoload-lens diff --help' for the usage\n";
  assert.deepEqual(run('diff', base), {
    code: 2,
    stdout: '',
    stderr: `autoload-lens: give two trace files, BASE then NEW (got 1)\n${usage}`,
  });
  assert.deepEqual(run('diff', base, edited, '--format', 'jsonl'), {
    code: 2,
    stdout: '',
    stderr: `autoload-lens: --format must be one of text, json, sarif, markdown (got 'jsonl')\n${usage}`,
  });
  assert.equal(run('diff', base, edited, '--fail-on', 'sometimes').code, 2);
  assert.equal(
    run('diff', base, edited, '--modules-new', modules).stderr.split('\n')[0],
    "autoload-lens: --modules-new only applies with --modules DIR (BASE's): with one trace unresolved, every outcome would differ",
  );
  assert.equal(
    run('diff', base, edited, '--wrapper', 'x').stderr.split('\n')[0],
    'autoload-lens: --wrapper only applies with --src DIR',
  );
  assert.deepEqual(run('diff', base, 'no/such/trace.txt'), {
    code: 2,
    stdout: '',
    stderr:
      'autoload-lens: no/such/trace.txt: cannot read the trace (ENOENT)\n  hint: check the path and its permissions\n',
  });
  assert.deepEqual(run('diff', 'test/fixtures/traces/trace-dat-head.bin', edited), {
    code: 2,
    stdout: '',
    stderr:
      'autoload-lens: test/fixtures/traces/trace-dat-head.bin: this is a binary trace-cmd trace.dat file; Autoload Lens reads text traces\n' +
      '  hint: run: trace-cmd report test/fixtures/traces/trace-dat-head.bin > trace.txt\n',
  });
  const badModules = run('diff', base, edited, '--modules', modules, '--modules-new', 'no/such/dir');
  assert.equal(badModules.code, 2);
  assert.match(badModules.stderr, /^autoload-lens: no\/such\/dir: the modules directory does not exist\n/);
});

test('a finding whose severity rose is added at the new severity: --fail-on sees an alias NEW no longer documents', () => {
  // NEW's modules directory is the sample's text files without nls_cp850 (its .ko line in modules.dep and
  // modules.order): the same boot's one request for it (trace line 192, from load_nls) was answered by plain module
  // name (info); with NEW's modules nothing documents the name (warning).
  const dir = mkdtempSync(path.join(tmpdir(), 'autoload-diff-severity-'));
  try {
    for (const name of readdirSync(path.join(root, modules)).filter((n) => !n.endsWith('.bin'))) {
      const from = path.join(root, modules, name);
      if (name !== 'modules.dep' && name !== 'modules.order') copyFileSync(from, path.join(dir, name));
      else
        writeFileSync(
          path.join(dir, name),
          readFileSync(from, 'utf8').replace(/^kernel\/fs\/nls\/nls_cp850\.ko:?\n/m, ''),
        );
    }
    const args = ['diff', base, base, '--modules', modules, '--modules-new', dir, '--format', 'json'];
    const r = run(...args, '--fail-on', 'warning');
    assert.equal(r.stderr, '');
    const doc = JSON.parse(r.stdout) as {
      findings: Record<'added' | 'removed', Array<{ rule: string; severity: string; name: string; line: number }>>;
    };
    const facts = (list: typeof doc.findings.added) => list.map((f) => [f.rule, f.severity, f.name, f.line]);
    assert.deepEqual(facts(doc.findings.added), [['undocumented-alias', 'warning', 'nls_cp850', 192]]);
    assert.deepEqual(facts(doc.findings.removed), [['undocumented-alias', 'info', 'nls_cp850', 192]]);
    assert.equal(r.code, 1);
    assert.equal(run(...args, '--fail-on', 'error').code, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
