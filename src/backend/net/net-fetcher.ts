import type { BlockOwner, BlockRegion, LocalRegion } from '../../exec/block-ref.js';
import { FetchError, type BlockFetcher, type BlockStore } from '../../exec/worker-services.js';
import { heldRegion } from '../../exec/exchange/fetch-failures.js';
import { RegionLanding } from '../../exec/exchange/region-landing.js';
import { regionOf } from '../../exec/local-block-store.js';
import type { Address, BlockClient } from './block-client.js';

export interface NetFetcherOptions {
  /** This worker's id: its own regions are read from `store`, not fetched. */
  self: BlockOwner;
  /** This worker's store: fetched regions land in memory under its budget, in files past it. */
  store: BlockStore;
  /** Where fetched regions that the budget refuses land as files. */
  dir: string;
  /** The block server of another worker (or of the driver), or undefined when it is not known (lost). */
  addressOf: (worker: BlockOwner) => Address | undefined;
  client: BlockClient;
}

/**
 * The {@link BlockFetcher} of one task on a worker on the network: its own regions come from
 * its store, the others are fetched by one {@link BlockClient} call (many owners at once,
 * under its bound on bytes in flight) and land as they arrive, in memory within the store's
 * budget and in files past it (RegionLanding). Any region that cannot be had rejects with a
 * FetchError. `release()` when the task is over gives the memory back and deletes the files.
 */
export class NetFetcher implements BlockFetcher {
  private readonly landing: RegionLanding;

  constructor(private readonly opts: NetFetcherOptions) {
    this.landing = new RegionLanding({ dir: opts.dir, budget: opts.store.budget });
  }

  async localize(regions: readonly BlockRegion[]): Promise<LocalRegion[]> {
    const out: LocalRegion[] = new Array(regions.length);
    const remote: Array<BlockRegion & { address: Address }> = [];
    const slots: number[] = [];
    regions.forEach((r, i) => {
      if (r.worker === this.opts.self) {
        out[i] = heldRegion(r, () => this.opts.store.read(r.blockId, r.start, r.end));
        return;
      }
      const address = this.opts.addressOf(r.worker);
      if (!address) throw new FetchError(r, `no block server is known for ${r.worker}`);
      remote.push({ ...r, address });
      slots.push(i);
    });
    const landed = await this.landing.land(remote, (rs, sink) => this.opts.client.fetch(rs, sink));
    landed.forEach((l, k) => {
      const r = remote[k]!;
      if (l.kind === 'failed') throw new FetchError(r, l.reason);
      out[slots[k]!] = regionOf(l, 0, r.end - r.start);
    });
    return out;
  }

  release(): void {
    this.landing.release();
  }
}
