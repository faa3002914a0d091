import type { BlockFetcher, BlockStore } from '../exec/worker-services.js';
import { heldFetcher } from '../exec/exchange/fetch-failures.js';

/**
 * A fetcher for blocks held in this process: each region is read from its owner's store (the
 * worker's own, the driver's). A region whose owner or block is unknown is a FetchError.
 */
export function storesFetcher(storeOf: (worker: string) => BlockStore | undefined): BlockFetcher {
  return heldFetcher((r) => storeOf(r.worker)?.read(r.blockId, r.start, r.end) ?? `no store of ${r.worker} is reachable here`);
}
