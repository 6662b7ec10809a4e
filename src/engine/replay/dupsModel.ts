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
  private readonly anchored = new Map<string, DupsGroup<T>>();
  private readonly unanchored = new Map<string, DupsGroup<T>>();

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
      this.anchored.set(name, { name, anchored: true, first: item, firstTime: time, completedAt: null, repeats: [] });
    } else if (!nowaitFirst) {
      // request_module_nowait() only waits for the exec: it completes as it is made.
      this.unanchored.set(name, { name, anchored: false, first: item, firstTime: time, completedAt: time, repeats: [] });
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
    for (const map of [this.anchored, this.unanchored]) {
      for (const group of map.values()) if (this.expired(group, time)) this.close(map, group);
    }
  }

  /** End of the trace: every remaining group is closed. */
  flush(): void {
    for (const map of [this.anchored, this.unanchored]) for (const group of [...map.values()]) this.close(map, group);
  }

  private live(map: Map<string, DupsGroup<T>>, name: string, time: number): DupsGroup<T> | null {
    const group = map.get(name);
    if (!group) return null;
    if (!this.expired(group, time)) return group;
    this.close(map, group);
    return null;
  }

  private expired(group: DupsGroup<T>, time: number): boolean {
    return group.completedAt !== null && time > group.completedAt + this.windowSeconds;
  }

  private close(map: Map<string, DupsGroup<T>>, group: DupsGroup<T>): void {
    map.delete(group.name);
    this.onClose(group);
  }
}
