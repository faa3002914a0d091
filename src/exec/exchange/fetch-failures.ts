/**
 * The one place where a region a task cannot have becomes what the task reports, whatever
 * went wrong and wherever:
 *
 * - at fetch time (a fetcher's FetchError): the owner is unknown or lost, the block is not
 *   held any more, the transport timed out or its connection died;
 * - at read time (while the pipeline reads the region): a checksum mismatch, a truncated
 *   frame, a landed or stored file gone.
 *
 * A shuffle piece becomes a {@link FetchFailedError} of its map output, so the scheduler
 * recomputes it from lineage. A cached partition that cannot be fetched is computed again
 * (the caller drops it, see localizeInputs). A broadcast or parallelize slice, which the
 * driver holds, fails the task: another attempt may succeed.
 */
import type { BlockRegion, LocalRegion } from '../block-ref.js';
import { FetchFailedError } from '../user-function-error.js';
import { FetchError, type BlockFetcher } from '../worker-services.js';
import { describeThrown, SluiceError } from '../../util/errors.js';

/** What a region a task reads is for. */
export type InputRole = { kind: 'shuffle'; shuffleId: number; map: number } | { kind: 'cached'; key: string } | { kind: 'broadcast' | 'slice' };

/** What the task throws when it cannot fetch or read a region of `role` (see the contract above). */
export function inputFailure(role: InputRole, cause: unknown): unknown {
  if (role.kind === 'shuffle') {
    if (cause instanceof FetchFailedError) return cause;
    // A fetch that stopped at one owner's block blames that owner (its other outputs are suspect, the rest untried).
    return new FetchFailedError(role.shuffleId, role.map, cause, cause instanceof FetchError ? cause.region.worker : undefined);
  }
  return cause instanceof FetchError ? new SluiceError(cause.message) : cause;
}

/** What a fetcher's lookup says of a region: its bytes here, why it cannot be had, or nothing (not held any more). */
export type Lookup = (region: BlockRegion) => LocalRegion | string | undefined;

/** A region held on this worker (or attached to the task), or the FetchError naming it. */
export function heldRegion(region: BlockRegion, lookup: Lookup): LocalRegion {
  let got: LocalRegion | string | undefined;
  try {
    got = lookup(region);
  } catch (e) {
    throw new FetchError(region, describeThrown(e).message);
  }
  if (got === undefined) throw new FetchError(region, `the block is not held by ${region.worker} any more`);
  if (typeof got === 'string') throw new FetchError(region, got);
  return got;
}

/** A fetcher of regions whose bytes are already reachable here (own store, attached or landed blocks). */
export function heldFetcher(lookup: Lookup): BlockFetcher {
  return { localize: async (regions) => regions.map((r) => heldRegion(r, lookup)) };
}
