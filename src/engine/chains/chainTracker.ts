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
import { ByPid } from '../byPid';
import { detached } from '../trace/keptStrings';
import { MAX_REQUESTS_PER_FINDING } from '../findings/findingText';
import { allVariant, cryptoAlgorithm, nameWords, templateInstance, type TemplateInstance } from './cryptoNames';

/** What the modules metadata says modprobe loads along with a module. */
export interface ModuleRelations {
  dependencies(module: string): string[];
  softdeps(module: string): { pre: string[]; post: string[] } | null;
}

export interface ChainTrackerOptions {
  /** Dependencies and soft dependencies (modules.dep, modules.softdep); null without a modules directory. */
  modules: ModuleRelations | null;
  /**
   * Tasks are looked at every quietSeconds of trace time: one that has logged nothing since the last look has finished
   * (its module's init returned, its modprobe exited).
   */
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
  readonly pid: number;
  readonly kind: TaskKind;
  /** The last period (between two turns) it logged in. */
  period: number;
  /** The module whose init runs in it (its last module_load); for a crypto test thread, its spawner's. */
  module: string | null;
  /** The words of `module` (of the look-up it works for, for a probe thread), once a test thread needed them. */
  words: number[] | null;
  /** The request it works for (held while it lives). */
  serves: ChainRequest | null;
  /** Its last request, while it has logged nothing since (held): it may still be inside it. */
  waiting: ChainRequest | null;
  /** Its crypto template-instance look-up, until a probe thread takes it or the task moves on (held). */
  lookup: ChainRequest | null;
  /** Whether its first request has been attributed (a crypto thread's, a usermode helper's). */
  attributed: boolean;
  /** False once it has finished. */
  alive: boolean;
  /** The number of the last walk of the spawners that reached it (an attribution or a compaction: each, once). */
  seen: number;
}

/**
 * A request as the tracker follows it. The replayer's own per-request object carries these fields (one object per
 * request, not two): it gives them the values of a request on no chain, and clears `pending` once it is complete.
 */
export interface ChainRequest {
  readonly record: RequestRecord;
  /** Not complete yet: its modules may still load, so a modprobe's load can claim it. */
  pending: boolean;
  /** The request it was made on behalf of, and how far below its chain's root it is. */
  parent: ChainRequest | null;
  depth: number;
  /** Its chain: a root has one only once a request was made on its behalf (most requests never need one). */
  chain: ChainState | null;
  /** Until then, the modules loaded for it and when the last one was (they become the chain's). */
  loads: string[] | null;
  lastLoad: number | null;
  /** Reasons it can still gain requests made on its behalf; 0 once it cannot. */
  holds: number;
  /** Its task has logged nothing since: the modprobe the kernel started for it may still be exec'ing. */
  taskWaiting: boolean;
  /** Its modprobe (or the helper exec'ing one) has been found. */
  claimed: boolean;
  /** The nearest request above it for the same name. */
  loopOf: ChainRequest | null;
  /** For a request a modprobe may work for: the modules whose load shows one at work for it. */
  related: ReadonlySet<string> | null;
}

/** What the tracker reads in a name (requested, or of a module), once per name. */
interface NameFacts {
  /** NAME of `crypto-NAME` and `crypto-NAME-all`, else the name itself. */
  alg: string;
  /** Its words, by number (see ChainTracker.wordNumbers). */
  words: number[];
  /** For a crypto template-instance look-up (`crypto-TEMPLATE(ARG,...)`, not its `-all` retry), its parts. */
  instance: TemplateInstance | null;
  /** The `-all` retry that follows a look-up of this name (made once, not at each request of a task with a look-up). */
  all: string;
}

/** A chain of requests while it can still grow. */
export interface ChainState {
  root: ChainRequest;
  /** The requests after the root, in trace order (at most MAX_REQUESTS_PER_FINDING - 1 kept). */
  members: ChainRequest[] | null;
  count: number;
  /** Its requests with holds. */
  open: number;
  depth: number;
  lastLoad: number | null;
  lastRequest: number;
  modules: string[] | null;
}

const CRYPTOMGR = 'cryptomgr';
/** How many of the latest possible spawners of a crypto test thread are compared before an older one is sought. */
const RECENT_SPAWNERS = 8;
const BINFMT = 'binfmt-';

export class ChainTracker {
  /** The tasks alive, by pid. */
  private readonly tasks = new ByPid<Task>();
  /**
   * The tasks that logged in the current period (since the last turn, every quietSeconds of trace time), and in the
   * period before, each in the order it first logged in it. At a turn, those of the period before that have not
   * logged since have been quiet for longer than the window: they have finished.
   */
  private current: Task[] = [];
  private previous: Task[] = [];
  private period = 0;
  private nextTurn = 0;
  /**
   * Tasks that may have started a crypto test thread: one entry each time a task loads a module or a probe thread
   * takes its look-up (a task may be there more than once), rebuilt at each turn.
   */
  private spawners: Task[] = [];
  /** The spawners' length when last rebuilt: past twice that they are compacted (see addSpawner). */
  private spawnersKept = 0;
  private walks = 0;
  /** Tasks with a crypto template-instance look-up waiting for its probe thread. */
  private readonly lookups = new Set<Task>();
  /** Requests of loadable modules a modprobe may still turn out to work for, in trace order (compacted as read). */
  private claimable: ChainRequest[] = [];
  private claimableKept = 0;
  /** Per resolution: the modules whose load shows a modprobe at work for it (providers, their dependencies). */
  private readonly related = new WeakMap<Resolution, ReadonlySet<string>>();
  /** Per name (requested, or of a module); a trace has few distinct names. */
  private readonly names = new Map<string, NameFacts>();
  /** A number for each distinct word of those names: crypto threads are attributed by comparing words, as numbers. */
  private readonly wordNumbers = new Map<string, number>();
  /** Chains completed while tasks expire together (handed on in the order of their roots), while they do. */
  private readonly batch: ChainState[] = [];
  private batching = false;

  constructor(private readonly opts: ChainTrackerOptions) {}

  /** Every event, in trace order, at the replay's non-decreasing time (requests and loads also go to their methods). */
  event(e: TraceEvent, time: number): void {
    if (time >= this.nextTurn) this.turn(time);
    switch (e.kind) {
      case 'module_free':
        this.free(e);
        break;
      case 'module_get':
      case 'module_put': {
        const task = this.task(e.pid);
        if (task) this.moveOn(task, false);
        break;
      }
      default:
        break;
    }
  }

  /** A request was made (its chain fields as on no chain): fills its record's `initOf` and `causedBy`. */
  request(node: ChainRequest): void {
    const record = node.record;
    const { pid, name } = record;
    let task = pid >= 0 ? this.task(pid) : undefined;
    const fresh = task === undefined && pid >= 0;
    if (fresh) task = this.newTask(pid, record.task);
    let parent: ChainRequest | null = null;
    if (task) {
      const lookup = task.lookup;
      this.moveOn(task, lookup !== null && (name === this.facts(lookup.record.name).all || name === CRYPTOMGR));
      if (!task.attributed) {
        task.attributed = true;
        this.attribute(task, name, fresh);
      }
      parent = task.serves;
      record.initOf = task.kind === 'modprobe' || task.kind === 'loader' || task.kind === 'test' ? task.module : null;
    }
    record.causedBy = parent === null ? null : parent.record.index;

    if (parent !== null) this.link(node, parent);
    this.hold(node);
    if (task) {
      task.waiting = node;
      node.taskWaiting = true;
      this.hold(node);
      if (task.lookup === null && name.indexOf('(') >= 0 && this.facts(name).instance !== null) {
        task.lookup = node;
        this.hold(node);
        this.lookups.add(task);
      }
    }
    if (record.resolution.modules.length > 0) {
      node.related = this.modulesFor(record.resolution);
      this.claimable.push(node);
      if (this.claimable.length > 2 * this.claimableKept + 64) this.compactClaimable();
    }
  }

  /** The request is complete (its outcome known, `pending` cleared). */
  complete(node: ChainRequest): void {
    if (node.loopOf !== null) this.opts.onLoop(node.loopOf.record, node.record, node.depth - node.loopOf.depth);
    this.release(node);
  }

  /** The end of the trace: every task has finished; the chains still open are complete. */
  finish(): void {
    this.batching = true;
    for (const task of this.previous) if (task.period !== this.period) this.expire(task);
    for (const task of this.current) this.expire(task);
    this.current = [];
    this.previous = [];
    this.spawners = [];
    this.claimable = [];
    this.claimableKept = 0;
    this.flushBatch();
  }

  /** `node` was made on behalf of `parent`: it joins its chain. */
  private link(node: ChainRequest, parent: ChainRequest): void {
    const record = node.record;
    node.parent = parent;
    node.depth = parent.depth + 1;
    for (let above: ChainRequest | null = parent; above !== null; above = above.parent) {
      if (above.record.name === record.name) {
        node.loopOf = above;
        break;
      }
    }
    const chain = this.chainOf(parent);
    node.chain = chain;
    chain.count++;
    if (chain.count <= MAX_REQUESTS_PER_FINDING) (chain.members ??= []).push(node);
    chain.depth = Math.max(chain.depth, node.depth);
    chain.lastRequest = record.time;
  }

  /** The chain of a node that is held (so its chain, if any, is open); a root gets its chain now if it had none. */
  private chainOf(node: ChainRequest): ChainState {
    if (node.chain === null) {
      node.chain = {
        root: node,
        members: null,
        count: 1,
        open: 1,
        depth: 0,
        lastLoad: node.lastLoad,
        lastRequest: node.record.time,
        modules: node.loads,
      };
      node.loads = null;
    }
    return node.chain;
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
    const { alg, words } = this.facts(name);
    let best: Task | null = null;
    let bestScore = -1;
    for (const t of this.lookups) {
      const looked = t.lookup!;
      const facts = this.facts(looked.record.name);
      const instance = facts.instance!;
      const named = instance.template === alg || instance.args.includes(alg);
      const score = named ? 2 : facts.words.some((w) => words.includes(w)) ? 1 : 0;
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
   * the most words with what the thread asks for; among equals, the latest to load (or to be attributed a test).
   */
  private attributeTest(task: Task, name: string): void {
    const words = this.facts(name).words;
    const look = ++this.walks;
    let best: Task | null = null;
    let bestScore = -1;
    let looked = 0;
    const spawners = this.spawners;
    // The latest first; once a few share a word with the name, an older one is not sought.
    for (let k = spawners.length - 1; k >= 0 && !(bestScore > 0 && looked >= RECENT_SPAWNERS); k--) {
      const t = spawners[k];
      if (t.seen === look || !t.alive || (t.waiting !== null && t.waiting.pending)) continue;
      t.seen = look;
      if (t.words === null) {
        const about = t.kind === 'probe' ? t.serves?.record.name : t.module;
        if (about === undefined || about === null) continue;
        t.words = this.facts(about).words;
      }
      looked++;
      let score = 0;
      for (const w of t.words) if (words.includes(w)) score++;
      if (score > bestScore) {
        best = t;
        bestScore = score;
      }
    }
    if (best === null) return;
    task.module = best.kind === 'probe' ? null : best.module;
    if (best.serves !== null) this.serve(task, best.serves);
    // Its init (or its instance's registration) waits for this thread: it stays among the latest.
    this.addSpawner(best);
  }

  /**
   * Where trace time stands still, no turn rebuilds the spawners: past twice their last size they keep only each
   * live task's latest entry, in order. attributeTest visits tasks at their latest entry and skips the dead, so it
   * reads the same tasks in the same order.
   */
  private addSpawner(task: Task): void {
    const spawners = this.spawners;
    spawners.push(task);
    if (spawners.length <= 2 * this.spawnersKept + 64) return;
    const mark = ++this.walks;
    let kept = spawners.length;
    for (let k = spawners.length - 1; k >= 0; k--) {
      const t = spawners[k];
      if (!t.alive || t.seen === mark) continue;
      t.seen = mark;
      spawners[--kept] = t;
    }
    this.spawners = spawners.slice(kept);
    this.spawnersKept = this.spawners.length;
  }

  /** A module_load, with the module's normalised name, before the requests it completes are complete. */
  load(e: ModuleLoadEvent, module: string, time: number): void {
    let task = this.task(e.pid);
    if (task === undefined) task = this.newTask(e.pid, e.task);
    else this.moveOn(task, false);
    task.module = module;
    task.words = null;
    this.addSpawner(task);
    if (task.kind === 'modprobe' && task.serves === null) {
      const node = this.claimForLoad(module);
      if (node !== null) this.claim(task, node);
    }
    const served = task.serves;
    if (served === null) return;
    const chain = served.chain;
    if (chain === null) {
      served.lastLoad = time;
      (served.loads ??= []).push(module);
    } else {
      chain.lastLoad = time;
      if ((chain.modules ??= []).length < MAX_REQUESTS_PER_FINDING) chain.modules.push(module);
    }
  }

  private free(e: ModuleFreeEvent): void {
    const task = this.task(e.pid);
    if (task === undefined) return;
    this.moveOn(task, false);
    // A module freed by the task that loaded it: its init failed, and is over.
    if (task.module !== null && modnameNormalize(task.module) === modnameNormalize(e.name)) {
      task.module = null;
      task.words = null;
    }
  }

  /** The task logged again: it is out of its last request; its look-up is over unless `keepLookup`. */
  private moveOn(task: Task, keepLookup: boolean): void {
    const waiting = task.waiting;
    if (waiting !== null) {
      task.waiting = null;
      waiting.taskWaiting = false;
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

  private facts(name: string): NameFacts {
    let facts = this.names.get(name);
    if (facts === undefined) {
      const crypto = cryptoAlgorithm(name);
      const alg = crypto ?? name;
      const instance = crypto !== null && !name.endsWith('-all') ? templateInstance(alg) : null;
      const words = nameWords(alg).map((w) => {
        let n = this.wordNumbers.get(w);
        if (n === undefined) this.wordNumbers.set(w, (n = this.wordNumbers.size));
        return n;
      });
      this.names.set(name, (facts = { alg, words, instance, all: detached(allVariant(name)) }));
    }
    return facts;
  }

  /**
   * The earliest request that loading `module` serves and that no modprobe works for yet: among those still pending,
   * else among those whose task still waits (the replay may have taken the module for loaded: a load proves not).
   * The list is compacted on the way: what no modprobe can claim any more leaves it.
   */
  private claimForLoad(module: string): ChainRequest | null {
    const list = this.claimable;
    let pending: ChainRequest | null = null;
    let waiting: ChainRequest | null = null;
    let kept = 0;
    for (const node of list) {
      if (node.claimed || node.holds === 0 || !(node.pending || node.taskWaiting)) continue;
      list[kept++] = node;
      if (pending !== null || !node.related!.has(module)) continue;
      if (node.pending) pending = node;
      else waiting ??= node;
    }
    list.length = kept;
    this.claimableKept = kept;
    return pending ?? waiting;
  }

  /** The latest request whose task still waits and that no modprobe works for yet (rare: a fresh helper's binfmt). */
  private claimForExec(): ChainRequest | null {
    let latest: ChainRequest | null = null;
    // Every task alive logged in the current period or the one before (some in both).
    for (const t of [...this.previous, ...this.current]) {
      const node = t.waiting;
      if (node === null || node.claimed) continue;
      if (latest === null || node.record.index > latest.record.index) latest = node;
    }
    return latest;
  }

  private compactClaimable(): void {
    const list = this.claimable;
    let kept = 0;
    for (const n of list) if (n.holds > 0 && !n.claimed && (n.pending || n.taskWaiting)) list[kept++] = n;
    list.length = kept;
    this.claimableKept = kept;
  }

  private modulesFor(resolution: Resolution): ReadonlySet<string> {
    let set = this.related.get(resolution);
    if (set === undefined) {
      const modules = this.opts.modules;
      const all = new Set<string>();
      // Copies: the modules files' names are slices of their text, which a lookup compares on V8's slow path.
      const add = (name: string): void => void all.add(detached(name));
      for (const m of resolution.modules) {
        const key = modnameNormalize(m);
        add(key);
        if (modules === null) continue;
        for (const d of modules.dependencies(key)) add(d);
        const soft = modules.softdeps(key);
        if (soft !== null) for (const s of [...soft.pre, ...soft.post]) add(modnameNormalize(s));
      }
      this.related.set(resolution, (set = all));
    }
    return set;
  }

  /** `task` is the modprobe (or the helper exec'ing it) that the kernel started for `node`. */
  private claim(task: Task, node: ChainRequest): void {
    node.claimed = true;
    this.serve(task, node);
  }

  private serve(task: Task, node: ChainRequest): void {
    task.serves = node;
    task.words = null;
    if (task.kind === 'probe') this.addSpawner(task);
    this.hold(node);
  }

  private hold(node: ChainRequest): void {
    if (node.holds++ === 0 && node.chain !== null) node.chain.open++;
  }

  private release(node: ChainRequest): void {
    if (--node.holds > 0) return;
    const chain = node.chain;
    // A chain of one request is not one: it goes without a word.
    if (chain === null || --chain.open > 0 || chain.members === null) return;
    if (this.batching) this.batch.push(chain);
    else this.emit(chain);
  }

  /** The task of a pid, if it is alive; it has logged in the current period. */
  private task(pid: number): Task | undefined {
    const task = this.tasks.get(pid);
    if (task !== undefined && task.period !== this.period) {
      task.period = this.period;
      this.current.push(task);
    }
    return task;
  }

  private newTask(pid: number, name: string): Task {
    const task: Task = {
      pid,
      kind: taskKind(name),
      period: this.period,
      module: null,
      words: null,
      serves: null,
      waiting: null,
      lookup: null,
      attributed: false,
      alive: true,
      seen: 0,
    };
    this.tasks.set(pid, task);
    this.current.push(task);
    return task;
  }

  /** A turn (every quietSeconds of trace time): the tasks quiet since the last turn have finished. */
  private turn(time: number): void {
    this.nextTurn = time + this.opts.quietSeconds;
    this.batching = true;
    for (const task of this.previous) if (task.period !== this.period) this.expire(task);
    this.previous = this.current;
    this.current = [];
    this.period++;
    this.spawners = [];
    for (const task of this.previous) {
      if (task.module !== null || (task.kind === 'probe' && task.serves !== null)) this.spawners.push(task);
    }
    this.spawnersKept = this.spawners.length;
    this.flushBatch();
  }

  private expire(task: Task): void {
    task.alive = false;
    this.tasks.delete(task.pid);
    if (task.waiting !== null) {
      task.waiting.taskWaiting = false;
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
    this.batching = false;
    const batch = this.batch;
    if (batch.length === 0) return;
    if (batch.length > 1) batch.sort((a, b) => a.root.record.index - b.root.record.index);
    for (const chain of batch) this.emit(chain);
    batch.length = 0;
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
