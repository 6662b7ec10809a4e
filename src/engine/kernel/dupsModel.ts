/**
 * kernel/module/dups.c as a replay model. Names compare exactly (no `-`/`_` folding); the first wait=1 request
 * anchors an entry; later requests for the name while the entry exists are duplicates that dups.c converges
 * (they wait for the anchor and share its return value); a nowait first request creates no entry; the entry is
 * deleted `windowSeconds` (60 in the kernel) after the anchor completes.
 *
 * Repeats that dups.c cannot converge are tracked too: requests for a name whose first request was nowait,
 * within the window after it. They are reported with `anchored: false`.
 */

/** What a group collects of its repeats, in the order they came: an array, or what a finding keeps of them. */
export interface Repeats<T> {
  push(item: T): unknown;
}

export interface DupsGroup<T, R extends Repeats<T> = T[]> {
  name: string;
  /** True: a wait=1 anchor that dups.c tracks. False: a nowait first request, which dups.c cannot anchor. */
  anchored: boolean;
  first: T;
  firstTime: number;
  /** When the first request completed; null while pending. */
  completedAt: number | null;
  repeats: R;
}

/**
 * One requested name's open groups. The caller keeps it with its other per-name state (one lookup per request
 * serves all of it) and passes it for every request of that exact name.
 */
export interface DupsSlot<T, R extends Repeats<T> = T[]> {
  readonly name: string;
  anchoredGroup: OpenGroup<T, R> | null;
  unanchoredGroup: OpenGroup<T, R> | null;
}

interface OpenGroup<T, R extends Repeats<T>> extends Omit<DupsGroup<T, R>, 'repeats'> {
  /** Null until the first repeat. */
  repeats: R | null;
  /** Opening order: groups close in it when the window sweeps them. */
  opened: number;
  slot: DupsSlot<T, R>;
}

type GroupWithRepeats<T, R extends Repeats<T>> = OpenGroup<T, R> & DupsGroup<T, R>;

/**
 * Reports each closed group that has repeats to `onClose`, in the order the groups were opened (the order of their
 * first requests), once no group opened before it can still gain a repeat. A group without repeats reports
 * nothing: it closes silently when its name is requested after its window.
 */
export class DupsModel<T, R extends Repeats<T> = T[]> {
  /**
   * Groups with repeats, which a sweep must close and report; a group joins at its first repeat and is dropped
   * at the first sweep after it closed. Arrays rebuilt by each sweep, not Sets: a Set that adds and deletes a
   * group per request keeps replacing its table, and the discarded tables, once old, keep young groups and their
   * records alive through every scavenge (the heap then grows with the trace).
   */
  private anchored: GroupWithRepeats<T, R>[] = [];
  private unanchored: GroupWithRepeats<T, R>[] = [];
  private openings = 0;
  /** Closed groups with repeats, waiting for their turn to be reported. */
  private closed: GroupWithRepeats<T, R>[] = [];

  /**
   * `completionSeconds` bounds how long after it was made a first request completes (the replay settles a pending
   * request then): a group's window has then ended `completionSeconds + windowSeconds` after its first request.
   * `collect` makes the collection of a group's repeats at its first repeat.
   */
  constructor(
    private readonly windowSeconds: number,
    private readonly completionSeconds: number,
    private readonly onClose: (group: DupsGroup<T, R>) => void,
    private readonly collect: (first: T) => R,
  ) {}

  /**
   * Replays one request. Returns the anchor of the dups.c entry it duplicates (the kernel would converge it), or
   * null. A wait=1 request that duplicates nothing anchors a new entry.
   */
  request(slot: DupsSlot<T, R>, wait: boolean, time: number, item: T): T | null {
    const entry = this.liveAnchored(slot, time);
    if (entry) {
      this.addRepeat(this.anchored, entry, item);
      return entry.first;
    }
    const nowaitFirst = this.liveUnanchored(slot, time);
    if (nowaitFirst) this.addRepeat(this.unanchored, nowaitFirst, item);
    if (wait) {
      slot.anchoredGroup = this.open(slot, true, item, time, null);
    } else if (!nowaitFirst) {
      // request_module_nowait() only waits for the exec: it completes as it is made.
      slot.unanchoredGroup = this.open(slot, false, item, time, time);
    }
    return null;
  }

  /**
   * The anchor of the live dups.c entry for the slot's name at `time`, which a request now would duplicate, or null
   * (an expired entry is closed).
   */
  anchorOf(slot: DupsSlot<T, R>, time: number): T | null {
    return this.liveAnchored(slot, time)?.first ?? null;
  }

  /** The request `item` completed at `time` (its provider's module_load, or the request itself). */
  complete(slot: DupsSlot<T, R>, item: T, time: number): void {
    const entry = slot.anchoredGroup;
    if (entry && entry.first === item && entry.completedAt === null) entry.completedAt = time;
  }

  /** Closes groups whose window has passed by `time`, so that memory stays bounded by the live names. */
  sweep(time: number): void {
    this.anchored = this.closeInOrder(this.anchored, (g) => this.expired(g, time));
    this.unanchored = this.closeInOrder(this.unanchored, (g) => this.expired(g, time));
    this.report(time - this.windowSeconds - this.completionSeconds);
  }

  /** End of the trace: every remaining group is closed and reported. */
  flush(): void {
    this.anchored = this.closeInOrder(this.anchored, () => true);
    this.unanchored = this.closeInOrder(this.unanchored, () => true);
    this.report(Infinity);
  }

  private open(
    slot: DupsSlot<T, R>,
    anchored: boolean,
    first: T,
    firstTime: number,
    completedAt: number | null,
  ): OpenGroup<T, R> {
    return {
      name: slot.name,
      anchored,
      first,
      firstTime,
      completedAt,
      repeats: null,
      opened: this.openings++,
      slot,
    };
  }

  /**
   * Reports, in opening order, the closed groups whose first request came before `before`: every group opened
   * before one of them has had its window end by now, so none can gain a repeat and come before it.
   */
  private report(before: number): void {
    if (this.closed.length === 0) return;
    this.closed.sort((a, b) => a.opened - b.opened);
    let n = 0;
    while (n < this.closed.length && this.closed[n].firstTime < before) n++;
    const due = this.closed.slice(0, n);
    this.closed = this.closed.slice(n);
    for (const group of due) this.onClose(group);
  }

  private addRepeat(table: GroupWithRepeats<T, R>[], group: OpenGroup<T, R>, item: T): void {
    if (group.repeats === null) {
      group.repeats = this.collect(group.first);
      table.push(group as GroupWithRepeats<T, R>);
    }
    group.repeats.push(item);
  }

  /** The slot's anchored group if it is still live at `time`; an expired one is closed. */
  private liveAnchored(slot: DupsSlot<T, R>, time: number): OpenGroup<T, R> | null {
    const group = slot.anchoredGroup;
    if (!group || !this.expired(group, time)) return group;
    this.close(group);
    return null;
  }

  private liveUnanchored(slot: DupsSlot<T, R>, time: number): OpenGroup<T, R> | null {
    const group = slot.unanchoredGroup;
    if (!group || !this.expired(group, time)) return group;
    this.close(group);
    return null;
  }

  private expired(group: OpenGroup<T, R>, time: number): boolean {
    return group.completedAt !== null && time > group.completedAt + this.windowSeconds;
  }

  /** Closes the open groups of `table` that `select` picks, in the order they were opened; returns the rest. */
  private closeInOrder(
    table: GroupWithRepeats<T, R>[],
    select: (group: OpenGroup<T, R>) => boolean,
  ): GroupWithRepeats<T, R>[] {
    const picked: GroupWithRepeats<T, R>[] = [];
    const rest: GroupWithRepeats<T, R>[] = [];
    for (const group of table) {
      if (!isOpen(group)) continue;
      if (select(group)) picked.push(group);
      else rest.push(group);
    }
    picked.sort((a, b) => a.opened - b.opened);
    for (const group of picked) this.close(group);
    return rest;
  }

  /** Takes the group out of its slot; one with repeats waits for `report` to hand it on in its turn. */
  private close(group: OpenGroup<T, R>): void {
    if (group.anchored) group.slot.anchoredGroup = null;
    else group.slot.unanchoredGroup = null;
    if (hasRepeats(group)) this.closed.push(group);
  }
}

function hasRepeats<T, R extends Repeats<T>>(group: OpenGroup<T, R>): group is GroupWithRepeats<T, R> {
  return group.repeats !== null;
}

/** A group is open while its slot still holds it. */
function isOpen<T, R extends Repeats<T>>(group: OpenGroup<T, R>): boolean {
  return (group.anchored ? group.slot.anchoredGroup : group.slot.unanchoredGroup) === group;
}
