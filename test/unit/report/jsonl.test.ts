/** JSON Lines: the records a replay writes, and the README's DuckDB query over the real samples' files. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { ReplayJsonLines } from '../../../src/engine/render/index';
import { playReport } from '../../../src/engine/reportStream/index';
import { DUPLICATE_GROUPS } from '../../fixtures/traces/bootDuplicates';
import { chainReport, sampleReport } from './fixtures';

// out/test/unit/report/ → the repository root.
const root = path.resolve(__dirname, '../../../..');
const sample = 'samples/boot-6.1-qemu';

function lines(labels: Record<string, string>, report = sampleReport()): Array<Record<string, unknown>> {
  const parts: string[] = [];
  playReport(report, new ReplayJsonLines((t) => parts.push(t), labels));
  const text = parts.join('');
  assert.ok(text.endsWith('\n'));
  return text
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('JSON Lines: a run record, one record per request and per finding, a summary last; labels on every record', () => {
  const records = lines({ host: 'lab-7', boot: 'b1' });
  const r = sampleReport();
  assert.deepEqual(
    records.map((x) => x['type']),
    ['run', ...r.requests.map(() => 'request'), ...r.findings.map(() => 'finding'), 'summary'],
  );
  assert.ok(records.every((x) => JSON.stringify(x['labels']) === '{"host":"lab-7","boot":"b1"}'));
  assert.deepEqual(records[0], {
    type: 'run',
    labels: { host: 'lab-7', boot: 'b1' },
    tool: { name: 'autoload-lens', version: '0.1.0' },
    trace: { file: 'samples/boot-6.1-qemu/trace.txt' },
    modulesDir: 'samples/boot-6.1-qemu/modules',
    sourceRoot: null,
    kernelModel: 'dups',
  });
  assert.deepEqual(records.at(-1), {
    type: 'summary',
    labels: { host: 'lab-7', boot: 'b1' },
    trace: {
      file: 'samples/boot-6.1-qemu/trace.txt',
      format: 'ftrace',
      lines: 614,
      events: 602,
      skippedLines: 12,
      warningCount: 1,
      warnings: [{ line: 7, message: 'module_request line without a name' }],
    },
    summary: {
      requests: 6,
      loads: 2,
      frees: 0,
      distinctNames: 4,
      kernelModel: 'dups',
      chains: 0,
      findings: {
        'duplicate-request': 1,
        'undocumented-alias': 2,
        'unchecked-zero-return': 1,
        'name-too-long': 0,
        'throttled-request': 0,
        'request-loop': 0,
      },
    },
    kernel: null,
  });
});

test('JSON Lines: a chain record per request chain', () => {
  const records = lines({ boot: 'b1' }, chainReport());
  assert.deepEqual(
    records.map((x) => x['type']),
    ['run', 'request', 'request', 'request', 'request', 'request', 'request', 'chain', 'summary'],
  );
  assert.deepEqual(records[7], {
    type: 'chain',
    labels: { boot: 'b1' },
    root: 0,
    name: 'net-pf-33',
    requests: [0, 1, 2, 3, 4, 5],
    requestCount: 6,
    depth: 2,
    seconds: 0.484192,
    modules: ['rxrpc', 'pcbc', 'fcrypt'],
  });
});

test("JSON Lines of the real boot: request, finding and chain records are the JSON report's requests[], findings[] and chains[]", () => {
  const run = (format: string, ...more: string[]) => {
    const r = spawnSync(
      process.execPath,
      [
        path.join(root, 'dist/cli.js'),
        'replay',
        `${sample}/trace.txt`,
        '--modules',
        `${sample}/modules`,
        '--format',
        format,
        '--fail-on',
        'never',
        ...more,
      ],
      { cwd: root, encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  const json = JSON.parse(run('json'));
  const records = run('jsonl', '--label', 'boot=x')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const strip = (type: string) =>
    records.filter((x) => x['type'] === type).map(({ type: _t, labels: _l, ...rest }) => rest);
  assert.deepEqual(strip('request'), json.requests);
  assert.deepEqual(strip('finding'), json.findings);
  assert.deepEqual(strip('chain'), json.chains);
  assert.equal(json.chains.length, 7);
  assert.deepEqual(strip('summary'), [{ trace: json.trace, summary: json.summary, kernel: json.kernel }]);
});

test('--label needs KEY=VALUE and --format jsonl', () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [path.join(root, 'dist/cli.js'), 'replay', `${sample}/trace.txt`, ...args], {
      cwd: root,
      encoding: 'utf8',
    });
  assert.equal(
    run('--format', 'jsonl', '--label', 'novalue').stderr.split('\n')[0],
    "autoload-lens: --label takes KEY=VALUE (got 'novalue')",
  );
  assert.equal(run('--label', 'a=b').stderr.split('\n')[0], 'autoload-lens: --label only applies with --format jsonl');
  assert.equal(run('--format', 'jsonl', '--label', 'k=a=b').status, 1);
});

/** The README's query, with the directory of the files it reads. */
function readmeQuery(dir: string): string {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const sql = /```sql\n([\s\S]*?)```/.exec(readme)?.[1];
  if (sql === undefined) return assert.fail('the README shows no ```sql block');
  assert.ok(sql.includes("read_json_auto('boots/*.jsonl'"), 'the README shows the query over boots/*.jsonl');
  return sql.replace("'boots/*.jsonl'", `'${dir}/*.jsonl'`);
}

test("the README's DuckDB query over the JSON Lines of three captures: the names requested twice, by boots", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'autoload-lens-jsonl-'));
  try {
    // trace.txt and trace-report.txt are one ring buffer read by two tools; perf-script.txt a later capture of its own.
    const captures: Array<[string, string]> = [
      ['trace.txt', 'ring-buffer-ftrace'],
      ['trace-report.txt', 'ring-buffer-trace-cmd'],
      ['perf-script.txt', 'perf-record'],
    ];
    for (const [file, boot] of captures) {
      const r = spawnSync(
        process.execPath,
        [
          path.join(root, 'dist/cli.js'),
          'replay',
          `${sample}/${file}`,
          '--modules',
          `${sample}/modules`,
          '--format',
          'jsonl',
          '--label',
          `boot=${boot}`,
          '--label',
          'host=qemu',
          '--output',
          path.join(dir, `${boot}.jsonl`),
          '--fail-on',
          'never',
        ],
        { cwd: root, encoding: 'utf8' },
      );
      assert.equal(r.status, 0, r.stderr);
    }
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const rows = (await connection.runAndReadAll(readmeQuery(dir)))
      .getRows()
      .map(([name, boots, groups]) => [name, Number(boots), Number(groups)]);
    connection.closeSync();
    instance.closeSync();
    // Each dups.c group of the ring buffer is found in both of its readings; perf-script.txt requests 20 distinct
    // names (read from the file), so it has none. cryptomgr has two groups per reading.
    const groups = new Map<string, number>();
    for (const [name] of DUPLICATE_GROUPS) groups.set(name, (groups.get(name) ?? 0) + 1);
    const expected = [...groups]
      .map(([name, n]) => [name, 2, 2 * n] as [string, number, number])
      .sort((a, b) => b[2] - a[2] || (a[0] < b[0] ? -1 : 1));
    assert.equal(expected.length, 23);
    assert.deepEqual(expected[0], ['cryptomgr', 2, 4]);
    assert.deepEqual(rows, expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
