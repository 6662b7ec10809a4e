/**
 * Values by pid, looked up on every event of a trace: in pages of slots indexed by the pid itself, made as pids reach
 * them and dropped once empty (memory follows the pids alive, not all those a long trace went through), so a look-up
 * is two array reads instead of a hash table's. Kernel pids stay below 2^22 (PID_MAX_LIMIT): all of them fit 4096
 * pages; any other number (a trace can print anything) goes to a Map.
 */
const PAGE_BITS = 10;
const PAGE_SIZE = 1 << PAGE_BITS;
const MAX_SPARE_PAGES = 8;
/** A pid that this leaves unchanged is paged: an integer from 0 to 2^22 - 1. */
const PAGED_MASK = (1 << 22) - 1;

export class ByPid<T> {
  private readonly pages: Array<Array<T | undefined> | undefined> = [];
  /** How many slots of each page hold a value. */
  private readonly used: number[] = [];
  /** Pages dropped empty, for the next pages made: pids come and go in the same few pages. */
  private readonly spare: Array<Array<T | undefined>> = [];
  private readonly others = new Map<number, T>();

  get(pid: number): T | undefined {
    if ((pid & PAGED_MASK) !== pid) return this.others.get(pid);
    const page = this.pages[pid >> PAGE_BITS];
    return page === undefined ? undefined : page[pid & (PAGE_SIZE - 1)];
  }

  set(pid: number, value: T): void {
    if ((pid & PAGED_MASK) !== pid) {
      this.others.set(pid, value);
      return;
    }
    const p = pid >> PAGE_BITS;
    let page = this.pages[p];
    if (page === undefined) {
      this.pages[p] = page = this.spare.pop() ?? new Array<T | undefined>(PAGE_SIZE).fill(undefined);
      this.used[p] = 0;
    }
    const slot = pid & (PAGE_SIZE - 1);
    if (page[slot] === undefined) this.used[p]++;
    page[slot] = value;
  }

  delete(pid: number): void {
    if ((pid & PAGED_MASK) !== pid) {
      this.others.delete(pid);
      return;
    }
    const p = pid >> PAGE_BITS;
    const page = this.pages[p];
    const slot = pid & (PAGE_SIZE - 1);
    if (page === undefined || page[slot] === undefined) return;
    page[slot] = undefined;
    if (--this.used[p] === 0) {
      this.pages[p] = undefined;
      if (this.spare.length < MAX_SPARE_PAGES) this.spare.push(page);
    }
  }
}
