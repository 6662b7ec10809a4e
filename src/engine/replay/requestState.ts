import type { RequestRecord } from '../report';
import type { DupsSlot } from './dupsModel';

/** A request being replayed: its record plus the replay's working state. */
export interface RequestState {
  record: RequestRecord;
  /** The requested name's dups.c groups. */
  info: DupsSlot<RequestState>;
  /** Normalised provider names still expected to load (empty once complete). */
  awaiting: string[];
  pending: boolean;
  /** A dups.c duplicate whose anchor's providers were freed since: the kernel would share a stale 0. */
  staleAnchor: boolean;
}
