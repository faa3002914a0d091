import type { BlockRegion, LocalRegion } from '../exec/block-ref.js';
import { FetchError, type BlockFetcher, type BlockStore } from '../exec/worker-services.js';
import { describeThrown } from '../util/errors.js';

/**
 * A fetcher for blocks held in this process: each region is read from its owner's store (the
 * worker's own, the driver's). A region whose owner or block is unknown is a FetchError.
 */
export class StoresFetcher implements BlockFetcher {
  constructor(private readonly storeOf: (worker: string) => BlockStore | undefined) {}

  async localize(regions: readonly BlockRegion[]): Promise<LocalRegion[]> {
    return regions.map((r) => {
      const store = this.storeOf(r.worker);
      if (!store) throw new FetchError(r, `no store of ${r.worker} is reachable here`);
      try {
        return store.read(r.blockId, r.start, r.end);
      } catch (e) {
        throw new FetchError(r, describeThrown(e).message);
      }
    });
  }
}
