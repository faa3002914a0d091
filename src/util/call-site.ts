import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import type { CallSite } from './errors.js';

// sluice's own files live under this directory (src/ or dist/src/); frames there are not the user's.
const engineRoot = dirname(dirname(fileURLToPath(import.meta.url)));

/** The first stack frame outside sluice: where the user called the API. */
export function userCallSite(): CallSite | undefined {
  const stack = new Error().stack ?? '';
  for (const line of stack.split('\n').slice(1)) {
    const m = /\(?((?:file:\/\/)?[^\s()]+):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (!m) continue;
    let file = m[1]!;
    if (file.startsWith('file://')) file = fileURLToPath(file);
    if (file.startsWith(engineRoot) || file.startsWith('node:') || file.includes('/node_modules/tsx/')) continue;
    return { file, line: Number(m[2]), column: Number(m[3]) };
  }
  return undefined;
}
