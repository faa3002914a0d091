/** What a task measures about itself; summed per stage and job. */
export interface Metrics {
  /** Records produced by the task's pipeline (fed to its shuffle write or action). */
  recordsRead: number;
  /** Records written to the shuffle. */
  recordsWritten: number;
  shuffleReadBytes: number;
  shuffleWriteBytes: number;
  spilledBytes: number;
  spills: number;
  computeMs: number;
}

export function zeroMetrics(): Metrics {
  return { recordsRead: 0, recordsWritten: 0, shuffleReadBytes: 0, shuffleWriteBytes: 0, spilledBytes: 0, spills: 0, computeMs: 0 };
}

export function addMetrics(into: Metrics, m: Metrics): void {
  for (const k of Object.keys(into) as Array<keyof Metrics>) into[k] += m[k];
}
