import { BACKENDS } from '../../conformance/backends.js';

/**
 * The masters the oracle suites (DuckDB or a JS reference) run over: every backend of the
 * conformance suite (inline, local[2], processes[2]), or only the one ORACLE_MASTER names (e.g.
 * `inline` when running the TypeScript sources through tsx, where worker threads and processes
 * cannot load their compiled entry files).
 */
export const ORACLE_MASTERS: readonly string[] = process.env.ORACLE_MASTER ? [process.env.ORACLE_MASTER] : [...BACKENDS];
