import { ENV_SPECIAL, type EnvSpecial, type EnvSpecialSource } from '../serde/function-spec.js';

/**
 * A value that tasks add to and only the driver reads. Each successful task's
 * additions count once, even when tasks are retried or re-run.
 *
 * ```ts
 * const bad = s.accumulator(0);
 * await lines.filter((l, env) => { if (!l) env.bad.add(1); return !!l; }, { bad }).count();
 * console.log(bad.value);
 * ```
 */
export class Accumulator<T> implements EnvSpecialSource {
  constructor(
    readonly id: number,
    public value: T,
    readonly kind: 'sum' | 'collection',
  ) {}

  /** Adds on the driver (on workers, `env.acc.add(v)` adds to the task's local copy). */
  add(v: T extends unknown[] ? T[number] : T): void {
    if (this.kind === 'sum') (this as Accumulator<number>).value += v as number;
    else (this.value as unknown[]).push(v);
  }

  /** How it travels in env: by id, out of band (see FnSpec.slots). */
  [ENV_SPECIAL](): EnvSpecial {
    return { kind: 'accumulator', id: this.id, accumulator: this.kind };
  }
}

/** Driver side: merges the updates of accepted task attempts. */
export class AccumulatorRegistry {
  private readonly accs = new Map<number, Accumulator<unknown>>();
  private nextId = 0;

  create<T>(initial: T, kind: 'sum' | 'collection'): Accumulator<T> {
    const a = new Accumulator<T>(this.nextId++, initial, kind);
    this.accs.set(a.id, a as Accumulator<unknown>);
    return a;
  }

  apply(updates: Array<[number, number | unknown[]]>): void {
    for (const [id, u] of updates) {
      const a = this.accs.get(id);
      if (!a) continue;
      if (a.kind === 'sum') a.value = (a.value as number) + (u as number);
      else for (const x of u as unknown[]) (a.value as unknown[]).push(x);
    }
  }
}
