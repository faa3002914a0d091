import { parse } from 'acorn';
import { createRequire, isBuiltin } from 'node:module';
import { statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FreeVariableError, SluiceError, formatSite, type CallSite } from '../util/errors.js';
import { ENV_SPECIAL, type EnvPath, type EnvSlot, type EnvSpecial, type EnvSpecialSource, type FnSpec } from './function-spec.js';

/** Helpers that TypeScript tooling (esbuild/tsx, tsc) injects into compiled code; compile-function provides them on workers. */
export const TOOLING_HELPERS: readonly string[] = [
  '__name', '__publicField', '__defProp', '__defNormalProp', '__spreadValues', '__spreadProps', '__objRest',
  '__async', '__require', '__commonJS', '__toESM', '__export',
  '__awaiter', '__generator', '__assign', '__rest', '__spreadArray', '__values', '__read',
];

// Module-scoped on the driver (CJS) but absent on ESM workers: never allowed.
const DRIVER_ONLY = new Set(['require', 'module', 'exports', '__dirname', '__filename']);

/** Names a shipped function may use without passing them in env. */
const ALLOWED: ReadonlySet<string> = new Set(
  [...Object.getOwnPropertyNames(globalThis), 'undefined', 'NaN', 'Infinity', 'globalThis', ...TOOLING_HELPERS].filter(
    (n) => !DRIVER_ONLY.has(n),
  ),
);

// Normalized, checked source per function: validity does not depend on env, op or site.
const srcCache = new WeakMap<Function, string>();

/**
 * Turns a user function into a FnSpec: its source (normalized to an expression),
 * its encoded env, the operator label and the call site.
 * @throws FreeVariableError if the function uses a variable that will not exist on
 *   the worker (not a parameter, local, worker global or tooling helper): the message
 *   names every such variable and shows how to pass it in env.
 * @throws SluiceError for classes, native and bound functions, and env values that
 *   cannot travel (class instances, symbols, cycles).
 */
export function shipFunction(fn: Function, env: Record<string, unknown> | undefined, op: string, site?: CallSite): FnSpec {
  let src = srcCache.get(fn);
  if (src === undefined) {
    const { shipped, analyzed } = normalizeSource(fn, op, site);
    const missing = freeVariables(analyzed).filter((n) => !ALLOWED.has(n));
    if (missing.length > 0) throw new FreeVariableError(freeVariableMessage(missing, op, site));
    src = shipped;
    srcCache.set(fn, src);
  }
  const spec: FnSpec = { src, env: undefined, op };
  if (site) spec.site = site;
  if (env !== undefined) {
    if (env === null || typeof env !== 'object' || Array.isArray(env)) {
      throw new SluiceError(`${op} at ${formatSite(site)}: env must be a plain object like { k }, got ${describe(env)}`);
    }
    const slots: EnvSlot[] = [];
    spec.env = encodeEnv(env, [], { op, site, slots, seen: new Set() });
    if (slots.length > 0) spec.slots = slots;
  }
  return spec;
}

/** `spec` with the bound on pending calls of its function when async (`{ concurrency }`, a positive integer). */
export function withConcurrency(spec: FnSpec, concurrency: number | undefined): FnSpec {
  if (concurrency === undefined) return spec;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new SluiceError(`${spec.op}: concurrency must be a positive integer, got ${String(concurrency)}`);
  return { ...spec, concurrency };
}

function freeVariableMessage(missing: string[], op: string, site: CallSite | undefined): string {
  const many = missing.length > 1;
  const base = op.split(' ')[0];
  const quoted = missing.map((n) => `"${n}"`).join(', ');
  const uses = missing.map((n) => `env.${n}`).join(' ... ');
  let msg =
    `${op} at ${formatSite(site)} uses variable${many ? 's' : ''} ${quoted} that will not exist on the worker. ` +
    `Pass ${many ? 'them' : 'it'} in env: ds.${base}((x, env) => ... ${uses} ..., { ${missing.join(', ')} })`;
  if (missing.includes('require')) msg += `. For modules, pass importModule('name') in env instead of require`;
  if (missing.includes('arguments')) msg += `. "arguments" of an enclosing function does not travel: use parameters`;
  return msg;
}

// ---------------------------------------------------------------- source normalization

const ACORN = { ecmaVersion: 'latest', sourceType: 'script', allowHashBang: false } as const;

type Node = { type: string; start: number; end: number; [k: string]: any };

function tryParse(text: string): Node | undefined {
  try {
    return parse(text, ACORN) as unknown as Node;
  } catch {
    return undefined;
  }
}

/**
 * `shipped` evaluates to the function; `analyzed` is the same but never binds a
 * method's name inside its body (method shorthand does not bind it, a named
 * function expression would, hiding a free variable).
 */
function normalizeSource(fn: Function, op: string, site: CallSite | undefined): { shipped: string; analyzed: string } {
  const where = `${op} at ${formatSite(site)}`;
  if (typeof fn !== 'function') throw new SluiceError(`${where}: expected a function, got ${describe(fn)}`);
  const src = Function.prototype.toString.call(fn);
  if (/\{\s*\[native code\]\s*\}\s*$/.test(src)) {
    if (fn.name.startsWith('bound ')) {
      throw new SluiceError(`${where}: bound functions cannot be shipped to workers (their bound this/arguments are lost). Pass values in env instead of using .bind()`);
    }
    throw new SluiceError(`${where}: native function ${fn.name || '(anonymous)'} cannot be shipped; wrap it: (x) => ${fn.name || 'f'}(x)`);
  }
  if (/^class\b/.test(src)) throw new SluiceError(`${where}: a class cannot be shipped as a function; pass a function`);
  const asExpr = tryParse(`(${src}\n)`);
  const expr = asExpr?.body?.[0]?.expression as Node | undefined;
  if (asExpr?.body.length === 1 && (expr?.type === 'ArrowFunctionExpression' || expr?.type === 'FunctionExpression')) {
    return { shipped: src, analyzed: src };
  }
  // Method shorthand (`foo(x) {}`, `async *gen() {}`, `get x() {}`, `[k](x) {}`): parse inside an object literal.
  const wrapped = `({${src}\n})`;
  const obj = tryParse(wrapped)?.body?.[0]?.expression as Node | undefined;
  const prop = obj?.type === 'ObjectExpression' && obj.properties.length === 1 ? (obj.properties[0] as Node) : undefined;
  if (!prop || prop.value?.type !== 'FunctionExpression') {
    throw new SluiceError(`${where}: cannot parse the function's source for shipping: ${src.slice(0, 80)}`);
  }
  const f = prop.value as Node;
  const head = `${f.async ? 'async ' : ''}function${f.generator ? '*' : ''}`;
  // For a method, f spans from '(' of the parameters to the end of the body.
  const rest = wrapped.slice(f.start, f.end);
  const analyzed = `${head} ${rest}`;
  const name = !prop.computed && prop.key.type === 'Identifier' ? (prop.key.name as string) : '';
  const named = name ? `${head} ${name}${rest}` : analyzed;
  return { shipped: name && tryParse(`(${named}\n)`) ? named : analyzed, analyzed };
}

// ---------------------------------------------------------------- scope analysis

class Scope {
  readonly names = new Set<string>();
  constructor(readonly parent: Scope | null) {}
  has(n: string): boolean {
    for (let s: Scope | null = this; s; s = s.parent) if (s.names.has(n)) return true;
    return false;
  }
}

const isFunction = (n: Node): boolean =>
  n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression';

function children(node: Node): Node[] {
  const out: Node[] = [];
  for (const key in node) {
    if (key === 'type' || key === 'start' || key === 'end' || key === 'loc' || key === 'range') continue;
    const v = node[key];
    if (Array.isArray(v)) for (const c of v) { if (c && typeof c.type === 'string') out.push(c); }
    else if (v && typeof v.type === 'string') out.push(v);
  }
  return out;
}

/** Names bound by a pattern (params, declarations, catch). */
function patternNames(p: Node | null, into: Set<string>): void {
  if (!p) return;
  switch (p.type) {
    case 'Identifier': into.add(p.name); break;
    case 'ObjectPattern': for (const q of p.properties) patternNames(q.type === 'RestElement' ? q : q.value, into); break;
    case 'ArrayPattern': for (const q of p.elements) patternNames(q, into); break;
    case 'RestElement': patternNames(p.argument, into); break;
    case 'AssignmentPattern': patternNames(p.left, into); break;
  }
}

/** `var` declarations and (Annex B) nested function declarations hoisted to a function scope. */
function hoistVars(node: Node, into: Set<string>): void {
  for (const c of children(node)) {
    if (c.type === 'VariableDeclaration' && c.kind === 'var') for (const d of c.declarations) patternNames(d.id, into);
    if (c.type === 'FunctionDeclaration') { if (c.id) into.add(c.id.name); continue; }
    if (isFunction(c) || c.type === 'ClassBody' || c.type === 'StaticBlock') continue;
    hoistVars(c, into);
  }
}

/** let/const/class/function declared directly in a statement list. */
function declareLexical(statements: Node[], scope: Scope): void {
  for (const s of statements) {
    if (s.type === 'VariableDeclaration' && s.kind !== 'var') for (const d of s.declarations) patternNames(d.id, scope.names);
    else if ((s.type === 'ClassDeclaration' || s.type === 'FunctionDeclaration') && s.id) scope.names.add(s.id.name);
  }
}

/** Free variables of the function expression in `src` (sorted, each once). */
export function freeVariables(src: string): string[] {
  const ast = parse(`(${src}\n)`, ACORN) as unknown as Node;
  const free = new Set<string>();
  const ref = (name: string, scope: Scope): void => { if (!scope.has(name)) free.add(name); };

  const pattern = (p: Node | null, scope: Scope, declaring: boolean): void => {
    if (!p) return;
    switch (p.type) {
      case 'Identifier': if (!declaring) ref(p.name, scope); return;
      case 'ObjectPattern':
        for (const q of p.properties) {
          if (q.type === 'RestElement') pattern(q.argument, scope, declaring);
          else { if (q.computed) visit(q.key, scope); pattern(q.value, scope, declaring); }
        }
        return;
      case 'ArrayPattern': for (const q of p.elements) pattern(q, scope, declaring); return;
      case 'RestElement': pattern(p.argument, scope, declaring); return;
      case 'AssignmentPattern': pattern(p.left, scope, declaring); visit(p.right, scope); return;
      default: visit(p, scope); // a member expression as an assignment target
    }
  };

  const fnScope = (f: Node, outer: Scope): void => {
    let scope = outer;
    if (f.type === 'FunctionExpression' && f.id) { scope = new Scope(scope); scope.names.add(f.id.name); }
    scope = new Scope(scope);
    if (f.type !== 'ArrowFunctionExpression') scope.names.add('arguments');
    for (const p of f.params) patternNames(p, scope.names);
    if (f.body.type === 'BlockStatement') hoistVars(f.body, scope.names);
    for (const p of f.params) pattern(p, scope, true);
    visit(f.body, scope);
  };

  const visit = (n: Node | null, scope: Scope): void => {
    if (!n) return;
    switch (n.type) {
      case 'Identifier': ref(n.name, scope); return;
      case 'FunctionDeclaration': case 'FunctionExpression': case 'ArrowFunctionExpression': fnScope(n, scope); return;
      case 'MemberExpression': visit(n.object, scope); if (n.computed) visit(n.property, scope); return;
      case 'Property': case 'MethodDefinition': case 'PropertyDefinition':
        if (n.computed) visit(n.key, scope);
        visit(n.value, scope);
        return;
      case 'LabeledStatement': visit(n.body, scope); return;
      case 'BreakStatement': case 'ContinueStatement': case 'MetaProperty': return;
      case 'VariableDeclarator': pattern(n.id, scope, true); visit(n.init, scope); return;
      case 'AssignmentExpression': pattern(n.left, scope, false); visit(n.right, scope); return;
      case 'ClassDeclaration': case 'ClassExpression': {
        visit(n.superClass, scope);
        const inner = new Scope(scope);
        if (n.id) inner.names.add(n.id.name);
        visit(n.body, inner);
        return;
      }
      case 'StaticBlock': {
        const inner = new Scope(scope);
        hoistVars(n, inner.names);
        declareLexical(n.body, inner);
        for (const s of n.body) visit(s, inner);
        return;
      }
      case 'BlockStatement': case 'Program': {
        const inner = new Scope(scope);
        declareLexical(n.body, inner);
        for (const s of n.body) visit(s, inner);
        return;
      }
      case 'SwitchStatement': {
        visit(n.discriminant, scope);
        const inner = new Scope(scope);
        for (const c of n.cases) declareLexical(c.consequent, inner);
        for (const c of n.cases) visit(c, inner);
        return;
      }
      case 'CatchClause': {
        const inner = new Scope(scope);
        patternNames(n.param, inner.names);
        pattern(n.param, inner, true);
        visit(n.body, inner);
        return;
      }
      case 'ForStatement': case 'ForInStatement': case 'ForOfStatement': {
        const inner = new Scope(scope);
        const head = n.type === 'ForStatement' ? n.init : n.left;
        if (head?.type === 'VariableDeclaration') {
          if (head.kind !== 'var') for (const d of head.declarations) patternNames(d.id, inner.names);
          visit(head, inner);
        } else if (n.type === 'ForStatement') visit(head, inner);
        else pattern(head, inner, false);
        for (const c of [n.test, n.update, n.right, n.body]) visit(c ?? null, inner);
        return;
      }
      default:
        for (const c of children(n)) visit(c, scope);
    }
  };

  visit(ast, new Scope(null));
  return [...free].sort();
}

// ---------------------------------------------------------------- env encoding

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v !== 'object') return typeof v;
  return `an instance of ${(v as object).constructor?.name ?? 'an unknown class'}`;
}

const isPlainObject = (v: object): boolean => {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

interface EncodeState {
  op: string;
  site: CallSite | undefined;
  /** Where the env's functions, modules, broadcasts and accumulators go, found so far. */
  slots: EnvSlot[];
  seen: Set<object>;
}

const special = (v: object): EnvSpecial | undefined =>
  typeof (v as Partial<EnvSpecialSource>)[ENV_SPECIAL] === 'function' ? (v as EnvSpecialSource)[ENV_SPECIAL]() : undefined;

function pathText(path: EnvPath, containers: string[]): string {
  return path.map((s, i) => (containers[i] === 'map' ? ` (Map entry ${s})` : typeof s === 'number' ? `[${s}]` : `.${s}`)).join('');
}

/**
 * Copies env as plain data, and takes every function and every real broadcast,
 * accumulator or module out of it into `state.slots` (its place holds null).
 * Only values the driver's own code made (a function, an object with the
 * ENV_SPECIAL symbol method) become slots: data never does, whatever its shape.
 */
function encodeEnv(v: unknown, path: EnvPath, state: EncodeState, containers: string[] = []): unknown {
  const where = () => `${state.op} at ${formatSite(state.site)}: env${pathText(path, containers)}`;
  switch (typeof v) {
    case 'function':
      state.slots.push({ path: [...path], value: { kind: 'fn', spec: shipFunction(v, undefined, `${state.op} env${pathText(path, containers)}`, state.site) } });
      return null;
    case 'symbol':
      throw new SluiceError(`${where()} is a symbol, which cannot be sent to workers`);
    case 'object':
      break;
    default:
      return v;
  }
  if (v === null) return v;
  const s = special(v);
  if (s) {
    state.slots.push({ path: [...path], value: s });
    return null;
  }
  if (v instanceof Date || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return v;
  const { seen } = state;
  if (seen.has(v)) throw new SluiceError(`${where()} contains a cycle; env must be a tree of plain data`);
  seen.add(v);
  const child = (x: unknown, step: string | number, container: string): unknown => {
    path.push(step);
    containers.push(container);
    try {
      return encodeEnv(x, path, state, containers);
    } finally {
      path.pop();
      containers.pop();
    }
  };
  try {
    if (Array.isArray(v)) return v.map((x, i) => child(x, i, 'array'));
    if (v instanceof Map) {
      const out = new Map();
      let i = 0;
      for (const [k, x] of v) {
        if (typeof k === 'function' || (typeof k === 'object' && k !== null && special(k))) {
          throw new SluiceError(`${where()} has a Map key that is a function, broadcast, accumulator or module; only values can be`);
        }
        out.set(k, child(x, i++, 'map'));
      }
      return out;
    }
    if (v instanceof Set) {
      const before = state.slots.length;
      for (const x of v) encodeEnv(x, path, state, containers);
      if (state.slots.length > before) {
        throw new SluiceError(`${where()} is a Set holding a function, broadcast, accumulator or module; put those in an object or array`);
      }
      return v;
    }
    if (!isPlainObject(v)) {
      throw new SluiceError(
        `${where()} is ${describe(v)}; only plain data (objects, arrays, Map, Set, Date, typed arrays), functions, ` +
          `broadcasts, accumulators and importModule(...) can be passed in env`,
      );
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v)) {
      // defineProperty: an own key named __proto__ stays a key, as in the user's object.
      Object.defineProperty(out, key, { value: child((v as Record<string, unknown>)[key], key, 'object'), enumerable: true, writable: true, configurable: true });
    }
    return out;
  } finally {
    seen.delete(v);
  }
}

// ---------------------------------------------------------------- modules

/** A module to import on the worker; put it in env. */
class ModuleRef implements EnvSpecialSource {
  constructor(readonly specifier: string, readonly resolved: string) {}
  [ENV_SPECIAL](): EnvSpecial {
    return { kind: 'module', specifier: this.specifier, resolved: this.resolved };
  }
}

/**
 * Names a module to import on the worker:
 * `ds.map((x, env) => env.lodash.kebabCase(x), { lodash: importModule('lodash') })`.
 * The specifier is resolved now, on the driver, relative to `from` (a file, file URL
 * or directory; default: the current directory), to a file URL, so workers import
 * exactly the same file. Built-in modules stay as `node:` specifiers. On the worker,
 * env.<name> is the module namespace (for CommonJS modules use its `default` or
 * its named exports).
 * @throws SluiceError if the specifier cannot be resolved.
 */
export function importModule(specifier: string, from?: string): EnvSpecialSource {
  if (isBuiltin(specifier)) return new ModuleRef(specifier, specifier.startsWith('node:') ? specifier : `node:${specifier}`);
  let base = from ?? process.cwd() + '/';
  if (base.startsWith('file:')) base = fileURLToPath(base);
  if (!base.endsWith('/')) {
    try { if (statSync(base).isDirectory()) base += '/'; } catch { /* a file that need not exist */ }
  }
  let resolved: string | undefined;
  try {
    resolved = pathToFileURL(createRequire(base).resolve(specifier)).href;
  } catch (e) {
    // ESM-only packages (no "require" export condition) fail CommonJS resolution.
    try {
      resolved = import.meta.resolve(specifier);
    } catch {
      throw new SluiceError(`importModule('${specifier}'): cannot resolve it from ${base}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  return new ModuleRef(specifier, resolved);
}
