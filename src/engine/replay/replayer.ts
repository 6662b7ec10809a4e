/**
 * Replays trace events, in order, through the model of __request_module: resolution, completion by the
 * provider's module_load, the dups.c tracker and the kmod slots. Finalised requests are handed to `onRecord`
 * as soon as they are known, so memory is bounded by what is in flight, not by the trace's length.
 */
import type { KernelLogEvent, ModuleLoadEvent, ModuleRequestEvent, TraceEvent } from '../events';
import type { Outcome, RequestRecord } from '../report';
import { modnameNormalize } from '../modules/names';
import type { ModuleResolver, Resolution } from '../resolution';
import type { CallSiteLinker } from '../callSiteLinker';
import type { ChainTracker } from '../chains/chainTracker';
import { ByPid } from '../byPid';
import { DupsModel, type DupsSlot } from '../kernel/dupsModel';
import { GroupRepeats, type DuplicateGroup } from '../rules/duplicateRequest';
import { detached } from '../trace/keptStrings';
import type { ModuleState, RequestState } from './requestState';

export interface ReplayerOptions {
  resolver: ModuleResolver | null;
  /** Links each request to the source lines that can have made its name, when sources were scanned. */
  linker: CallSiteLinker | null;
  dupsWindowSeconds: number;
  /** A request whose provider has not loaded this long after it loaded nothing. */
  settleSeconds: number;
  /** A request is complete; `anchor` is the dups.c anchor it duplicates, if any. */
  onRecord: (record: RequestRecord, anchor: RequestRecord | null) => void;
  /** Called when a dups group that has repeats closes. */
  onDupsGroup: (group: DuplicateGroup) => void;
  onLogEvent: (event: KernelLogEvent) => void;
  /** Follows on whose behalf each request was made (fills `initOf` and `causedBy`). */
  chains?: ChainTracker;
}

const UNKNOWN: Resolution = { kind: 'unknown', modules: [], patterns: [] };
/** Shared by every record that loaded nothing; replaced, never mutated, when a provider loads. */
const NOTHING_LOADED: string[] = [];

/**
 * A requested name: one copy of it for the records, its resolution, its providers' normalised names, and its
 * dups.c groups, all found with one lookup.
 */
interface NameInfo extends DupsSlot<RequestState, GroupRepeats> {
  resolution: Resolution;
  providers: ModuleState[];
}

type CallSite = NonNullable<RequestRecord['callSite']>;

interface CallSitesOfSymbol {
  plain: CallSite | null;
  byModule: Map<string, CallSite> | null;
  /** With sources, a call site's links depend on the name too: by module and name. */
  linked: Map<string, CallSite> | null;
}

/** The `awaiting` of a request that awaits nothing; replaced, never mutated. */
const AWAITING_NOTHING: ModuleState[] = [];

export class Replayer {
  requests = 0;
  loads = 0;
  frees = 0;

  /**
   * Per normalised module name (the key module_load events use): whether it is loaded, and the requests awaiting
   * it. Names keep the states of their providers, so a request reads them without a lookup.
   */
  private readonly modules = new Map<string, ModuleState>();
  /**
   * The same states by the name module_load events print (one string per name, see NameTable): a load finds its
   * module with one look-up of the very string it carries, without normalising it again.
   */
  private readonly loadNames = new Map<string, ModuleState>();
  /** wait=1 requests block their task: the task's next event means the request has returned. */
  private readonly pendingByPid = new ByPid<RequestState>();
  private readonly pendingInOrder: RequestState[] = [];
  private pendingHead = 0;
  /** The queue's length after its last compaction: past twice that, the requests already complete leave it. */
  private pendingKept = 0;
  /** Names requested so far (each has its resolution). */
  get distinctNames(): number {
    return this.resolutions.size;
  }

  /** Per requested name: its resolution and its providers' normalised names (the keys module_load events use). */
  private readonly resolutions = new Map<string, NameInfo>();
  /** symbol → its shared call-site objects: the one without a module (one lookup for most), and the others by module. */
  private readonly callSites = new Map<string, CallSitesOfSymbol>();
  private readonly dups: DupsModel<RequestState, GroupRepeats>;
  private lastTime = 0;
  /** Pending requests are settled, and expired dups groups closed, at most once per second of trace time. */
  private nextSettle = 0;
  private nextSweep = 0;

  constructor(private readonly opts: ReplayerOptions) {
    // A pending request is settled at the first advance (once per second) past its settle window.
    this.dups = new DupsModel<RequestState, GroupRepeats>(
      opts.dupsWindowSeconds,
      opts.settleSeconds + 1,
      opts.onDupsGroup,
      (first) => new GroupRepeats(first),
    );
  }

  push(event: TraceEvent): void {
    const time = Math.max(this.lastTime, event.time);
    if (time >= this.nextSettle) this.advance(time);
    this.lastTime = time;
    this.opts.chains?.event(event, time);
    if (event.pid >= 0) {
      const blocked = this.pendingByPid.get(event.pid);
      if (blocked !== undefined) this.finalize(blocked, time, null);
    }
    switch (event.kind) {
      case 'module_request':
        this.request(event, time);
        break;
      case 'module_load':
        this.load(event, time);
        break;
      case 'module_free': {
        this.frees++;
        const module = this.modules.get(modnameNormalize(event.name));
        if (module) module.loaded = false;
        break;
      }
      case 'module_get':
      case 'module_put':
        break;
      default:
        this.opts.onLogEvent(event);
    }
  }

  /** End of the trace: pending requests loaded nothing; every dups group closes. */
  finish(): void {
    for (let i = this.pendingHead; i < this.pendingInOrder.length; i++) {
      const s = this.pendingInOrder[i];
      if (s.pending) this.finalize(s, s.record.time, null);
    }
    this.pendingInOrder.length = 0;
    this.pendingHead = 0;
    this.opts.chains?.finish();
    this.dups.flush();
  }

  private request(event: ModuleRequestEvent, time: number): void {
    const index = this.requests++;
    const info = this.resolve(event.name);
    const { name, resolution, providers } = info;
    const record: RequestRecord = {
      index,
      line: event.line,
      time: event.time,
      task: event.task,
      pid: event.pid,
      cpu: event.cpu,
      name,
      wait: event.wait,
      callSite: event.callSite ? this.callSite(event.callSite.symbol, event.callSite.module, name) : null,
      resolution,
      outcome: 'unknown',
      duplicateOf: null,
      initOf: null,
      causedBy: null,
      loadedModules: NOTHING_LOADED,
      completedAt: event.time,
      returnValue: null,
      returnBasis: null,
      modprobeRan: false,
    };
    const state: RequestState = {
      record,
      info,
      awaiting: AWAITING_NOTHING,
      pending: true,
      anchor: null,
      staleAnchor: false,
      parent: null,
      depth: 0,
      chain: null,
      loads: null,
      lastLoad: null,
      holds: 0,
      taskWaiting: false,
      claimed: false,
      loopOf: null,
      related: null,
    };
    this.opts.chains?.request(state);

    // The request is what it duplicates before it joins the anchor's group.
    const anchor = this.dups.anchorOf(info, time);
    if (anchor) {
      const first = anchor.record;
      record.duplicateOf = first.index;
      state.anchor = first;
      state.staleAnchor =
        !anchor.pending &&
        (first.outcome === 'loaded' || first.outcome === 'already-loaded') &&
        !this.allLoaded(providers);
    }
    this.dups.request(info, event.wait, time, state);

    const immediate = this.immediateOutcome(resolution.kind, providers);
    if (immediate) {
      this.finalize(state, time, immediate);
      return;
    }
    state.awaiting = [];
    for (const module of providers) {
      if (module.loaded) continue;
      state.awaiting.push(module);
      (module.waiting ??= new Set()).add(state);
    }
    if (event.wait && event.pid >= 0) this.pendingByPid.set(event.pid, state);
    this.pendingInOrder.push(state);
    // Where trace time stands still, no advance takes complete requests off the head.
    if (this.pendingInOrder.length - this.pendingHead > 2 * this.pendingKept + 1024) this.compactPending();
  }

  /** Drops the requests taken off the head and those complete since, keeping the order of the rest. */
  private compactPending(): void {
    const q = this.pendingInOrder;
    let kept = 0;
    for (let i = this.pendingHead; i < q.length; i++) if (q[i].pending) q[kept++] = q[i];
    q.length = kept;
    this.pendingHead = 0;
    this.pendingKept = kept;
  }

  private immediateOutcome(kind: Resolution['kind'], providers: ModuleState[]): Outcome | null {
    switch (kind) {
      case 'unknown':
        return 'unknown';
      case 'none':
        return 'nothing-loaded';
      case 'builtin':
        return 'builtin';
      default:
        if (providers.length === 0) return 'nothing-loaded';
        return this.allLoaded(providers) ? 'already-loaded' : null;
    }
  }

  private allLoaded(modules: ModuleState[]): boolean {
    for (const m of modules) if (!m.loaded) return false;
    return true;
  }

  private load(event: ModuleLoadEvent, time: number): void {
    this.loads++;
    let module = this.loadNames.get(event.name);
    if (module === undefined) this.loadNames.set(event.name, (module = this.module(modnameNormalize(event.name))));
    // Before the requests it completes are: a modprobe's load is matched to a request while that is pending.
    this.opts.chains?.load(event, module.name, time);
    module.loaded = true;
    const waiting = module.waiting;
    if (!waiting) return;
    module.waiting = null;
    for (const state of waiting) {
      state.awaiting.splice(state.awaiting.indexOf(module), 1);
      const record = state.record;
      const name = event.name;
      record.loadedModules = record.loadedModules === NOTHING_LOADED ? [name] : [...record.loadedModules, name];
      // modprobe loads every provider it lists; the request returns once the last one is in.
      if (state.awaiting.length === 0) this.finalize(state, time, 'loaded');
    }
  }

  /** Completes a request at `time`; a null outcome means it ended without (all of) its providers loading. */
  private finalize(state: RequestState, time: number, outcome: Outcome | null): void {
    if (!state.pending) return;
    state.pending = false;
    const record = state.record;
    if (state.awaiting.length > 0) {
      for (const module of state.awaiting) {
        const set = module.waiting;
        if (set) {
          set.delete(state);
          if (set.size === 0) module.waiting = null;
        }
      }
      state.awaiting = AWAITING_NOTHING;
    }
    if (this.pendingByPid.get(record.pid) === state) this.pendingByPid.delete(record.pid);
    record.outcome = outcome ?? (record.loadedModules.length > 0 ? 'loaded' : 'nothing-loaded');
    const completedAt = record.outcome === 'loaded' ? time : record.time;
    record.completedAt = completedAt;
    this.dups.complete(state.info, state, completedAt);
    this.opts.chains?.complete(state);
    this.opts.onRecord(record, state.anchor);
  }

  /** Time moved on: requests past the settle window loaded nothing; expired dups entries close. */
  private advance(time: number): void {
    this.nextSettle = time + 1;
    const q = this.pendingInOrder;
    while (this.pendingHead < q.length && q[this.pendingHead].record.time + this.opts.settleSeconds < time) {
      const s = q[this.pendingHead++];
      if (s.pending) this.finalize(s, s.record.time, null);
    }
    if (this.pendingHead > 1024 && this.pendingHead * 2 > q.length) this.compactPending();
    // Expiry is checked exactly on each request; sweeping only frees memory, so once per window is enough.
    if (time >= this.nextSweep) {
      this.nextSweep = time + this.opts.dupsWindowSeconds;
      this.dups.sweep(time);
    }
  }

  private resolve(name: string): NameInfo {
    let r = this.resolutions.get(name);
    if (!r) {
      const resolution = this.opts.resolver ? this.opts.resolver.resolve(name) : UNKNOWN;
      r = {
        name,
        resolution,
        providers: [...new Set(resolution.modules.map(modnameNormalize))].map((key) => this.module(key)),
        anchoredGroup: null,
        unanchoredGroup: null,
      };
      this.resolutions.set(r.name, r);
    }
    return r;
  }

  private module(key: string): ModuleState {
    let module = this.modules.get(key);
    if (!module) {
      const name = detached(key);
      this.modules.set(name, (module = { name, loaded: false, waiting: null }));
    }
    return module;
  }

  /** Call sites are shared between the records that name them (and linked to source once per name). */
  private callSite(symbol: string, module: string | null, name: string): RequestRecord['callSite'] {
    let sites = this.callSites.get(symbol);
    if (!sites) this.callSites.set(symbol, (sites = { plain: null, byModule: null, linked: null }));
    if (this.opts.linker) {
      sites.linked ??= new Map();
      const key = `${module ?? ''}\0${name}`;
      let site = sites.linked.get(key);
      if (!site) sites.linked.set(key, (site = this.linkedCallSite(this.opts.linker, symbol, module, name)));
      return site;
    }
    // No module and an empty one are one key, as they always were.
    if (module === null || module === '') return (sites.plain ??= { symbol, module });
    sites.byModule ??= new Map();
    let site = sites.byModule.get(module);
    if (!site) sites.byModule.set(module, (site = { symbol, module }));
    return site;
  }

  private linkedCallSite(linker: CallSiteLinker, symbol: string, module: string | null, name: string): CallSite {
    const { link, locations, origins, fits } = linker.link(symbol, module, name);
    return { symbol, module, link, locations, ...(origins && { origins }), ...(fits && { fits }) };
  }
}
