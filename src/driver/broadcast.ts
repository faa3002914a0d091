import type { BlockRef } from '../exec/block-ref.js';
import { storeChunk } from '../exec/exchange/exchange-writer.js';
import type { BlockStore } from '../exec/worker-services.js';
import { encodeValue } from '../serde/record-codec.js';
import { ENV_SPECIAL, type EnvSpecial, type EnvSpecialSource } from '../serde/function-spec.js';
import { SluiceError } from '../util/errors.js';

/**
 * A read-only value shipped to each worker once (not with every task).
 * Pass it in a function's env and read `.value` there:
 *
 * ```ts
 * const names = s.broadcast(new Map([[1, 'one']]));
 * ds.map((id, env) => env.names.value.get(id), { names });
 * ```
 */
export class Broadcast<T> implements EnvSpecialSource {
  constructor(
    readonly id: number,
    readonly value: T,
    private readonly registry: BroadcastRegistry,
  ) {}

  /** How it travels in env: by id, out of band (see FnSpec.slots). */
  [ENV_SPECIAL](): EnvSpecial {
    if (!this.registry.has(this.id)) throw new SluiceError(`broadcast ${this.id} was destroyed and can no longer be used`);
    return { kind: 'broadcast', id: this.id };
  }

  /** Frees the stored copy; functions defined afterwards can no longer use it. */
  destroy(): void {
    this.registry.drop(this.id);
  }
}

/** Driver side: the encoded value of each live broadcast, a block of the driver's own store (owner DRIVER). */
export class BroadcastRegistry {
  private readonly blocks = new Map<number, BlockRef>();
  private nextId = 0;

  constructor(private readonly store: BlockStore) {}

  create<T>(value: T, spillDir: string): Broadcast<T> {
    const id = this.nextId++;
    this.blocks.set(id, storeChunk(this.store, spillDir, encodeValue(value)));
    return new Broadcast(id, value, this);
  }

  has(id: number): boolean {
    return this.blocks.has(id);
  }

  refs(): Record<number, BlockRef> {
    return Object.fromEntries(this.blocks);
  }

  drop(id: number): void {
    const ref = this.blocks.get(id);
    if (ref) this.store.free([ref.blockId]);
    this.blocks.delete(id);
  }

  clear(): void {
    for (const id of [...this.blocks.keys()]) this.drop(id);
  }
}
