import type { ChainNode } from '../chains/chainTracker';
import type { RequestRecord } from '../report';
import type { DupsSlot } from '../kernel/dupsModel';

/** A request being replayed: its record plus the replay's working state. */
export interface RequestState {
  record: RequestRecord;
  /** The requested name's dups.c groups. */
  info: DupsSlot<RequestState>;
  /** Providers still expected to load (empty once complete). */
  awaiting: ModuleState[];
  pending: boolean;
  /** The record of the dups.c anchor this request duplicates (the reports show its trace line), or null. */
  anchor: RequestRecord | null;
  /** A dups.c duplicate whose anchor's providers were freed since: the kernel would share a stale 0. */
  staleAnchor: boolean;
  /** The request on its chain, when chains are followed. */
  chainNode: ChainNode | null;
}

/** A module, by its normalised name: whether it is loaded, and the requests awaiting its module_load. */
export interface ModuleState {
  /** The normalised name, kept apart from the trace's text. */
  name: string;
  loaded: boolean;
  waiting: Set<RequestState> | null;
}
