/** End to end: spawn the built CLI (dist/cli.js) on the real boot sample and check exit codes, streams and files. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { GLOBAL_USAGE, REPLAY_USAGE, RESOLVE_USAGE, SCAN_USAGE } from '../../../src/cli/usage';
import { sarifViolations } from '../report/sarifShape';

// out/test/unit/cli/ → the repository root.
const root = path.resolve(__dirname, '../../../..');
const cli = path.join(root, 'dist/cli.js');
const sample = 'samples/boot-6.1-qemu';
const trace = `${sample}/trace.txt`;
const modules = `${sample}/modules`;
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };

function run(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Facts read straight from the trace text, independent of the tool. */
function traceLinesMatching(re: RegExp): number[] {
  return readFileSync(path.join(root, trace), 'utf8')
    .split('\n')
    .flatMap((l, i) => (re.test(l) ? [i + 1] : []));
}

test('--version prints the package version', () => {
  assert.deepEqual(run('--version'), { code: 0, stdout: `autoload-lens ${version}\n`, stderr: '' });
  assert.deepEqual(run('-V'), { code: 0, stdout: `autoload-lens ${version}\n`, stderr: '' });
});

test('--help, global and per command, on stdout with exit 0; every line fits 100 columns', () => {
  assert.deepEqual(run('--help'), { code: 0, stdout: GLOBAL_USAGE, stderr: '' });
  assert.deepEqual(run('replay', '--help'), { code: 0, stdout: REPLAY_USAGE, stderr: '' });
  assert.deepEqual(run('resolve', '-h'), { code: 0, stdout: RESOLVE_USAGE, stderr: '' });
  assert.deepEqual(run('scan', '--help'), { code: 0, stdout: SCAN_USAGE, stderr: '' });
  for (const text of [GLOBAL_USAGE, REPLAY_USAGE, RESOLVE_USAGE, SCAN_USAGE]) {
    assert.deepEqual(
      text.split('\n').filter((l) => l.length > 100),
      [],
    );
  }
  assert.ok(REPLAY_USAGE.includes('\n  --fail-on LEVEL         error | warning | info | never'));
});

test('bad usage exits 2 with the problem and where to read the usage', () => {
  assert.deepEqual(run(), { code: 2, stdout: '', stderr: GLOBAL_USAGE });
  assert.deepEqual(run('frobnicate'), {
    code: 2,
    stdout: '',
    stderr:
      "autoload-lens: unknown command 'frobnicate' (commands: replay, diff, resolve, scan)\n  hint: run 'autoload-lens --help' for the usage\n",
  });
  // A name Object.prototype has is no command either (it crashed the dispatch).
  assert.deepEqual(run('toString', '--help'), {
    code: 2,
    stdout: '',
    stderr:
      "autoload-lens: unknown command 'toString' (commands: replay, diff, resolve, scan)\n  hint: run 'autoload-lens --help' for the usage\n",
  });
  assert.deepEqual(run('replay'), {
    code: 2,
    stdout: '',
    stderr: "autoload-lens: give the trace file to replay\n  hint: run 'autoload-lens replay --help' for the usage\n",
  });
  assert.deepEqual(run('replay', trace, '--format', 'xml'), {
    code: 2,
    stdout: '',
    stderr:
      "autoload-lens: --format must be one of text, json, jsonl, sarif (got 'xml')\n  hint: run 'autoload-lens replay --help' for the usage\n",
  });
  assert.deepEqual(run('replay', trace, '--frobnicate'), {
    code: 2,
    stdout: '',
    stderr: "autoload-lens: unknown option '--frobnicate'\n  hint: run 'autoload-lens replay --help' for the usage\n",
  });
  assert.equal(
    run('replay', trace, '--dups-window=-1').stderr.split('\n')[0],
    "autoload-lens: --dups-window takes a number of seconds >= 0 (got '-1')",
  );
  assert.equal(
    run('replay', trace, '--dups-window', 'soon').stderr.split('\n')[0],
    "autoload-lens: --dups-window takes a number of seconds >= 0 (got 'soon')",
  );
  assert.equal(
    run('replay', trace, '--trace-format', 'etl').stderr.split('\n')[0],
    "autoload-lens: --trace-format must be one of ftrace, trace-cmd, perf, dmesg (got 'etl')",
  );
  assert.equal(run('replay', trace, '--fail-on', 'sometimes').code, 2);
  assert.equal(
    run('replay', trace, '--wrapper', 'x').stderr.split('\n')[0],
    'autoload-lens: --wrapper only applies with --src DIR',
  );
  assert.equal(
    run('replay', trace, '--kdir', '/usr/src/linux').stderr.split('\n')[0],
    'autoload-lens: --kdir only applies with --src DIR',
  );
  assert.deepEqual(run('scan', 'test/unit/cli/fixtures/src', '--kdir', 'no/such/kdir'), {
    code: 2,
    stdout: '',
    stderr:
      'autoload-lens: no/such/kdir: kernel directory no/such/kdir is not a directory\n  hint: pass the kernel tree the code builds against (make -C $KDIR), e.g. /lib/modules/$(uname -r)/build\n',
  });
  assert.equal(
    run('resolve', 'fs-ext4').stderr.split('\n')[0],
    'autoload-lens: --modules DIR is required: the directory holding modules.alias',
  );
  assert.equal(run('scan').stderr.split('\n')[0], 'autoload-lens: give the source directory to scan');
});

test('unreadable input exits 2 naming the file and the fix', () => {
  const missing = run('replay', 'no/such/trace.txt');
  assert.equal(missing.code, 2);
  assert.equal(missing.stdout, '');
  assert.match(
    missing.stderr,
    /^autoload-lens: no\/such\/trace\.txt: cannot read the trace: ENOENT[^\n]*\n  hint: check the path and its permissions\n$/,
  );
  assert.deepEqual(run('replay', 'test/fixtures/traces/trace-dat-head.bin'), {
    code: 2,
    stdout: '',
    stderr:
      'autoload-lens: test/fixtures/traces/trace-dat-head.bin: this is a binary trace-cmd trace.dat file; Autoload Lens reads text traces\n' +
      '  hint: run: trace-cmd report test/fixtures/traces/trace-dat-head.bin > trace.txt\n',
  });
  const badModules = run('replay', trace, '--modules', 'no/such/dir');
  assert.equal(badModules.code, 2);
  assert.match(badModules.stderr, /^autoload-lens: no\/such\/dir: /);
});

test('replay text: the summary, the nowait requests and the concurrent fs-hfs duplicates', () => {
  const r = run('replay', trace, '--modules', modules, '--loaded', `${sample}/proc-modules.txt`);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, '');
  const lines = r.stdout.split('\n');
  assert.deepEqual(lines.slice(0, 3), [
    `autoload-lens ${version}: replay of ${trace}`,
    `  modules  ${modules}`,
    '  sources  (none)',
  ]);
  const traceLines = readFileSync(path.join(root, trace), 'utf8').split('\n').length - 1;
  assert.equal(
    lines.find((l) => l.startsWith('  trace ')),
    `  trace    ftrace, ${traceLines} lines, 602 events, 12 other lines, 0 warnings`,
  );
  assert.ok(lines.indexOf('Summary') > lines.indexOf('Requests that do not wait (3)'));
  assert.equal(
    lines.find((l) => l.startsWith('  requests ')),
    `  requests          ${traceLinesMatching(/: module_request: /).length}`,
  );
  assert.equal(
    lines.find((l) => l.startsWith('  loads ')),
    `  loads             ${traceLinesMatching(/: module_load: /).length}`,
  );
  const nowait = lines.indexOf('Requests that do not wait (3)');
  assert.ok(nowait > 0);
  assert.deepEqual(
    lines
      .slice(nowait + 4, nowait + 10)
      .filter((l) => /^ {7}\d/.test(l))
      .map((l) => Number(l.trim().split(/\s+/)[0])),
    traceLinesMatching(/ wait=0 call_site=nfnetlink_bind /),
  );
  const hfsRows = lines.filter((l) => /^ {7}58[2-5] .* fs-hfs /.test(l));
  assert.deepEqual(hfsRows, [
    '       582  128.477235  ktrig.py-981  fs-hfs  get_fs_type          loaded hfs',
    '       583  128.478863  ktrig.py-982  fs-hfs  get_fs_type     582  loaded hfs',
    '       584  128.481547  ktrig.py-983  fs-hfs  get_fs_type     582  loaded hfs',
    '       585  128.482007  ktrig.py-984  fs-hfs  get_fs_type     582  loaded hfs',
  ]);
  assert.deepEqual(
    lines.filter((l) => [...l].length > 100),
    [],
  );
});

test('--fail-on picks the severity that makes the exit code 1', () => {
  // The sample has warnings and infos, no errors (see the JSON test below).
  assert.equal(run('replay', trace, '--modules', modules, '--fail-on', 'error').code, 0);
  assert.equal(run('replay', trace, '--modules', modules, '--fail-on', 'warning').code, 1);
  assert.equal(run('replay', trace, '--modules', modules, '--fail-on', 'never').code, 0);
});

test('replay JSON: fixed fields, the trace facts, the dups.c groups', () => {
  const r = run('replay', trace, '--modules', modules, '--format', 'json');
  assert.equal(r.code, 1);
  assert.ok(r.stdout.endsWith('}\n'));
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.schemaVersion, 1);
  assert.deepEqual(Object.keys(doc.summary), [
    'requests',
    'loads',
    'frees',
    'distinctNames',
    'kernelModel',
    'chains',
    'findings',
  ]);
  assert.equal(doc.summary.kernelModel, 'modern');
  const requestLines = traceLinesMatching(/: module_request: /);
  assert.equal(doc.summary.requests, requestLines.length);
  assert.equal(doc.summary.frees, traceLinesMatching(/: module_free: /).length);
  assert.deepEqual(
    doc.requests.map((q: { line: number }) => q.line),
    requestLines,
  );
  assert.deepEqual(
    doc.requests.filter((q: { wait: boolean }) => !q.wait).map((q: { line: number }) => q.line),
    traceLinesMatching(/ wait=0 /),
  );
  const hfs = doc.requests.filter((q: { name: string }) => q.name === 'fs-hfs');
  assert.deepEqual(
    hfs.map((q: { line: number }) => q.line),
    traceLinesMatching(/module_request: fs-hfs /),
  );
  assert.deepEqual(
    hfs.map((q: { duplicateOf: number | null }) => q.duplicateOf),
    [null, hfs[0].index, hfs[0].index, hfs[0].index],
  );
  assert.deepEqual(hfs[0].resolution, { kind: 'alias', modules: ['hfs'], patterns: ['fs-hfs'] });
  assert.deepEqual(hfs[0].callSite, { symbol: 'get_fs_type', module: null });
  const finding = doc.findings.find(
    (f: { rule: string; name: string }) => f.rule === 'duplicate-request' && f.name === 'fs-hfs',
  );
  assert.deepEqual(
    [finding.severity, finding.requests, finding.location, finding.traceLines],
    ['warning', hfs.map((q: { index: number }) => q.index), null, [582, 583, 584, 585]],
  );
  const severities = new Set(doc.findings.map((f: { severity: string }) => f.severity));
  assert.deepEqual([...severities].sort(), ['info', 'warning']);
  const perRule: Record<string, number> = {};
  for (const f of doc.findings) perRule[f.rule] = (perRule[f.rule] ?? 0) + 1;
  for (const [rule, n] of Object.entries(doc.summary.findings)) assert.equal(perRule[rule] ?? 0, n, rule);
});

test('replay SARIF: valid 2.1.0, one result per finding, located on the trace lines', () => {
  const json = JSON.parse(run('replay', trace, '--modules', modules, '--format', 'json').stdout);
  const r = run('replay', trace, '--modules', modules, '--format', 'sarif');
  assert.equal(r.code, 1);
  const doc = JSON.parse(r.stdout);
  assert.deepEqual(sarifViolations(doc), []);
  const results = doc.runs[0].results;
  assert.equal(results.length, json.findings.length);
  assert.deepEqual(
    results.map((x: { ruleId: string }) => x.ruleId),
    json.findings.map((f: { rule: string }) => f.rule),
  );
  const hfsIndex = json.findings.findIndex(
    (f: { rule: string; name: string }) => f.rule === 'duplicate-request' && f.name === 'fs-hfs',
  );
  assert.deepEqual(results[hfsIndex].locations[0].physicalLocation, {
    artifactLocation: { uri: 'samples/boot-6.1-qemu/trace.txt', uriBaseId: 'PROJECTROOT' },
    region: { startLine: 582 },
  });
  assert.deepEqual(doc.runs[0].originalUriBaseIds, { PROJECTROOT: { uri: `${new URL(`file://${root}/`).href}` } });
});

test('--output writes the file atomically: same bytes as stdout, nothing left beside it, old content replaced', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'autoload-lens-cli-'));
  const out = path.join(dir, 'report.json');
  writeFileSync(out, 'old content that must disappear');
  const expected = run('replay', trace, '--modules', modules, '--format', 'json').stdout;
  const r = run('replay', trace, '--modules', modules, '--format', 'json', '--output', out);
  assert.deepEqual(r, { code: 1, stdout: '', stderr: '' });
  assert.equal(readFileSync(out, 'utf8'), expected);
  assert.deepEqual(readdirSync(dir), ['report.json']);
  const bad = run('replay', trace, '--output', path.join(dir, 'missing-dir', 'r.txt'));
  assert.equal(bad.code, 2);
  assert.equal(
    bad.stderr,
    `autoload-lens: ${path.join(dir, 'missing-dir', 'r.txt')}: cannot write the report (ENOENT)\n` +
      '  hint: check that the directory exists and is writable, or leave out --output to print to standard output\n',
  );
  assert.deepEqual(readdirSync(dir), ['report.json']);
  // A replay that fails once the report has begun leaves the old file as it was and nothing beside it.
  const failed = run('replay', 'test/fixtures/traces/trace-dat-head.bin', '--format', 'json', '--output', out);
  assert.equal(failed.code, 2);
  assert.equal(readFileSync(out, 'utf8'), expected);
  assert.deepEqual(readdirSync(dir), ['report.json']);
});

test('resolve prints what modprobe -R prints', () => {
  // Answers checked against `modprobe -d DIR -S 6.1.0-50-amd64 -R` on the same files.
  assert.deepEqual(run('resolve', 'crypto-aes', '--modules', modules), {
    code: 0,
    stdout: 'aesni_intel\npadlock_aes\n',
    stderr: '',
  });
  assert.deepEqual(run('resolve', 'fs-ext4', 'net-pf-10', '--modules', modules), {
    code: 0,
    stdout: 'fs-ext4: ext4\nnet-pf-10: ipv6\n',
    stderr: '',
  });
  assert.deepEqual(run('resolve', 'nosuch', '--modules', modules), {
    code: 1,
    stdout: '',
    stderr: `autoload-lens: Module nosuch not found in directory ${modules}\n`,
  });
  assert.deepEqual(
    run('resolve', '--verbose', 'crypto-aes', 'cryptomgr', 'symbol:nf_nat_setup_info', '--modules', modules),
    {
      code: 0,
      stdout:
        'crypto-aes: alias (matched crypto-aes)\n  aesni_intel\n  padlock_aes\n' +
        'cryptomgr: builtin\n  cryptomgr\n' +
        'symbol:nf_nat_setup_info: symbol (matched symbol:nf_nat_setup_info)\n  nf_nat\n',
      stderr: '',
    },
  );
});
