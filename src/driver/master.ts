import '../backend/builtin-backends.js';
import { backendFactory, memoryPerWorker, type BackendOptions, type CreatedBackend } from '../backend/registry.js';

export { memoryPerWorker };

/**
 * Checks a master string against the registered backends (`inline`, `local[N]`, and whatever
 * else registered a scheme); an unknown scheme is an error listing the known ones.
 */
export function parseMaster(text: string): string {
  backendFactory(text).parse(text);
  return text.trim();
}

/** The backend of a master string, not started yet. */
export function createBackend(master: string, opts: BackendOptions): CreatedBackend {
  const text = parseMaster(master);
  return backendFactory(text).create(text, opts);
}
