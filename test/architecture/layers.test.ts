import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// The layer table of DESIGN.md: which folders under src/ each folder may import.
const ALLOWED: Record<string, string[]> = {
  util: [],
  serde: ['util'],
  plan: ['util', 'serde'],
  frame: ['plan', 'serde', 'util'],
  sql: ['frame', 'plan', 'serde', 'util'],
  exec: ['plan', 'frame', 'serde', 'util'],
  scheduler: ['plan', 'util'],
  backend: ['scheduler', 'exec', 'serde', 'plan', 'util'],
  io: ['exec', 'frame', 'serde', 'plan', 'util'],
  ml: ['api'],
  driver: ['backend', 'scheduler', 'exec', 'frame', 'sql', 'io', 'plan', 'serde', 'util'],
  api: ['driver', 'util', 'serde', 'plan', 'frame', 'sql', 'exec', 'scheduler', 'backend', 'io'],
  ui: ['scheduler', 'util'],
  cli: ['api', 'backend', 'ui', 'util'],
};

// Tests run from dist/test/architecture; the TypeScript sources are at the repository root.
const here = dirname(fileURLToPath(import.meta.url));
const src = resolve(here, '../../../src');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('every import between src/ folders follows the layer table of DESIGN.md', () => {
  const violations: string[] = [];
  for (const file of tsFiles(src)) {
    const layer = relative(src, file).split('/')[0]!;
    if (layer.endsWith('.ts')) continue; // src/index.ts re-exports the public API
    const allowed = ALLOWED[layer];
    assert.ok(allowed, `src/${layer} is not a layer of DESIGN.md`);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = relative(src, resolve(dirname(file), m[1]!)).split('/')[0]!;
      if (target !== layer && !allowed.includes(target)) violations.push(`${relative(src, file)} imports ${m[1]} (${layer} → ${target})`);
    }
  }
  assert.deepEqual(violations, []);
});
