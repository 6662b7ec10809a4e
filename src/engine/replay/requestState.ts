import type { ChainRequest } from '../chains/chainTracker';
import type { RequestRecord } from '../report';
import type { DupsSlot } from '../kernel/dupsModel';
import type { GroupRepeats } from '../rules/duplicateRequest';

/** A request being replayed: its record plus the replay's working state, its chain's included. */
export interface RequestState extends ChainRequest {
  /** The requested name's dups.c groups. */
  info: DupsSlot<RequestState, GroupRepeats>;
  /** Providers still expected to load (empty once complete). */
  awaiting: ModuleState[];
  /** The record of the dups.c anchor this request duplicates (the reports show its trace line), or null. */
  anchor: RequestRecord | null;
  /** A dups.c duplicate whose anchor's providers were freed since: the kernel would share a stale 0. */
  staleAnchor: boolean;
}

/** A module, by its normalised name: whether it is loaded, and the requests awaiting its module_load. */
export interface ModuleState {
  /** The normalised name, kept apart from the trace's text. */
  name: string;
  loaded: boolean;
  waiting: Set<RequestState> | null;
}
