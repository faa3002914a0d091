import type { BlockOwner, BlockRegion, LocalRegion } from '../../exec/block-ref.js';
import { FetchError, type BlockFetcher, type BlockStore } from '../../exec/worker-services.js';
import type { Address, BlockClient } from './block-client.js';

export interface NetFetcherOptions {
  /** This worker's id: its own regions are read from `store`, not fetched. */
  self: BlockOwner;
  store: BlockStore;
  /** The block server of another worker (or of the driver), or undefined when it is not known (lost). */
  addressOf: (worker: BlockOwner) => Address | undefined;
  client: BlockClient;
}

/**
 * The {@link BlockFetcher} of a worker on the network: its own regions come from its store,
 * the others are fetched by one {@link BlockClient} call (many owners at once, under its bound
 * on bytes in flight) into memory. Any region that cannot be had rejects with a FetchError.
 * (Fetching straight into a file past a memory budget is left to the caller's sink: this
 * fetcher has no owner for such files' lifetime.)
 */
export class NetFetcher implements BlockFetcher {
  constructor(private readonly opts: NetFetcherOptions) {}

  async localize(regions: readonly BlockRegion[]): Promise<LocalRegion[]> {
    const out: LocalRegion[] = new Array(regions.length);
    const remote: Array<BlockRegion & { address: Address }> = [];
    const slots: number[] = [];
    regions.forEach((r, i) => {
      if (r.worker === this.opts.self) {
        try {
          out[i] = this.opts.store.read(r.blockId, r.start, r.end);
        } catch (e) {
          throw new FetchError(r, (e as Error)?.message ?? String(e));
        }
        return;
      }
      const address = this.opts.addressOf(r.worker);
      if (!address) throw new FetchError(r, `no block server is known for ${r.worker}`);
      remote.push({ ...r, address });
      slots.push(i);
    });
    if (remote.length > 0) {
      const chunks = await this.opts.client.fetchAll(remote);
      chunks.forEach((c, k) => (out[slots[k]!] = { kind: 'bytes', chunks: c }));
    }
    return out;
  }
}
