/**
 * Terminal and bidi controls from a trace, a modules directory, a source tree, file names and the command line never
 * reach the terminal raw: text reports and every stderr message show them escaped; JSON, JSON Lines and SARIF keep
 * the values but write them as `\u` escapes, and SARIF messages (shown by viewers) are escaped text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { isShowable } from '../../../src/engine/escape';

const root = path.resolve(__dirname, '../../../..');
const cli = path.join(root, 'dist/cli.js');
const modules = 'samples/boot-6.1-qemu/modules';
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };

function run(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Lines holding a raw control (none expected: only the line breaks between lines are raw). */
const rawLines = (text: string): string[] => text.split('\n').filter((l) => !isShowable(l));

// A name that a right-to-left override would show reversed, with a screen-clearing CSI; a task name that sets the
// terminal's title (OSC ... BEL); a trace file name holding a colour sequence and the override.
const NAME = 'fs-\u202eevil\u001b[2J';
const NAME_SHOWN = 'fs-\\u202eevil\\x1b[2J';
const TASK = 'evil\u001b]0;pwned\u0007';
const TASK_SHOWN = 'evil\\x1b]0;pwned\\x07';
const TRACE_NAME = 'trace-\u001b[31m\u202e.txt';
const TRACE_NAME_SHOWN = 'trace-\\x1b[31m\\u202e.txt';

const dir = mkdtempSync(path.join(tmpdir(), 'autoload-lens-escape-'));
const tracePath = path.join(dir, TRACE_NAME);
writeFileSync(
  tracePath,
  '# tracer: nop\n#\n' +
    `   ${TASK}-42     [000] .....     1.000000: module_request: ${NAME} wait=1 call_site=get_fs_type\n` +
    `   ${TASK}-42     [000] .....     1.100000: module_request: ${NAME} wait=1 call_site=get_fs_type\n`,
);
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('replay text: names, tasks and the trace path escaped; no raw control on any line', () => {
  const r = run('replay', tracePath, '--modules', modules);
  // Two requests of one name 0.1 s apart: a duplicate, and nothing documents the name.
  assert.equal(r.code, 1);
  assert.equal(r.stderr, '');
  assert.deepEqual(rawLines(r.stdout), []);
  assert.equal(r.stdout.split('\n')[0], `autoload-lens ${version}: replay of ${path.join(dir, TRACE_NAME_SHOWN)}`);
  assert.ok(r.stdout.includes(`\`${NAME_SHOWN}\` requested 2 times`));
  assert.ok(r.stdout.includes(`  ${TASK_SHOWN}-42  ${NAME_SHOWN}  get_fs_type`));
});

test('replay JSON and SARIF: the values kept, written as \\u escapes; SARIF messages escaped as text', () => {
  const json = run('replay', tracePath, '--modules', modules, '--format', 'json');
  assert.deepEqual(rawLines(json.stdout), []);
  const doc = JSON.parse(json.stdout);
  assert.deepEqual(
    doc.requests.map((q: { name: string; task: string }) => [q.name, q.task]),
    [
      [NAME, TASK],
      [NAME, TASK],
    ],
  );
  assert.ok(json.stdout.includes('"name": "fs-\\u202eevil\\u001b[2J"'));

  const sarif = run('replay', tracePath, '--modules', modules, '--format', 'sarif');
  assert.deepEqual(rawLines(sarif.stdout), []);
  const texts: string[] = [];
  for (const result of JSON.parse(sarif.stdout).runs[0].results) {
    texts.push(result.message.text);
    for (const loc of result.relatedLocations ?? []) if (loc.message) texts.push(loc.message.text);
  }
  assert.ok(texts.length > 0);
  assert.deepEqual(
    texts.filter((t) => !isShowable(t)),
    [],
  );
  assert.ok(texts.some((t) => t.includes(`\`${NAME_SHOWN}\``)));
});

test('replay JSON Lines: every record parses with the values kept, written as \\u escapes, labels too', () => {
  const r = run('replay', tracePath, '--modules', modules, '--format', 'jsonl', '--label', `host=${TASK}`);
  assert.deepEqual(rawLines(r.stdout), []);
  const records = r.stdout
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; labels: Record<string, string>; name?: string; task?: string });
  assert.deepEqual(
    records.filter((x) => x.type === 'request').map((x) => [x.name, x.task]),
    [
      [NAME, TASK],
      [NAME, TASK],
    ],
  );
  assert.deepEqual([...new Set(records.map((x) => x.labels.host))], [TASK]);
  assert.ok(r.stdout.includes('"name":"fs-\\u202eevil\\u001b[2J"'));
  // A label named like a prototype property is kept as written (it was dropped: assigned to an object's __proto__).
  const proto = run('replay', tracePath, '--modules', modules, '--format', 'jsonl', '--label', '__proto__=p');
  assert.ok(proto.stdout.split('\n')[0].includes('"labels":{"__proto__":"p"}'), proto.stdout.slice(0, 400));
});

test('stderr: a trace path, a resolved name and an option holding escape sequences are shown escaped', () => {
  const missing = path.join(dir, 'missing-\u001b[31m\u202e.txt');
  const r = run('replay', missing);
  assert.equal(r.code, 2);
  assert.deepEqual(rawLines(r.stderr), []);
  assert.ok(
    r.stderr.startsWith(`autoload-lens: ${path.join(dir, 'missing-\\x1b[31m\\u202e.txt')}: cannot read the trace`),
  );

  assert.deepEqual(run('resolve', `nosuch\u001b[2J\u202e`, '--modules', modules), {
    code: 1,
    stdout: '',
    stderr: `autoload-lens: Module nosuch\\x1b[2J\\u202e not found in directory ${modules}\n`,
  });
  assert.deepEqual(run('replay', tracePath, '--\u001b[31m'), {
    code: 2,
    stdout: '',
    stderr: "autoload-lens: unknown option '--\\x1b[31m'\n  hint: run 'autoload-lens replay --help' for the usage\n",
  });
});

test('scan: a source file name and a format string holding controls', () => {
  const tree = mkdtempSync(path.join(tmpdir(), 'autoload-lens-escape-tree-'));
  try {
    writeFileSync(
      path.join(tree, 'evil\u202e\u001b[1m.c'),
      'int f(const char *name)\n{\n\trequest_module("evil-\u202e%s", name);\n\treturn 0;\n}\n',
    );
    for (const format of ['text', 'json', 'sarif']) {
      const r = run('scan', tree, '--no-cache', '--format', format);
      assert.equal(r.code, 1, format);
      assert.deepEqual(rawLines(r.stdout), [], format);
    }
    // The call is at line 3, column 2 (after the tab).
    assert.ok(run('scan', tree, '--no-cache').stdout.includes('           at evil\\u202e\\x1b[1m.c:3:2\n'));
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
});

test('replay text: the request chains, the request-loop message and the kernel models, with a hostile name', () => {
  // The binfmt loop of test/fixtures/chains with the name and the first task holding controls: one chain of its six
  // requests, five levels deep, the last 0.004 s after the first (as chains.test.ts reads the fixture).
  const loopName = 'binfmt-\u001b[2J\u202e464c';
  const loopShown = 'binfmt-\\x1b[2J\\u202e464c';
  const fixture = readFileSync(path.join(root, 'test/fixtures/chains/binfmt-loop.txt'), 'utf8');
  const loopPath = path.join(dir, 'loop.txt');
  writeFileSync(loopPath, fixture.replaceAll('binfmt-464c', loopName).replace('  sh-250', '  s\u0007h-250'));
  const r = run('replay', loopPath, '--modules', 'test/fixtures/chains/modules', '--compare-models');
  assert.equal(r.code, 1);
  assert.equal(r.stderr, '');
  assert.deepEqual(rawLines(r.stdout), []);
  assert.ok(
    r.stdout.includes(`\n  ${loopShown} (request #0): 6 requests, 5 levels deep, last request after 0.004000 s\n`),
  );
  // The request-loop message quotes the name as JSON (ESC as \u001b) and the task; the override is escaped after.
  assert.ok(r.stdout.includes('"binfmt-\\u001b[2J\\u202e464c" (request #0 by'));
  assert.ok(r.stdout.includes('s\\x07h-250'));
});

test('replay text: a kernel log whose autoloader lines name modules with controls', () => {
  const logPath = path.join(dir, 'dmesg.txt');
  writeFileSync(
    logPath,
    `[    1.000000] module: module-autoload: duplicate request for module ${NAME}\n` +
      '[    1.100000] request_module: modprobe x\u0007y cannot be processed, kmod busy with 50 threads for more than 5 seconds now\n',
  );
  const r = run('replay', logPath, '--modules', modules);
  assert.equal(r.code, 1);
  assert.deepEqual(rawLines(r.stdout), []);
  assert.ok(r.stdout.includes(`\`${NAME_SHOWN}\`: the kernel reported a duplicate request`));
  assert.ok(r.stdout.includes('`x\\x07y`: kmod was busy'));
});
