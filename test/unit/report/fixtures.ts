/** Hand-built reports and source indexes, shaped like the real boot-6.1-qemu sample, for the renderer tests. */
import type { RequestRecord } from '../../../src/engine/report';
import type { Report } from '../../../src/engine/reportStream/index';
import type { SourceIndex } from '../../../src/engine/sourceIndex';

/** A record with its fields in the order the replayer creates them (the order the reports print). */
function request(p: Partial<RequestRecord> & Pick<RequestRecord, 'index' | 'line' | 'time' | 'task' | 'pid' | 'name'>): RequestRecord {
  return {
    index: p.index,
    line: p.line,
    time: p.time,
    task: p.task,
    pid: p.pid,
    cpu: p.cpu ?? 0,
    name: p.name,
    wait: p.wait ?? true,
    callSite: p.callSite ?? { symbol: 'get_fs_type', module: null },
    resolution: p.resolution ?? { kind: 'alias', modules: [], patterns: [] },
    outcome: p.outcome ?? 'nothing-loaded',
    duplicateOf: p.duplicateOf ?? null,
    initOf: p.initOf ?? null,
    causedBy: p.causedBy ?? null,
    loadedModules: p.loadedModules ?? [],
    completedAt: p.completedAt ?? p.time,
    returnValue: p.returnValue ?? null,
    returnBasis: p.returnBasis ?? null,
    modprobeRan: p.modprobeRan ?? true,
  };
}

export function sampleReport(): Report {
  const hfs = { kind: 'alias' as const, modules: ['hfs'], patterns: ['fs-hfs'] };
  return {
    schemaVersion: 1,
    tool: { name: 'autoload-lens', version: '0.1.0' },
    trace: {
      file: 'samples/boot-6.1-qemu/trace.txt',
      format: 'ftrace',
      lines: 614,
      events: 602,
      skippedLines: 12,
      warnings: [{ line: 7, message: 'module_request line without a name' }],
      warningCount: 1,
      firstEventTime: 14.627203,
    },
    modulesDir: 'samples/boot-6.1-qemu/modules',
    sourceRoot: null,
    kernelDirectory: null,
    kernelModel: 'dups',
    summary: {
      requests: 6,
      loads: 2,
      frees: 0,
      distinctNames: 4,
      kernelModel: 'dups',
      chains: 0,
      findings: {
        'duplicate-request': 1, 'undocumented-alias': 2, 'unchecked-zero-return': 1, 'name-too-long': 0, 'throttled-request': 0, 'request-loop': 0,
      },
    },
    kernel: null,
    requests: [
      request({
        index: 0, line: 70, time: 30.446016, task: 'mount', pid: 182, cpu: 1, name: 'fs-ext4',
        resolution: { kind: 'alias', modules: ['ext4'], patterns: ['fs-ext4'] }, outcome: 'loaded', loadedModules: ['ext4'],
        completedAt: 30.61, returnValue: 0, returnBasis: 'modprobe',
      }),
      request({
        index: 1, line: 582, time: 128.477235, task: 'ktrig.py', pid: 981, cpu: 1, name: 'fs-hfs',
        resolution: hfs, outcome: 'loaded', loadedModules: ['hfs'], completedAt: 128.5, returnValue: 0, returnBasis: 'modprobe',
      }),
      request({
        index: 2, line: 583, time: 128.478863, task: 'ktrig.py', pid: 982, name: 'fs-hfs',
        resolution: hfs, outcome: 'loaded', loadedModules: ['hfs'], duplicateOf: 1, completedAt: 128.5,
        returnValue: 0, returnBasis: 'anchor', modprobeRan: false,
      }),
      request({
        index: 3, line: 584, time: 128.481547, task: 'ktrig.py', pid: 983, name: 'fs-hfs',
        resolution: hfs, outcome: 'loaded', loadedModules: ['hfs'], duplicateOf: 1, completedAt: 128.5,
        returnValue: 0, returnBasis: 'anchor', modprobeRan: false,
      }),
      request({
        index: 4, line: 600, time: 131.25, task: '(udev-worker)', pid: 121, cpu: 1, name: 'fs-nosuch',
        callSite: { symbol: 'aarp_send_ddp', module: 'appletalk' }, resolution: { kind: 'none', modules: [], patterns: [] }, returnValue: 256, returnBasis: 'modprobe',
      }),
      request({
        index: 5, line: 602, time: 132.5, task: 'kworker/1:2', pid: 77, cpu: 1, name: 'hdaudio:v1AF4\n0022', wait: false,
        callSite: { symbol: 'snd_hda_codec_configure', module: 'snd_hda_codec' },
        resolution: { kind: 'alias', modules: ['snd_hda_codec_generic'], patterns: ['hdaudio:v*r*a01*'] },
        outcome: 'already-loaded', returnValue: 0, returnBasis: 'kernel',
      }),
    ],
    // Grouped by rule, in catalog order, as a replay emits them.
    findings: [
      {
        rule: 'duplicate-request', severity: 'warning',
        message: 'fs-hfs was requested 3 times within 0.004 s; dups.c converges the 2 duplicates on the first request.',
        name: 'fs-hfs', requests: [1, 2, 3], location: null, traceLines: [582, 583, 584],
        evidence: { converged: true, anchor: 1, duplicates: [2, 3] },
      },
      {
        rule: 'undocumented-alias', severity: 'warning',
        message: 'fs-nosuch is documented by no module name, alias pattern, symbol or built-in.',
        name: 'fs-nosuch', requests: [4], location: null, traceLines: [600], evidence: { consulted: ['modules.alias'] },
      },
      {
        rule: 'undocumented-alias', severity: 'info',
        message: 'hdaudio:v1AF4\n0022 was requested by a name that holds a newline; nothing documents it.',
        name: 'hdaudio:v1AF4\n0022', requests: [5], location: null, traceLines: [602, 603],
        evidence: { z: { b: 2, a: 1 }, a: [{ y: 1, x: 2 }] },
      },
      {
        rule: 'unchecked-zero-return', severity: 'error',
        message: 'The request resolved but loaded nothing and the caller uses the service without looking it up again.',
        name: 'fs-nosuch', requests: [4], location: { file: 'net/appletalk/ddp.c', line: 1021, column: 9 }, traceLines: [600],
        evidence: {},
      },
    ],
    chains: [],
  };
}

/** The same report after a source index linked the call sites. */
export function linkedReport(): Report {
  const r = sampleReport();
  r.sourceRoot = '/src/linux';
  for (const q of r.requests) {
    if (q.callSite?.symbol === 'get_fs_type') {
      q.callSite.link = 'direct';
      q.callSite.locations = [{ file: 'fs/filesystems.c', line: 274, column: 9, link: 'direct', via: ['get_fs_type'] }];
    } else if (q.callSite) {
      q.callSite.link = 'stale';
      q.callSite.locations = [];
    }
  }
  return r;
}

export function sampleIndex(): SourceIndex {
  return {
    root: '/src/linux',
    kernelDirectory: { path: '/src/linux', source: 'tree', includeDirs: [], headers: 0 },
    callSites: [
      {
        file: 'fs/filesystems.c', line: 274, column: 9, callee: 'request_module', kind: 'direct', via: [],
        function: 'get_fs_type', format: 'fs-%.*s', pattern: 'fs-*', name: null, family: 'fs-',
        shapes: [['fs-', { conversion: 's', flags: '', width: null, precision: null }]],
        arguments: ['"fs-%.*s"', 'len', 'name'], returnUse: 'condition', assignedTested: null, wait: true,
        endLine: 274, endColumn: 45, tail: false, requestsHere: true, recheck: null, queue: null,
      },
      {
        file: 'fs/super.c', line: 80, column: 7, callee: 'get_fs_type', kind: 'wrapper', via: ['request_module'],
        function: 'mount_thing', format: null, pattern: 'fs-ext4', name: 'fs-ext4', family: 'fs-',
        shapes: [['fs-ext4']],
        arguments: ['"ext4"'], returnUse: 'assigned', assignedTested: true, wait: true, endLine: 80, endColumn: 26, tail: false, requestsHere: false, recheck: null, queue: null,
      },
      {
        file: 'drivers/foo/foo.c', line: 12, column: 2, callee: 'request_module', kind: 'direct', via: [],
        function: 'foo_init', format: 'foo-%d', pattern: 'foo-*', name: null, family: 'foo-',
        shapes: [['foo-', { conversion: 'd', flags: '', width: null, precision: null }]],
        arguments: ['"foo-%d"', 'n'], returnUse: 'discarded', assignedTested: null, wait: true, endLine: 12, endColumn: 30, tail: false, requestsHere: true, recheck: null, queue: null,
      },
    ],
    wrappers: [{ name: 'get_fs_type', kind: 'function', file: 'fs/filesystems.c', line: 265, pattern: 'fs-*', calls: 'request_module', queue: null }],
    aliases: [
      { file: 'fs/ext4/super.c', line: 7436, column: 1, macro: 'MODULE_ALIAS_FS', value: 'fs-ext4', reason: null, module: 'ext4' },
      { file: 'drivers/bar.c', line: 3, column: 1, macro: 'MODULE_ALIAS', value: null, reason: 'BAR_NAME is not defined in the tree', module: null },
    ],
    functions: [
      { name: 'get_fs_type', file: 'fs/filesystems.c', line: 265, endLine: 283, isStatic: false, calls: [] },
      { name: 'foo_init', file: 'drivers/foo/foo.c', line: 8, endLine: 20, isStatic: true, calls: [{ name: 'foo_probe', file: 'drivers/foo/foo.c', line: 10, tail: false }] },
    ],
    moduleNames: ['ext4', 'filesystems', 'foo'],
    findings: [
      {
        rule: 'unchecked-zero-return', severity: 'warning',
        message: 'foo_init ignores the return of request_module("foo-%d") and never looks the service up again.',
        name: null, location: { file: 'drivers/foo/foo.c', line: 12, column: 2 },
        related: [{ file: 'drivers/foo/foo.c', line: 13, column: 2, message: 'uses foo_ops on the zero path' }],
      },
      {
        rule: 'undocumented-alias', severity: 'warning',
        message: 'No MODULE_ALIAS* declaration in the tree provides the family foo-*.',
        name: 'foo-*', location: { file: 'drivers/foo/foo.c', line: 12, column: 2 }, related: [],
      },
    ],
    files: { scanned: 3, skipped: 1, unreadable: [{ file: 'drivers/secret.c', reason: 'EACCES: permission denied' }] },
  };
}

/**
 * The rxrpc chain of the boot (trace lines 346-354) as its own report, with the requests numbered from 0:
 * ktrig.py-618 asks for net-pf-33, modprobe-679 loads rxrpc, whose init asks for pcbc(fcrypt); cryptomgr_probe-682
 * asks for the template and the algorithm; modprobe-683 loads pcbc, modprobe-684 fcrypt.
 */
export function chainReport(): Report {
  const base = sampleReport();
  const none = { kind: 'none' as const, modules: [], patterns: [] };
  const site = { symbol: 'crypto_alg_mod_lookup', module: null };
  return {
    ...base,
    summary: { ...base.summary, requests: 6, loads: 3, distinctNames: 6, chains: 1, findings: { ...base.summary.findings, 'duplicate-request': 0, 'undocumented-alias': 0, 'unchecked-zero-return': 0 } },
    requests: [
      request({
        index: 0, line: 346, time: 110.914004, task: 'ktrig.py', pid: 618, name: 'net-pf-33', callSite: { symbol: '__sock_create', module: null },
        resolution: { kind: 'alias', modules: ['rxrpc'], patterns: ['net-pf-33'] }, outcome: 'loaded', loadedModules: ['rxrpc'], completedAt: 111.138242,
      }),
      request({ index: 1, line: 348, time: 111.138861, task: 'modprobe', pid: 679, name: 'crypto-pcbc(fcrypt)', callSite: site, resolution: none, initOf: 'rxrpc', causedBy: 0 }),
      request({ index: 2, line: 349, time: 111.193987, task: 'modprobe', pid: 679, name: 'crypto-pcbc(fcrypt)-all', callSite: site, resolution: none, initOf: 'rxrpc', causedBy: 0 }),
      request({
        index: 3, line: 350, time: 111.24604, task: 'cryptomgr_probe', pid: 682, name: 'crypto-pcbc', callSite: { symbol: 'crypto_lookup_template', module: null },
        resolution: { kind: 'alias', modules: ['pcbc'], patterns: ['crypto-pcbc'] }, outcome: 'loaded', loadedModules: ['pcbc'], causedBy: 1, completedAt: 111.298256,
      }),
      request({
        index: 4, line: 352, time: 111.319357, task: 'cryptomgr_probe', pid: 682, name: 'crypto-fcrypt', callSite: site,
        resolution: { kind: 'alias', modules: ['fcrypt'], patterns: ['crypto-fcrypt'] }, outcome: 'loaded', loadedModules: ['fcrypt'], causedBy: 1, completedAt: 111.398196,
      }),
      request({ index: 5, line: 354, time: 111.418935, task: 'cryptomgr_probe', pid: 682, name: 'crypto-fcrypt-all', callSite: site, resolution: none, causedBy: 1 }),
    ],
    findings: [],
    chains: [{ root: 0, name: 'net-pf-33', requests: [0, 1, 2, 3, 4, 5], requestCount: 6, depth: 2, seconds: 0.484192, modules: ['rxrpc', 'pcbc', 'fcrypt'] }],
  };
}
