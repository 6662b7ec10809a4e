/**
 * The 2.1-era kmod.c (seed 003): one kernel thread, `kmod_thread`, and one global `module_name[64]`.
 * request_module() does `strcpy(module_name, name); wake_up(&kmod_queue); interruptible_sleep_on(&kmod_queue);
 * return 0;`. The thread sleeps on the same queue; woken with a name, it forks modprobe with `argv[2] = module_name`,
 * waits for it (`waitpid`), clears the name and wakes the queue. So:
 * - a request that finds the thread asleep has its name run by modprobe (the thread execs right after its wake_up);
 * - a request that arrives while the thread waits for modprobe overwrites the shared name, which the thread clears
 *   when modprobe exits: its name never reaches modprobe;
 * - each request's wake_up also wakes the caller asleep before it, who returns 0 there and then, before the running
 *   modprobe has finished; the last caller asleep wakes when modprobe exits;
 * - every request returns 0, whatever happened.
 * A modprobe run lasts, here, from its request to that request's completion (the last module_load it caused; no
 * time when it loaded nothing): a lower bound, so the names lost are at least those counted.
 */
import type { RequestRecord } from '../report';
import { modnameNormalize } from '../modules/names';
import { presentBefore, provides, type KernelModel, type ReturnListener, type Verdict } from './model';

export class OneThreadKmod implements KernelModel {
  readonly id = '2.1';
  /** When the running modprobe exits (the thread is asleep from then on). */
  private busyUntil = -Infinity;
  /** The request whose name the running (or last) modprobe got. */
  private run: RequestRecord | null = null;
  /** The caller asleep on kmod_queue: at most one, each request's wake_up wakes the one before it. */
  private sleeper: { r: RequestRecord; anchor: RequestRecord | null } | null = null;

  constructor(private readonly onReturn: ReturnListener) {}

  decide(r: RequestRecord, anchor: RequestRecord | null): Verdict {
    this.wake(r.time);
    const idle = r.time >= this.busyUntil;
    if (idle) {
      this.run = r;
      this.busyUntil = r.completedAt;
    }
    this.sleeper = { r, anchor };
    return {
      returnValue: 0,
      returnBasis: 'kernel',
      modprobeRan: idle,
      modprobeAt: r.time,
      waited: 0,
      inFlight: idle ? 0 : 1,
      failure: null,
      nameLost: !idle,
    };
  }

  finish(): void {
    this.wake(Infinity);
  }

  /** The caller asleep resumes at `time` (another request's wake_up), or when the running modprobe exits if sooner. */
  private wake(time: number): void {
    const s = this.sleeper;
    if (s === null) return;
    this.sleeper = null;
    this.onReturn(s.r, s.anchor, 0, this.answered(s.r, time >= this.busyUntil));
  }

  /** Whether something answered `r`'s name when its caller resumed (`runEnded`: after the running modprobe exited). */
  private answered(r: RequestRecord, runEnded: boolean): boolean | null {
    const before = presentBefore(r.outcome);
    if (before !== false) return before;
    const run = this.run;
    if (!runEnded || run === null) return false;
    if (run === r) return provides(r.outcome);
    // Woken when another name's modprobe exited: answered if that modprobe loaded every module of this name.
    if (run.name === r.name) return provides(run.outcome);
    const loaded = new Set(run.loadedModules.map(modnameNormalize));
    const wanted = r.resolution.modules.map(modnameNormalize);
    return wanted.length > 0 && wanted.every((m) => loaded.has(m));
  }
}
