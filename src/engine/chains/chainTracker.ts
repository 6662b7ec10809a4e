/**
 * Request chains: on whose behalf each request was made, and the chains of requests that follow from one made by
 * userspace. The replayer hands over every event, each request as it is made and each request once complete. What
 * is kept is only what can still grow a chain: per task (pid), while it keeps logging, the module whose init runs
 * in it and the request it works for; per request, whether something can still be done on its behalf (its modules
 * still loading, its task still inside it, a crypto look-up waiting for its probe thread, a task working for it).
 * A chain whose requests can all gain nothing more is complete and handed on; a chain of one request is dropped.
 *
 * Who works for a request (see README, "Request chains"):
 * - a `modprobe` task, from its first module_load of a module the request resolves to (or a dependency, or a soft
 *   dependency, of one): the kernel started it for the request; the inits of what it loads run in it;
 * - a `cryptomgr_probe` thread, for the crypto template-instance look-up (`crypto-TEMPLATE(ARG,...)`) whose
 *   template or argument it asks for first; a `cryptomgr_test` thread, for whatever the task whose init registered
 *   the algorithm it tests works for;
 * - the usermode helper exec'ing a modprobe for the latest request still waiting, when that exec asks for a binary
 *   format (`binfmt-XXXX`): the kernel cannot run the modprobe it started.
 */
import type { ModuleFreeEvent, ModuleLoadEvent, TraceEvent } from '../events';
import { modnameNormalize } from '../modules/names';
import type { Chain, RequestRecord } from '../report';
import type { Resolution } from '../resolution';
import { MAX_REQUESTS_PER_FINDING } from '../rules/findingText';
import { allVariant, cryptoAlgorithm, nameWords, templateInstance } from './cryptoNames';

/** What the modules metadata says modprobe loads along with a module. */
export interface ModuleRelations {
  dependencies(module: string): string[];
  softdeps(module: string): { pre: string[]; post: string[] } | null;
}

export interface ChainTrackerOptions {
  /** Dependencies and soft dependencies (modules.dep, modules.softdep); null without a modules directory. */
  modules: ModuleRelations | null;
  /** A task that logs nothing for this long has finished: its module's init returned, its modprobe exited. */
  quietSeconds: number;
  /** A complete chain of two requests or more, with the records of its requests. */
  onChain: (chain: Chain, records: ReadonlyMap<number, RequestRecord>) => void;
  /** A complete request made on behalf of a request for the same name, `levels` above it on its chain. */
  onLoop: (ancestor: RequestRecord, repeat: RequestRecord, levels: number) => void;
}

/**
 * How a task takes part, by its name: modprobe (the kernel's, or userspace's), tasks that load modules themselves
 * (their requests after a load come from its init; userspace asked for it), the crypto manager's threads, kernel
 * workers (a usermode helper has a worker's name until its exec succeeds).
 */
type TaskKind = 'modprobe' | 'loader' | 'probe' | 'test' | 'kworker' | 'other';

function taskKind(name: string): TaskKind {
  switch (name) {
    case 'modprobe':
      return 'modprobe';
    case 'insmod':
    case '(udev-worker)':
    case 'systemd-udevd':
      return 'loader';
    case 'cryptomgr_probe':
      return 'probe';
    case 'cryptomgr_test':
      return 'test';
    default:
      return name.startsWith('kworker/') ? 'kworker' : 'other';
  }
}

interface Task {
  readonly kind: TaskKind;
  /** Trace time of its last event. */
  last: number;
  /** The module whose init runs in it (its last module_load); for a crypto test thread, its spawner's. */
  module: string | null;
  /** The request it works for (held while it lives). */
  serves: Node | null;
  /** Its last request, while it has logged nothing since (held): it may still be inside it. */
  waiting: Node | null;
  /** Its crypto template-instance look-up, until a probe thread takes it or the task moves on (held). */
  lookup: Node | null;
  /** Whether its first request has been attributed (a crypto thread's, a usermode helper's). */
  attributed: boolean;
}

interface Node {
  readonly record: RequestRecord;
  readonly parent: Node | null;
  readonly chain: ChainState;
  readonly depth: number;
  /** Reasons it can still gain requests made on its behalf; 0 once it cannot. */
  holds: number;
  /** Not complete yet: its modules may still load, so a modprobe's load can claim it. */
  pending: boolean;
  /** Its task has logged nothing since: the modprobe the kernel started for it may still be exec'ing. */
  waiting: boolean;
  /** Its modprobe (or the helper exec'ing one) has been found. */
  claimed: boolean;
  /** The nearest request above it for the same name. */
  loopOf: Node | null;
}

/** What a request is to the tracker; the replayer keeps it with the request until it is complete. */
export type ChainNode = Node;

interface ChainState {
  root: Node;
  /** The requests after the root, in trace order (at most MAX_REQUESTS_PER_FINDING - 1 kept). */
  members: Node[] | null;
  count: number;
  /** Its requests with holds. */
  open: number;
  depth: number;
  lastLoad: number | null;
  lastRequest: number;
  modules: string[] | null;
}

const CRYPTOMGR = 'cryptomgr';
const BINFMT = 'binfmt-';

export class ChainTracker {
  private readonly tasks = new Map<number, Task>();
  /** Tasks with a crypto template-instance look-up waiting for its probe thread. */
  private readonly lookups = new Set<Task>();
  /** Requests a modprobe or a usermode helper may still turn out to work for, in trace order (compacted lazily). */
  private claimable: Node[] = [];
  private claimableKept = 0;
  /** Per resolution: the modules whose load shows a modprobe at work for it (providers, their dependencies). */
  private readonly related = new WeakMap<Resolution, ReadonlySet<string>>();
  private nextSweep = 0;
  /** Chains completed while tasks expire together, handed on in the order of their roots. */
  private batch: ChainState[] | null = null;

  constructor(private readonly opts: ChainTrackerOptions) {}

  /** Every event, in trace order, at the replay's (non-decreasing) time; requests then come through `request`. */
  event(e: TraceEvent, time: number): void {
    if (time >= this.nextSweep) this.sweep(time);
    switch (e.kind) {
      case 'module_load':
        this.load(e, time);
        break;
      case 'module_free':
        this.free(e, time);
        break;
      case 'module_get':
      case 'module_put': {
        const task = this.tasks.get(e.pid);
        if (task) this.moveOn(task, time, false);
        break;
      }
      default:
        break;
    }
  }

  /** A request was made: fills its `initOf` and `causedBy`. */
  request(record: RequestRecord, time: number): ChainNode {
    const { pid, name } = record;
    let task = pid >= 0 ? this.tasks.get(pid) : undefined;
    const fresh = task === undefined && pid >= 0;
    if (fresh) this.tasks.set(pid, (task = newTask(record.task, time)));
    let parent: Node | null = null;
    if (task) {
      const lookup = task.lookup;
      this.moveOn(task, time, lookup !== null && (name === allVariant(lookup.record.name) || name === CRYPTOMGR));
      if (!task.attributed) {
        task.attributed = true;
        this.attribute(task, name, fresh);
      }
      parent = task.serves;
      record.initOf = task.kind === 'modprobe' || task.kind === 'loader' || task.kind === 'test' ? task.module : null;
    }
    record.causedBy = parent === null ? null : parent.record.index;

    const node = this.node(record, parent);
    this.hold(node);
    if (task) {
      task.waiting = node;
      node.waiting = true;
      this.hold(node);
      const alg = cryptoAlgorithm(name);
      if (task.lookup === null && alg !== null && !name.endsWith('-all') && templateInstance(alg) !== null) {
        task.lookup = node;
        this.hold(node);
        this.lookups.add(task);
      }
    }
    this.claimable.push(node);
    if (this.claimable.length > 2 * this.claimableKept + 64) this.compactClaimable();
    return node;
  }

  /** The request is complete (its outcome known). */
  complete(node: ChainNode): void {
    node.pending = false;
    if (node.loopOf !== null) this.opts.onLoop(node.loopOf.record, node.record, node.depth - node.loopOf.depth);
    this.release(node);
  }

  /** The end of the trace: every task has finished; the chains still open are complete. */
  finish(): void {
    this.batch = [];
    for (const task of this.tasks.values()) this.expire(task);
    this.tasks.clear();
    this.claimable = [];
    this.claimableKept = 0;
    this.flushBatch();
  }

  private node(record: RequestRecord, parent: Node | null): Node {
    if (parent === null) {
      const chain = { members: null, count: 1, open: 0, depth: 0, lastLoad: null, lastRequest: record.time, modules: null } as unknown as ChainState;
      const root: Node = { record, parent, chain, depth: 0, holds: 0, pending: true, waiting: false, claimed: false, loopOf: null };
      chain.root = root;
      return root;
    }
    const chain = parent.chain;
    const node: Node = { record, parent, chain, depth: parent.depth + 1, holds: 0, pending: true, waiting: false, claimed: false, loopOf: null };
    for (let above: Node | null = parent; above !== null; above = above.parent) {
      if (above.record.name === record.name) {
        node.loopOf = above;
        break;
      }
    }
    chain.count++;
    if (chain.count <= MAX_REQUESTS_PER_FINDING) (chain.members ??= []).push(node);
    chain.depth = Math.max(chain.depth, node.depth);
    chain.lastRequest = record.time;
    return node;
  }

  /** Who the first request of a crypto thread or of a usermode helper works for. */
  private attribute(task: Task, name: string, fresh: boolean): void {
    switch (task.kind) {
      case 'probe':
        this.attributeProbe(task, name);
        break;
      case 'test':
        this.attributeTest(task, name);
        break;
      case 'modprobe':
      case 'kworker':
        // A usermode helper's first event: the exec of the modprobe it was started for needs a binary format.
        if (fresh && name.startsWith(BINFMT)) {
          const node = this.claimForExec();
          if (node !== null) this.claim(task, node);
        }
        break;
      default:
        break;
    }
  }

  /**
   * A cryptomgr_probe thread instantiates a template for a look-up whose task waits for it: the one whose template
   * or argument is the algorithm the thread asks for first, else one sharing a word with it, else the latest.
   */
  private attributeProbe(task: Task, name: string): void {
    const alg = cryptoAlgorithm(name) ?? name;
    const words = new Set(nameWords(alg));
    let best: Task | null = null;
    let bestScore = -1;
    for (const t of this.lookups) {
      const looked = t.lookup!;
      const lookedAlg = cryptoAlgorithm(looked.record.name)!;
      const instance = templateInstance(lookedAlg)!;
      const score = instance.template === alg || instance.args.includes(alg) ? 2 : nameWords(lookedAlg).some((w) => words.has(w)) ? 1 : 0;
      if (score > bestScore || (score === bestScore && looked.record.time > best!.lookup!.record.time)) {
        best = t;
        bestScore = score;
      }
    }
    if (best === null) return;
    const node = best.lookup!;
    this.serve(task, node);
    this.dropLookup(best);
  }

  /**
   * A cryptomgr_test thread tests an algorithm that a task registered and now waits for: a task in a module's init
   * (or a probe thread registering its instance) that is not itself inside a request. The one whose module shares
   * the most words with what the thread asks for, the latest to log among equals.
   */
  private attributeTest(task: Task, name: string): void {
    const words = new Set(nameWords(cryptoAlgorithm(name) ?? name));
    let best: Task | null = null;
    let bestScore = -1;
    for (const t of this.tasks.values()) {
      if (t === task || t.kind === 'test' || (t.waiting !== null && t.waiting.pending)) continue;
      const about = t.kind === 'probe' ? t.serves?.record.name : t.module;
      if (about === undefined || about === null) continue;
      let score = 0;
      for (const w of nameWords(about)) if (words.has(w)) score++;
      if (score > bestScore || (score === bestScore && t.last > best!.last)) {
        best = t;
        bestScore = score;
      }
    }
    if (best === null) return;
    task.module = best.kind === 'probe' ? null : best.module;
    if (best.serves !== null) this.serve(task, best.serves);
  }

  private load(e: ModuleLoadEvent, time: number): void {
    let task = this.tasks.get(e.pid);
    if (task === undefined) this.tasks.set(e.pid, (task = newTask(e.task, time)));
    else this.moveOn(task, time, false);
    task.module = e.name;
    if (task.kind === 'modprobe' && task.serves === null) {
      const node = this.claimForLoad(modnameNormalize(e.name));
      if (node !== null) this.claim(task, node);
    }
    const served = task.serves;
    if (served === null) return;
    const chain = served.chain;
    chain.lastLoad = time;
    if ((chain.modules ??= []).length < MAX_REQUESTS_PER_FINDING) chain.modules.push(e.name);
  }

  private free(e: ModuleFreeEvent, time: number): void {
    const task = this.tasks.get(e.pid);
    if (task === undefined) return;
    this.moveOn(task, time, false);
    // A module freed by the task that loaded it: its init failed, and is over.
    if (task.module !== null && modnameNormalize(task.module) === modnameNormalize(e.name)) task.module = null;
  }

  /** The task logged again: it is out of its last request; its look-up is over unless `keepLookup`. */
  private moveOn(task: Task, time: number, keepLookup: boolean): void {
    task.last = time;
    const waiting = task.waiting;
    if (waiting !== null) {
      task.waiting = null;
      waiting.waiting = false;
      this.release(waiting);
    }
    if (!keepLookup && task.lookup !== null) this.dropLookup(task);
  }

  private dropLookup(task: Task): void {
    const node = task.lookup!;
    task.lookup = null;
    this.lookups.delete(task);
    this.release(node);
  }

  /** The earliest pending request that loading `module` serves and that no modprobe works for yet. */
  private claimForLoad(module: string): Node | null {
    for (const node of this.claimable) {
      if (node.pending && !node.claimed && node.holds > 0 && this.modulesFor(node.record.resolution).has(module)) return node;
    }
    return null;
  }

  /** The latest request whose task still waits and that no modprobe works for yet. */
  private claimForExec(): Node | null {
    for (let i = this.claimable.length - 1; i >= 0; i--) {
      const node = this.claimable[i]!;
      if (node.waiting && !node.claimed) return node;
    }
    return null;
  }

  private compactClaimable(): void {
    this.claimable = this.claimable.filter((n) => n.holds > 0 && !n.claimed && (n.pending || n.waiting));
    this.claimableKept = this.claimable.length;
  }

  private modulesFor(resolution: Resolution): ReadonlySet<string> {
    let set = this.related.get(resolution);
    if (set === undefined) {
      const modules = this.opts.modules;
      const all = new Set<string>();
      for (const m of resolution.modules) {
        const key = modnameNormalize(m);
        all.add(key);
        if (modules === null) continue;
        for (const d of modules.dependencies(key)) all.add(d);
        const soft = modules.softdeps(key);
        if (soft !== null) for (const s of [...soft.pre, ...soft.post]) all.add(modnameNormalize(s));
      }
      this.related.set(resolution, (set = all));
    }
    return set;
  }

  /** `task` is the modprobe (or the helper exec'ing it) that the kernel started for `node`. */
  private claim(task: Task, node: Node): void {
    node.claimed = true;
    this.serve(task, node);
  }

  private serve(task: Task, node: Node): void {
    task.serves = node;
    this.hold(node);
  }

  private hold(node: Node): void {
    if (node.holds++ === 0) node.chain.open++;
  }

  private release(node: Node): void {
    if (--node.holds > 0) return;
    const chain = node.chain;
    if (--chain.open > 0) return;
    if (this.batch !== null) this.batch.push(chain);
    else this.emit(chain);
  }

  /** Once a second of trace time: tasks quiet for longer than the window have finished. */
  private sweep(time: number): void {
    this.nextSweep = time + 1;
    const quiet = this.opts.quietSeconds;
    this.batch = [];
    for (const [pid, task] of this.tasks) {
      if (task.last + quiet >= time) continue;
      this.tasks.delete(pid);
      this.expire(task);
    }
    this.flushBatch();
    this.compactClaimable();
  }

  private expire(task: Task): void {
    if (task.waiting !== null) {
      task.waiting.waiting = false;
      this.release(task.waiting);
      task.waiting = null;
    }
    if (task.lookup !== null) this.dropLookup(task);
    if (task.serves !== null) {
      this.release(task.serves);
      task.serves = null;
    }
  }

  private flushBatch(): void {
    const batch = this.batch!;
    this.batch = null;
    batch.sort((a, b) => a.root.record.index - b.root.record.index);
    for (const chain of batch) this.emit(chain);
  }

  private emit(chain: ChainState): void {
    if (chain.members === null) return;
    const nodes = [chain.root, ...chain.members];
    const root = chain.root.record;
    const records = new Map<number, RequestRecord>();
    for (const n of nodes) records.set(n.record.index, n.record);
    this.opts.onChain(
      {
        root: root.index,
        name: root.name,
        requests: nodes.map((n) => n.record.index),
        requestCount: chain.count,
        depth: chain.depth,
        // Trace times are printed to the microsecond.
        seconds: Math.round(((chain.lastLoad ?? chain.lastRequest) - root.time) * 1e6) / 1e6,
        modules: chain.modules ?? [],
      },
      records,
    );
  }
}

function newTask(name: string, time: number): Task {
  return { kind: taskKind(name), last: time, module: null, serves: null, waiting: null, lookup: null, attributed: false };
}
