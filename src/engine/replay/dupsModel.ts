/**
 * kernel/module/dups.c as a replay model. Names compare exactly (no `-`/`_` folding); the first wait=1 request
 * anchors an entry; later requests for the name while the entry exists are duplicates that dups.c converges
 * (they wait for the anchor and share its return value); a nowait first request creates no entry; the entry is
 * deleted `windowSeconds` (60 in the kernel) after the anchor completes.
 *
 * Repeats that dups.c cannot converge are tracked too: requests for a name whose first request was nowait,
 * within the window after it. They are reported with `anchored: false`.
 */

export interface DupsGroup<T> {
  name: string;
  /** True: a wait=1 anchor that dups.c tracks. False: a nowait first request, which dups.c cannot anchor. */
  anchored: boolean;
  first: T;
  firstTime: number;
  /** When the first request completed; null while pending. */
  completedAt: number | null;
  repeats: T[];
}

export class DupsModel<T> {
  private readonly anchored = new OpenGroups<T>();
  private readonly unanchored = new OpenGroups<T>();

  constructor(private readonly windowSeconds: number, private readonly onClose: (group: DupsGroup<T>) => void) {}

  /**
   * Replays one request. Returns the dups.c entry it duplicates (the kernel would converge it), or null.
   * A wait=1 request that duplicates nothing anchors a new entry.
   */
  request(name: string, wait: boolean, time: number, item: T): DupsGroup<T> | null {
    const entry = this.live(this.anchored, name, time);
    if (entry) {
      entry.repeats.push(item);
      return entry;
    }
    const nowaitFirst = this.live(this.unanchored, name, time);
    if (nowaitFirst) nowaitFirst.repeats.push(item);
    if (wait) {
      this.anchored.open({ name, anchored: true, first: item, firstTime: time, completedAt: null, repeats: [] });
    } else if (!nowaitFirst) {
      // request_module_nowait() only waits for the exec: it completes as it is made.
      this.unanchored.open({ name, anchored: false, first: item, firstTime: time, completedAt: time, repeats: [] });
    }
    return null;
  }

  /** The request `item` completed at `time` (its provider's module_load, or the request itself). */
  complete(name: string, item: T, time: number): void {
    const entry = this.anchored.get(name);
    if (entry && entry.first === item && entry.completedAt === null) entry.completedAt = time;
  }

  /** Closes groups whose window has passed by `time`, so that memory stays bounded by the live names. */
  sweep(time: number): void {
    for (const table of [this.anchored, this.unanchored]) {
      for (const group of table.inOrder((g) => this.expired(g, time))) this.close(table, group);
    }
  }

  /** End of the trace: every remaining group is closed. */
  flush(): void {
    for (const table of [this.anchored, this.unanchored]) for (const group of table.inOrder(() => true)) this.close(table, group);
  }

  private live(table: OpenGroups<T>, name: string, time: number): DupsGroup<T> | null {
    const group = table.get(name);
    if (!group) return null;
    if (!this.expired(group, time)) return group;
    this.close(table, group);
    return null;
  }

  private expired(group: DupsGroup<T>, time: number): boolean {
    return group.completedAt !== null && time > group.completedAt + this.windowSeconds;
  }

  private close(table: OpenGroups<T>, group: DupsGroup<T>): void {
    table.close(group.name);
    this.onClose(group);
  }
}

/**
 * The open groups by name, at most one per name. A name keeps its entry (null) when its group closes: deleting
 * and re-adding a Map entry for every group made V8 replace the Map's table again and again, and the discarded
 * tables, already in the old generation, kept young groups and their records alive through every scavenge
 * (a third of the replay's time went to garbage collection).
 */
class OpenGroups<T> {
  private readonly groups = new Map<string, DupsGroup<T> | null>();
  /** When each name's group was opened: Map order is a name's first group, not its current one. */
  private readonly opened = new Map<string, number>();
  private openings = 0;
  private openCount = 0;

  get(name: string): DupsGroup<T> | null {
    return this.groups.get(name) ?? null;
  }

  open(group: DupsGroup<T>): void {
    this.groups.set(group.name, group);
    this.opened.set(group.name, this.openings++);
    this.openCount++;
  }

  close(name: string): void {
    this.groups.set(name, null);
    this.openCount--;
  }

  /** The open groups that `select` picks, in the order they were opened. */
  inOrder(select: (group: DupsGroup<T>) => boolean): DupsGroup<T>[] {
    const picked: { opened: number; group: DupsGroup<T> }[] = [];
    // Names with no open group are dropped once they far outnumber the open ones, so that a trace of many
    // distinct names does not make every sweep walk all of them.
    const prune = this.groups.size > 2 * this.openCount + 1024;
    for (const [name, group] of this.groups) {
      if (group === null) {
        if (prune) {
          this.groups.delete(name);
          this.opened.delete(name);
        }
      } else if (select(group)) {
        picked.push({ opened: this.opened.get(name)!, group });
      }
    }
    return picked.sort((a, b) => a.opened - b.opened).map((p) => p.group);
  }
}
