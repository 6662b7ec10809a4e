/**
 * Where a scan's time goes, phase by phase (ScanOptions.onTimings; `npm run bench` prints it). Milliseconds of
 * wall-clock time; the phases worker threads run are summed over the threads, so on a busy machine they also count
 * the time a thread waited for a core.
 */

/** Work done on the files of one pass (summed over the threads that did it). */
export interface PhaseTimes {
  /** Opening and reading the files. */
  read: number;
  /** The first pass's index of the names each file calls and defines. */
  nameIndex: number;
  /** The substring test that selects the files to analyse. */
  prefilter: number;
  /** Analysing the selected files, parsing included. */
  analysis: number;
  /** Of `analysis`, tree-sitter's parsing. */
  parse: number;
}

export interface PassTiming {
  /** Names searched as calls, and constants searched as `#define`s. */
  names: number;
  constants: number;
  /** Files read, and files whose facts the pass took (read or replayed from the cache). */
  read: number;
  withFacts: number;
  /** From the pass's start to its last batch's end. */
  wall: number;
  work: PhaseTimes;
}

export interface ScanTimings {
  total: number;
  /** The directory walk (on the main thread, interleaved with the first pass). */
  walk: number;
  passes: PassTiming[];
  /** Working out, after each pass, what the next one looks for (macros, wrappers, constants). */
  discovery: number;
  buildIndex: number;
  /** Writing the scan cache's file (0 without a cache). */
  cacheSave: number;
}

export const noPhaseTimes = (): PhaseTimes => ({ read: 0, nameIndex: 0, prefilter: 0, analysis: 0, parse: 0 });

export function addPhaseTimes(to: PhaseTimes, add: PhaseTimes): void {
  to.read += add.read;
  to.nameIndex += add.nameIndex;
  to.prefilter += add.prefilter;
  to.analysis += add.analysis;
  to.parse += add.parse;
}
