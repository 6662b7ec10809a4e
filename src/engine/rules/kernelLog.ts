/** Findings from lines the kernel itself printed (dmesg input): dups.c warnings, kmod throttling, "still no fs". */
import type { KernelLogEvent } from '../events';
import type { Finding } from '../report';
import type { RuleId, Severity } from './catalog';
import { plural, type RecordedFinding } from './findingText';

const RULE_OF: Record<KernelLogEvent['kind'], { rule: RuleId; severity: Severity; says: string }> = {
  log_duplicate: { rule: 'duplicate-request', severity: 'warning', says: 'the kernel reported a duplicate request (dups.c)' },
  log_throttled: { rule: 'throttled-request', severity: 'error', says: 'kmod was busy with all its threads for more than 5 s and gave up' },
  log_no_fs: {
    rule: 'unchecked-zero-return',
    severity: 'warning',
    says: 'request_module() returned 0 but the filesystem is still not registered',
  },
};

export class KernelLogRule {
  private readonly groups = new Map<string, { event: KernelLogEvent; lines: number[] }>();

  add(e: KernelLogEvent): void {
    const key = `${e.kind}\0${e.name}`;
    let g = this.groups.get(key);
    if (!g) this.groups.set(key, (g = { event: e, lines: [] }));
    g.lines.push(e.line);
  }

  findings(): RecordedFinding[] {
    return [...this.groups.values()].map(({ event, lines }) => {
      const r = RULE_OF[event.kind];
      const finding: Finding = {
        rule: r.rule,
        severity: r.severity,
        message: `\`${event.name}\`: ${r.says} (${plural(lines.length, 'log line')}, first: "${event.text}").`,
        name: event.name,
        requests: [],
        location: null,
        traceLines: lines,
        evidence: { kernelLog: event.kind },
      };
      return { finding, records: [] };
    });
  }
}
