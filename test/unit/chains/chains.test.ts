// Request chains, checked against traces read by hand: the shared 2-CPU boot (samples/boot-6.1-qemu, the same file as
// ../shared/data/boot-6.1-qemu/trace.txt), a binfmt loop and a module that requests itself (test/fixtures/chains).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { openModuleDb } from '../../../src/engine/modules';
import { replayText, replayTrace, streamReplay } from '../../../src/engine/replay';
import type { Chain, RequestRecord } from '../../../src/engine/report';
import type { Report, ReportSink } from '../../../src/engine/reportStream/index';
import { writeRepeatedTrace } from '../../fixtures/traces/repeatTrace';

const root = path.resolve(__dirname, '../../../..');
const sample = path.join(root, 'samples/boot-6.1-qemu');
const fixtures = path.join(root, 'test/fixtures/chains');

async function replay(trace: string, modulesDir: string): Promise<Report> {
  const r = await replayTrace({ tracePath: trace, modulesDir });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

const bootReport = (() => {
  let report: Promise<Report> | undefined;
  return () => (report ??= replay(path.join(sample, 'trace.txt'), path.join(sample, 'modules')));
})();

/** [index, task-pid, name, initOf, causedBy] of the requests that have either. */
function attributed(report: Report): Array<[number, string, string, string | null, number | null]> {
  return report.requests
    .filter((r) => r.initOf !== null || r.causedBy !== null)
    .map((r) => [r.index, `${r.task}-${r.pid}`, r.name, r.initOf, r.causedBy]);
}

test("the boot: ktrig.py asks for net-pf-33, rxrpc's init asks for pcbc(fcrypt), a cryptomgr_probe thread for pcbc and fcrypt", async () => {
  const report = await bootReport();
  // Trace lines 346-354.
  const at = (i: number) => report.requests[i];
  assert.deepEqual(
    [100, 101, 102, 103, 104, 105].map((i) => [
      at(i).line,
      at(i).task,
      at(i).pid,
      at(i).name,
      at(i).initOf,
      at(i).causedBy,
    ]),
    [
      [346, 'ktrig.py', 618, 'net-pf-33', null, null],
      [348, 'modprobe', 679, 'crypto-pcbc(fcrypt)', 'rxrpc', 100],
      [349, 'modprobe', 679, 'crypto-pcbc(fcrypt)-all', 'rxrpc', 100],
      [350, 'cryptomgr_probe', 682, 'crypto-pcbc', null, 101],
      [352, 'cryptomgr_probe', 682, 'crypto-fcrypt', null, 101],
      [354, 'cryptomgr_probe', 682, 'crypto-fcrypt-all', null, 101],
    ],
  );
  const chain = report.chains.find((c) => c.root === 100);
  // modprobe-679 loads rxrpc (111.138242), modprobe-683 pcbc, modprobe-684 fcrypt (111.398196); the root at 110.914004.
  assert.deepEqual(chain, {
    root: 100,
    name: 'net-pf-33',
    requests: [100, 101, 102, 103, 104, 105],
    requestCount: 6,
    depth: 2,
    seconds: 0.484192,
    modules: ['rxrpc', 'pcbc', 'fcrypt'],
  });
});

test('the boot: every chain, read from the trace', async () => {
  const report = await bootReport();
  assert.deepEqual(report.chains, [
    // net-pf-31: modprobe-630 loads ecc and ecdh_generic (bluetooth's dependencies), whose init's self-test thread
    // cryptomgr_test-632 needs stdrng; modprobe-633 loads ansi_cprng and drbg for it, and drbg's tests (645, 661) ask
    // for hmac(sha256), hmac(sha512); 632 then asks for jitterentropy_rng (modprobe-667); bluetooth last, 109.498514.
    {
      root: 84,
      name: 'net-pf-31',
      requests: [84, 85, 86, 87, 88, 89, 90, 91, 92],
      requestCount: 9,
      depth: 2,
      seconds: 1.459419,
      modules: ['ecc', 'ecdh_generic', 'ansi_cprng', 'drbg', 'jitterentropy_rng', 'bluetooth'],
    },
    {
      root: 100,
      name: 'net-pf-33',
      requests: [100, 101, 102, 103, 104, 105],
      requestCount: 6,
      depth: 2,
      seconds: 0.484192,
      modules: ['rxrpc', 'pcbc', 'fcrypt'],
    },
    // AF_ALG binds xts(serpent): cryptomgr_probe-711 asks for the template (modprobe-712: ecb, its soft dependency, then
    // xts) and for serpent (modprobe-713: four serpent modules, each init's self-tests asking for cryptd instances).
    {
      root: 121,
      name: 'crypto-xts(serpent)',
      requests: [121, 123, 124, 125, 126, 127, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138],
      requestCount: 17,
      depth: 2,
      seconds: 1.028738,
      modules: ['ecb', 'xts', 'serpent_generic', 'serpent_sse2_x86_64', 'serpent_avx_x86_64', 'serpent_avx2'],
    },
    {
      root: 139,
      name: 'crypto-cbc(twofish)',
      requests: [139, 141, 142, 143, 144, 145, 146],
      requestCount: 7,
      depth: 2,
      seconds: 0.331031,
      modules: ['twofish_common', 'twofish_x86_64', 'twofish_x86_64_3way', 'twofish_avx_x86_64', 'twofish_generic'],
    },
    {
      root: 151,
      name: 'crypto-rfc7539(chacha20,poly1305)',
      requests: [151, 153],
      requestCount: 2,
      depth: 1,
      seconds: 0.131457,
      modules: ['chacha20poly1305'],
    },
    {
      root: 156,
      name: 'crypto-ecb(camellia)',
      requests: [156, 158, 159, 160, 161, 162, 163, 164, 165, 166, 167],
      requestCount: 11,
      depth: 2,
      seconds: 0.520075,
      modules: ['camellia_x86_64', 'camellia_aesni_avx_x86_64', 'camellia_aesni_avx2', 'camellia_generic'],
    },
    // cryptsetup's essiv(cbc(serpent),sha256): cbc(serpent) and sha256 exist by then; only the template is loaded.
    {
      root: 191,
      name: 'crypto-essiv(cbc(serpent),sha256)',
      requests: [191, 193],
      requestCount: 2,
      depth: 1,
      seconds: 0.138538,
      modules: ['authenc', 'essiv'],
    },
  ]);
  assert.equal(report.summary.chains, 7);
  assert.equal(report.summary.findings['request-loop'], 0);
});

test('the boot: who made each request, and for whom', async () => {
  const report = await bootReport();
  const tests = (pid: number, first: number, initOf: string, causedBy: number | null, names: string[]) =>
    names.map((name, k): [number, string, string, string | null, number | null] => [
      first + k,
      `cryptomgr_test-${pid}`,
      name,
      initOf,
      causedBy,
    ]);
  const pair = (pid: number, first: number, initOf: string, causedBy: number | null, alg: string) =>
    tests(pid, first, initOf, causedBy, [`crypto-cryptd(${alg})`, `crypto-cryptd(${alg})-all`]);
  assert.deepEqual(attributed(report), [
    // A udev worker loads crc64_rocksoft itself (userspace): its init's requests have no cause.
    [0, '(udev-worker)-118', 'crypto-crc64-rocksoft', 'crc64_rocksoft', null],
    [1, '(udev-worker)-118', 'crypto-crc64-rocksoft-all', 'crc64_rocksoft', null],
    [2, '(udev-worker)-118', 'cryptomgr', 'crc64_rocksoft', null],
    // aesni_intel, loaded by (udev-worker)-253, registers SIMD algorithms whose self-tests ask for cryptd instances.
    ...pair(297, 7, 'aesni_intel', null, '__ecb-aes-aesni'),
    ...pair(303, 9, 'aesni_intel', null, '__cbc-aes-aesni'),
    ...pair(310, 11, 'aesni_intel', null, '__cts-cbc-aes-aesni'),
    ...pair(318, 13, 'aesni_intel', null, '__ctr-aes-aesni'),
    ...pair(326, 15, 'aesni_intel', null, '__xts-aes-aesni'),
    ...pair(334, 17, 'aesni_intel', null, '__rfc4106-gcm-aesni'),
    [19, 'cryptomgr_test-340', 'crypto-cryptd(__generic-gcm-aesni)', 'aesni_intel', null],
    [22, 'cryptomgr_test-340', 'crypto-cryptd(__generic-gcm-aesni)-all', 'aesni_intel', null],
    ...pair(350, 23, 'aesni_intel', null, '__xctr-aes-aesni'),
    ...tests(373, 25, 'ghash_clmulni_intel', null, [
      'crypto-cryptd(__ghash-pclmulqdqni)',
      'crypto-cryptd(__ghash-pclmulqdqni)-all',
      'crypto-ghash-clmulni',
      'crypto-ghash-clmulni-all',
      'cryptomgr',
    ]),
    [85, 'cryptomgr_test-632', 'crypto-stdrng', 'ecdh_generic', 84],
    ...tests(645, 86, 'drbg', 85, ['crypto-hmac(sha256)', 'crypto-hmac(sha256)-all']),
    ...tests(661, 88, 'drbg', 85, ['crypto-hmac(sha512)', 'crypto-hmac(sha512)-all']),
    ...tests(632, 90, 'ecdh_generic', 84, [
      'crypto-stdrng-all',
      'crypto-jitterentropy_rng',
      'crypto-jitterentropy_rng-all',
    ]),
    [101, 'modprobe-679', 'crypto-pcbc(fcrypt)', 'rxrpc', 100],
    [102, 'modprobe-679', 'crypto-pcbc(fcrypt)-all', 'rxrpc', 100],
    [103, 'cryptomgr_probe-682', 'crypto-pcbc', null, 101],
    [104, 'cryptomgr_probe-682', 'crypto-fcrypt', null, 101],
    [105, 'cryptomgr_probe-682', 'crypto-fcrypt-all', null, 101],
    [123, 'cryptomgr_probe-711', 'crypto-xts', null, 121],
    [124, 'cryptomgr_probe-711', 'crypto-serpent', null, 121],
    ...pair(717, 125, 'serpent_sse2_x86_64', 124, '__ecb-serpent-sse2'),
    ...pair(722, 127, 'serpent_sse2_x86_64', 124, '__cbc-serpent-sse2'),
    ...pair(729, 129, 'serpent_avx_x86_64', 124, '__ecb-serpent-avx'),
    ...pair(734, 131, 'serpent_avx_x86_64', 124, '__cbc-serpent-avx'),
    ...pair(741, 133, 'serpent_avx2', 124, '__ecb-serpent-avx2'),
    ...pair(746, 135, 'serpent_avx2', 124, '__cbc-serpent-avx2'),
    [137, 'cryptomgr_probe-711', 'crypto-serpent-all', null, 121],
    [138, 'cryptomgr_probe-711', 'cryptomgr', null, 121],
    [141, 'cryptomgr_probe-756', 'crypto-twofish', null, 139],
    ...pair(763, 142, 'twofish_avx_x86_64', 141, '__ecb-twofish-avx'),
    ...pair(768, 144, 'twofish_avx_x86_64', 141, '__cbc-twofish-avx'),
    [146, 'cryptomgr_probe-756', 'crypto-twofish-all', null, 139],
    [153, 'cryptomgr_probe-786', 'crypto-rfc7539', null, 151],
    [158, 'cryptomgr_probe-796', 'crypto-camellia', null, 156],
    ...pair(803, 159, 'camellia_aesni_avx_x86_64', 158, '__ecb-camellia-aesni'),
    ...pair(808, 161, 'camellia_aesni_avx_x86_64', 158, '__cbc-camellia-aesni'),
    ...pair(815, 163, 'camellia_aesni_avx2', 158, '__ecb-camellia-aesni-avx2'),
    ...pair(820, 165, 'camellia_aesni_avx2', 158, '__cbc-camellia-aesni-avx2'),
    [167, 'cryptomgr_probe-796', 'crypto-camellia-all', null, 156],
    [193, 'cryptomgr_probe-870', 'crypto-essiv', null, 191],
  ]);
  // A request a task makes in its own system call is not made on anyone's behalf, even right after a load it caused:
  // ktrig.py-618's can-proto-1 (can_create) after net-pf-29 loaded can, mount-509's 9p-virtio after fs-9p.
  assert.deepEqual(
    [82, 43].map((i) => [report.requests[i].name, report.requests[i].initOf, report.requests[i].causedBy]),
    [
      ['can-proto-1', null, null],
      ['9p-virtio', null, null],
    ],
  );
});

test("the same ring buffer read by trace-cmd report: the same chains; perf's later capture: the cast5 chain", async () => {
  const boot = await bootReport();
  const viaTraceCmd = await replay(path.join(sample, 'trace-report.txt'), path.join(sample, 'modules'));
  assert.deepEqual(viaTraceCmd.chains, boot.chains);
  assert.deepEqual(
    viaTraceCmd.requests.map((r) => [r.initOf, r.causedBy]),
    boot.requests.map((r) => [r.initOf, r.causedBy]),
  );
  // ktrig.py-1201 asks for cbc(cast5); cryptomgr_probe-1204 for cast5, which modprobe-1205 loads (cast_common, its
  // dependency, first: 179.949927 .. 179.970476); cast5_avx_x86_64's self-tests (1209, 1214) ask for cryptd instances.
  const perf = await replay(path.join(sample, 'perf-script.txt'), path.join(sample, 'modules'));
  assert.deepEqual(perf.chains, [
    {
      root: 11,
      name: 'crypto-cbc(cast5)',
      requests: [11, 13, 14, 15, 16, 17, 18],
      requestCount: 7,
      depth: 2,
      seconds: 0.142664,
      modules: ['cast_common', 'cast5_generic', 'cast5_avx_x86_64'],
    },
  ]);
  assert.deepEqual(
    perf.requests.slice(11).map((r) => [r.name, r.initOf, r.causedBy]),
    [
      ['crypto-cbc(cast5)', null, null],
      ['crypto-cbc(cast5)-all', null, null],
      ['crypto-cast5', null, 11],
      ['crypto-cryptd(__ecb-cast5-avx)', 'cast5_avx_x86_64', 13],
      ['crypto-cryptd(__ecb-cast5-avx)-all', 'cast5_avx_x86_64', 13],
      ['crypto-cryptd(__cbc-cast5-avx)', 'cast5_avx_x86_64', 13],
      ['crypto-cryptd(__cbc-cast5-avx)-all', 'cast5_avx_x86_64', 13],
      ['crypto-cast5-all', null, 11],
      ['fs-nosuchfs', null, null],
    ],
  );
});

test('a binfmt loop: the modprobe started for binfmt-464c cannot be executed without it', async () => {
  const report = await replay(path.join(fixtures, 'binfmt-loop.txt'), path.join(fixtures, 'modules'));
  assert.deepEqual(
    report.requests.map((r) => [r.task, r.pid, r.initOf, r.causedBy]),
    [
      ['sh', 250, null, null],
      ['kworker/u4:1', 251, null, 0],
      ['kworker/u4:1', 252, null, 1],
      ['kworker/u4:0', 253, null, 2],
      ['kworker/u4:1', 254, null, 3],
      ['kworker/u4:0', 255, null, 4],
    ],
  );
  // Nothing loads: the chain lasts until its last request, 12.404100 - 12.400100.
  assert.deepEqual(report.chains, [
    {
      root: 0,
      name: 'binfmt-464c',
      requests: [0, 1, 2, 3, 4, 5],
      requestCount: 6,
      depth: 5,
      seconds: 0.004,
      modules: [],
    },
  ]);
  const loops = report.findings.filter((f) => f.rule === 'request-loop');
  assert.deepEqual(
    loops.map((f) => [f.severity, f.name, f.requests, f.traceLines, f.evidence]),
    [
      [
        'warning',
        'binfmt-464c',
        [0, 1, 2, 3, 4, 5],
        [9, 10, 11, 12, 13, 14],
        { requestCount: 6, repeats: 5, ancestor: 0, firstRepeat: 1, levels: 1 },
      ],
    ],
  );
  assert.equal(
    loops[0].message,
    'Executing the modprobe the kernel started for "binfmt-464c" (request #0 by sh-250) needs that binary format, so ' +
      'kworker/u4:1-251 requests "binfmt-464c" again: each request starts a modprobe that cannot run, until all kmod ' +
      'slots are taken and requests fail. 5 requests in all repeat a name above them on their chain.',
  );
  assert.equal(report.summary.findings['request-loop'], 1);
});

test('a module whose init requests the alias it was loaded for', async () => {
  const report = await replay(path.join(fixtures, 'self-request.txt'), path.join(fixtures, 'modules'));
  assert.deepEqual(
    report.requests.map((r) => [r.name, `${r.task}-${r.pid}`, r.initOf, r.causedBy]),
    [
      ['crypto-aegis128', 'ktrig.py-400', null, null],
      ['crypto-aegis128', 'modprobe-401', 'aegis128', 0],
      ['crypto-aegis128-all', 'modprobe-401', 'aegis128', 0],
      // ktrig.py's own retry, after its request returned: userspace again.
      ['crypto-aegis128-all', 'ktrig.py-400', null, null],
    ],
  );
  assert.deepEqual(report.chains, [
    {
      root: 0,
      name: 'crypto-aegis128',
      requests: [0, 1, 2],
      requestCount: 3,
      depth: 1,
      seconds: 0.05,
      modules: ['aegis128'],
    },
  ]);
  const loops = report.findings.filter((f) => f.rule === 'request-loop');
  assert.deepEqual(
    loops.map((f) => [f.name, f.requests, f.evidence]),
    [['crypto-aegis128', [0, 1], { requestCount: 2, repeats: 1, ancestor: 0, firstRepeat: 1, levels: 1 }]],
  );
  assert.equal(
    loops[0].message,
    'aegis128\'s init requests "crypto-aegis128", the name aegis128 was loaded for (request #0 by ktrig.py-400): nothing ' +
      'can provide it until that init returns, and a modprobe that waits for aegis128 waits for the request itself.',
  );
});

/** An ftrace line. */
function line(task: string, pid: number, time: number, event: string): string {
  return `${`${task}-${pid}`.padStart(24)} [000] ..... ${time.toFixed(6).padStart(12)}: ${event}`;
}
const request = (task: string, pid: number, time: number, name: string) =>
  line(task, pid, time, `module_request: ${name} wait=1 call_site=crypto_alg_mod_lookup`);
const load = (pid: number, time: number, module: string) => line('modprobe', pid, time, `module_load: ${module} `);

test("a template instance inside a template instance: the inner probe works for the outer probe's look-up", async () => {
  const db = await openModuleDb(path.join(sample, 'modules'));
  assert.ok(db.ok);
  // As cryptsetup-865 would have seen it had cbc(serpent) not existed yet: the essiv probe looks cbc(serpent) up, and
  // a second probe thread instantiates cbc, asking for serpent.
  const text = [
    request('cryptsetup', 865, 10, 'crypto-essiv(cbc(serpent),sha256)'),
    request('cryptsetup', 865, 10.01, 'crypto-essiv(cbc(serpent),sha256)-all'),
    request('cryptomgr_probe', 870, 10.02, 'crypto-essiv'),
    load(871, 10.03, 'authenc'),
    load(871, 10.04, 'essiv'),
    request('cryptomgr_probe', 870, 10.05, 'crypto-cbc(serpent)'),
    request('cryptomgr_probe', 870, 10.06, 'crypto-cbc(serpent)-all'),
    request('cryptomgr_probe', 872, 10.07, 'crypto-serpent'),
    load(873, 10.08, 'serpent_generic'),
  ].join('\n');
  const r = replayText(text, { file: 'nested.txt', modules: db.value });
  assert.ok(r.ok);
  assert.deepEqual(
    r.value.requests.map((q) => [q.name, q.causedBy]),
    [
      ['crypto-essiv(cbc(serpent),sha256)', null],
      ['crypto-essiv(cbc(serpent),sha256)-all', null],
      ['crypto-essiv', 0],
      ['crypto-cbc(serpent)', 0],
      ['crypto-cbc(serpent)-all', 0],
      ['crypto-serpent', 3],
    ],
  );
  assert.deepEqual(
    r.value.chains.map((c) => [c.root, c.requests, c.depth, c.modules]),
    [[0, [0, 2, 3, 4, 5], 2, ['authenc', 'essiv', 'serpent_generic']]],
  );
});

test('chains are handed on once their tasks have gone quiet, while the trace is still being read', async () => {
  // The rxrpc chain of the boot, then 30 s of unrelated requests. Tasks are looked at every 10 s of trace time (the
  // settle window), from the first event: at 110.914004, 120.914004 and 130.914004 (read at the events at 121 and
  // 131). A task is over at the first look after one it was already quiet at: the tasks of the chain, quiet since
  // 111.298256, at the look at 131, while request 23 (at 131) is being read.
  const text = [
    request('ktrig.py', 618, 110.914004, 'net-pf-33'),
    load(679, 111.138242, 'rxrpc'),
    request('modprobe', 679, 111.138861, 'crypto-pcbc(fcrypt)'),
    request('modprobe', 679, 111.193987, 'crypto-pcbc(fcrypt)-all'),
    request('cryptomgr_probe', 682, 111.24604, 'crypto-pcbc'),
    load(683, 111.298256, 'pcbc'),
    ...Array.from({ length: 30 }, (_, k) => request('ktrig.py', 900 + k, 112 + k, `crypto-nosuch${k}`)),
  ].join('\n');
  const dir = mkdtempSync(path.join(tmpdir(), 'autoload-lens-chains-'));
  const file = path.join(dir, 'streamed.txt');
  writeFileSync(file, `${text}\n`);
  try {
    const seen: string[] = [];
    const sink: ReportSink = {
      begin: () => seen.push('begin'),
      request: (r: RequestRecord) => seen.push(`request ${r.index}`),
      finding: () => undefined,
      chain: (c: Chain) => seen.push(`chain ${c.root}: ${c.requests.join(',')}`),
      end: () => seen.push('end'),
    };
    const done = await streamReplay({ tracePath: file, modulesDir: path.join(sample, 'modules') }, sink);
    assert.ok(done.ok);
    const at = seen.indexOf('chain 0: 0,1,2,3');
    assert.deepEqual(seen.slice(at - 1, at + 2), ['request 22', 'chain 0: 0,1,2,3', 'request 23']);
    assert.equal(seen.at(-1), 'end');
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('the boot three times over, as the benchmark repeats it: each copy has the same seven chains', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'autoload-lens-chains-'));
  try {
    const file = path.join(dir, 'three.txt');
    const one = statSync(path.join(sample, 'trace.txt')).size;
    assert.equal(writeRepeatedTrace(path.join(sample, 'trace.txt'), file, 2 * one + 1), 3);
    const three = await replay(file, path.join(sample, 'modules'));
    const once = (await bootReport()).chains;
    // 264 requests a copy. A module loaded again without a module_free in between (the copies free nothing) still
    // shows its modprobe at work for the request whose task waits for it.
    const shifted = [0, 1, 2].flatMap((k) =>
      once.map((c) => ({ ...c, root: c.root + 264 * k, requests: c.requests.map((i) => i + 264 * k) })),
    );
    assert.deepEqual(three.chains, shifted);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('where trace time stands still, a crypto test thread still works for the latest of the tasks that fit it best', () => {
  // No turn rebuilds the possible spawners at one time stamp; past 64 entries they keep each task's latest. modprobe-500
  // and -501 load modules sharing the word "aes" with what cryptomgr_test-900 asks for; 500 loads again after 501, so
  // it is the latest of the two; 100 loads by ten other tasks come between.
  const text = [
    load(500, 5, 'aes_generic'),
    load(501, 5, 'aes_arm'),
    load(500, 5, 'aes_generic'),
    ...Array.from({ length: 100 }, (_, k) => load(600 + (k % 10), 5, `noise${k}`)),
    request('cryptomgr_test', 900, 5, 'crypto-aes'),
  ].join('\n');
  const r = replayText(text, { file: 'frozen.txt' });
  assert.ok(r.ok);
  assert.deepEqual(
    r.value.requests.map((q) => [q.name, q.initOf]),
    [['crypto-aes', 'aes_generic']],
  );
});
