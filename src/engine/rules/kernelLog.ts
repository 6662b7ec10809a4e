/**
 * Findings from lines the kernel itself printed (dmesg input): dups.c warnings, kmod throttling, the 2.6-era runaway
 * loop, "still no fs".
 */
import type { KernelLogEvent } from '../events';
import type { Finding } from '../report';
import { RUNAWAY_LOOP_LINES_PRINTED } from '../kernel/slotModels';
import type { RuleId, Severity } from '../ruleCatalog';
import { plural, type RecordedFinding } from '../findings/findingText';

const RULE_OF: Record<KernelLogEvent['kind'], { rule: RuleId; severity: Severity; says: string }> = {
  log_duplicate: {
    rule: 'duplicate-request',
    severity: 'warning',
    says: 'the kernel reported a duplicate request (dups.c)',
  },
  log_throttled: {
    rule: 'throttled-request',
    severity: 'error',
    says: 'kmod was busy with all its threads for more than 5 s and gave up',
  },
  log_runaway: {
    rule: 'throttled-request',
    severity: 'error',
    says: 'the request failed with -ENOMEM: more than min(max_threads/2, 50) requests were in flight (the 2.6-era kmod limit, "runaway loop")',
  },
  log_no_fs: {
    rule: 'unchecked-zero-return',
    severity: 'warning',
    says: 'request_module() returned 0 but the filesystem is still not registered',
  },
};

export class KernelLogRule {
  private readonly groups = new Map<string, { event: KernelLogEvent; lines: number[] }>();
  private runawayLines = 0;

  add(e: KernelLogEvent): void {
    const key = `${e.kind}\0${e.name}`;
    let g = this.groups.get(key);
    if (!g) this.groups.set(key, (g = { event: e, lines: [] }));
    g.lines.push(e.line);
    if (e.kind === 'log_runaway') this.runawayLines++;
  }

  findings(): RecordedFinding[] {
    return [...this.groups.values()].map(({ event, lines }) => {
      const r = RULE_OF[event.kind];
      let message = `\`${event.name}\`: ${r.says} (${plural(lines.length, 'log line')}, first: "${event.text}").`;
      const evidence: Record<string, unknown> = { kernelLog: event.kind };
      if (event.kind === 'log_runaway') {
        // The limit counts every name: once it is reached, later failures of any name go unprinted.
        const limitReached = this.runawayLines >= RUNAWAY_LOOP_LINES_PRINTED;
        evidence.runawayLines = this.runawayLines;
        evidence.printLimitReached = limitReached;
        if (limitReached) {
          message +=
            ` The kernel prints this line only for the first ${RUNAWAY_LOOP_LINES_PRINTED} such failures of a boot, ` +
            `and the log holds ${this.runawayLines}: more requests may have failed with -ENOMEM than it shows.`;
        }
      }
      const finding: Finding = {
        rule: r.rule,
        severity: r.severity,
        message,
        name: event.name,
        requests: [],
        location: null,
        traceLines: lines,
        evidence,
      };
      return { finding, records: [] };
    });
  }
}
