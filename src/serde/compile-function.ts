import vm from 'node:vm';
import { createRequire } from 'node:module';
import { SluiceError } from '../util/errors.js';
import type { EnvPath, EnvSpecial, FnSpec } from './function-spec.js';

/**
 * Helpers that esbuild/tsx and tsc inject into compiled code (see TOOLING_HELPERS in
 * ship-function.ts). A shipped function's source may call them, so they must exist as
 * globals on workers. Written in plain JS (same semantics as esbuild's runtime and
 * tslib) and evaluated once; each is installed only if missing.
 */
const HELPERS_JS = String.raw`(function (g, req) {
  var dp = Object.defineProperty, gops = Object.getOwnPropertySymbols, own = Object.prototype.hasOwnProperty,
    isEnum = Object.prototype.propertyIsEnumerable, gopn = Object.getOwnPropertyNames, gopd = Object.getOwnPropertyDescriptor;
  var normal = function (o, k, v) { return k in o ? dp(o, k, { enumerable: true, configurable: true, writable: true, value: v }) : (o[k] = v, o); };
  var rest = function (s, e) {
    var t = {};
    for (var p in s) if (own.call(s, p) && e.indexOf(p) < 0) t[p] = s[p];
    if (s != null) for (var q of gops(s)) if (e.indexOf(q) < 0 && isEnum.call(s, q)) t[q] = s[q];
    return t;
  };
  var copyProps = function (to, from, except) {
    if ((from && typeof from === 'object') || typeof from === 'function')
      for (let k of gopn(from)) if (!own.call(to, k) && k !== except) {
        var d = gopd(from, k);
        dp(to, k, { get: function () { return from[k]; }, enumerable: !d || d.enumerable });
      }
    return to;
  };
  var drive = function (thisArg, args, gen, P) {
    return new P(function (resolve, reject) {
      var step = function (r) { r.done ? resolve(r.value) : P.resolve(r.value).then(ok, bad); };
      var ok = function (v) { try { step(gen.next(v)); } catch (e) { reject(e); } };
      var bad = function (v) { try { step(gen.throw(v)); } catch (e) { reject(e); } };
      step((gen = gen.apply(thisArg, args || [])).next());
    });
  };
  var h = {
    __name: function (target, value) { return dp(target, 'name', { value: value, configurable: true }); },
    __defProp: dp,
    __defNormalProp: normal,
    __publicField: function (o, k, v) { return normal(o, typeof k !== 'symbol' ? k + '' : k, v); },
    __spreadValues: function (a, b) {
      for (var p in b || (b = {})) if (own.call(b, p)) normal(a, p, b[p]);
      for (var q of gops(b)) if (isEnum.call(b, q)) normal(a, q, b[q]);
      return a;
    },
    __spreadProps: function (a, b) { return Object.defineProperties(a, Object.getOwnPropertyDescriptors(b)); },
    __objRest: rest,
    __rest: rest,
    __assign: Object.assign,
    __async: function (t, a, gen) { return drive(t, a, gen, Promise); },
    __awaiter: function (t, a, P, gen) { return drive(t, a, gen, P || Promise); },
    __require: req,
    __commonJS: function (cb, mod) {
      return function () { return mod || (0, cb[gopn(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports; };
    },
    __export: function (target, all) { for (var n in all) dp(target, n, { get: all[n], enumerable: true }); },
    __toESM: function (mod, nodeMode) {
      var t = mod != null ? Object.create(Object.getPrototypeOf(mod)) : {};
      return copyProps(nodeMode || !mod || !mod.__esModule ? dp(t, 'default', { value: mod, enumerable: true }) : t, mod);
    },
    __spreadArray: function (to, from, pack) {
      if (pack || arguments.length === 2) for (var i = 0, l = from.length, ar; i < l; i++)
        if (ar || !(i in from)) { if (!ar) ar = Array.prototype.slice.call(from, 0, i); ar[i] = from[i]; }
      return to.concat(ar || Array.prototype.slice.call(from));
    },
    __values: function (o) {
      var m = o[Symbol.iterator], i = 0;
      if (m) return m.call(o);
      if (o && typeof o.length === 'number') return { next: function () { if (o && i >= o.length) o = void 0; return { value: o && o[i++], done: !o }; } };
      throw new TypeError('Object is not iterable.');
    },
    __read: function (o, n) {
      var m = o[Symbol.iterator]; if (!m) return o;
      var it = m.call(o), r, ar = [], e;
      try { while ((n === void 0 || n-- > 0) && !(r = it.next()).done) ar.push(r.value); }
      catch (err) { e = { error: err }; }
      finally { try { if (r && !r.done && (m = it['return'])) m.call(it); } finally { if (e) throw e.error; } }
      return ar;
    },
    __generator: function (thisArg, body) {
      var _ = { label: 0, sent: function () { if (t[0] & 1) throw t[1]; return t[1]; }, trys: [], ops: [] }, f, y, t, g;
      return g = { next: verb(0), 'throw': verb(1), 'return': verb(2) }, g[Symbol.iterator] = function () { return this; }, g;
      function verb(n) { return function (v) { return step([n, v]); }; }
      function step(op) {
        if (f) throw new TypeError('Generator is already executing.');
        while (_) try {
          if (f = 1, y && (t = op[0] & 2 ? y['return'] : op[0] ? y['throw'] || ((t = y['return']) && t.call(y), 0) : y.next) && !(t = t.call(y, op[1])).done) return t;
          if (y = 0, t) op = [op[0] & 2, t.value];
          switch (op[0]) {
            case 0: case 1: t = op; break;
            case 4: _.label++; return { value: op[1], done: false };
            case 5: _.label++; y = op[1]; op = [0]; continue;
            case 7: op = _.ops.pop(); _.trys.pop(); continue;
            default:
              if (!(t = _.trys, t = t.length > 0 && t[t.length - 1]) && (op[0] === 6 || op[0] === 2)) { _ = 0; continue; }
              if (op[0] === 3 && (!t || (op[1] > t[0] && op[1] < t[3]))) { _.label = op[1]; break; }
              if (op[0] === 6 && _.label < t[1]) { _.label = t[1]; t = op; break; }
              if (t && _.label < t[2]) { _.label = t[2]; _.ops.push(op); break; }
              if (t[2]) _.ops.pop();
              _.trys.pop(); continue;
          }
          op = body.call(thisArg, _);
        } catch (e) { op = [6, e]; y = 0; } finally { f = t = 0; }
        if (op[0] & 5) throw op[1];
        return { value: op[0] ? op[1] : void 0, done: true };
      }
    },
  };
  for (var k in h) if (!(k in g)) dp(g, k, { value: h[k], writable: true, configurable: true });
})`;

let helpersInstalled = false;

/** Installs the tooling helpers on globalThis (idempotent; existing globals are kept). */
export function installToolingHelpers(): void {
  if (helpersInstalled) return;
  helpersInstalled = true;
  const install = vm.runInThisContext(HELPERS_JS, { filename: 'sluice:tooling-helpers' }) as (g: object, req: unknown) => void;
  // esbuild's __require shim: on ESM workers, require relative to the working directory.
  install(globalThis, createRequire(process.cwd() + '/'));
}

const MAX_CACHED = 2000;
const compiled = new Map<string, Function>();

/**
 * Compiles a shipped function in this thread's context. Code is evaluated with the
 * user's file name and line offset, so stack traces of errors thrown inside it point
 * at the user's file (`job.ts [map]:5:11`), lines counted from the call site: exact for
 * JavaScript, approximate for TypeScript (the source is the transpiled function).
 * Cached by source and site.
 * @throws SluiceError if the source does not evaluate to a function.
 */
export function compileFunction(spec: FnSpec): Function {
  const site = spec.site;
  const key = site ? `${site.file}:${site.line}:${site.column}\u0000${spec.src}` : spec.src;
  const hit = compiled.get(key);
  if (hit) return hit;
  installToolingHelpers();
  const script = new vm.Script(`(${spec.src}\n)`, {
    // Not the file's exact name: Node would remap these positions through the source map
    // registered for that file (TypeScript jobs), as if they were positions in its compiled output.
    filename: site ? `${site.file} [${spec.op}]` : '<sluice fn>',
    lineOffset: Math.max(0, (site?.line ?? 1) - 1),
    // V8 columns are 1-based; the '(' we prepend takes one column.
    columnOffset: Math.max(0, (site?.column ?? 1) - 2),
    // Lets the function use `await import(...)` like top-level code does.
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const fn = script.runInThisContext() as unknown;
  if (typeof fn !== 'function') throw new SluiceError(`${spec.op}: shipped source is not a function: ${spec.src.slice(0, 80)}`);
  if (compiled.size >= MAX_CACHED) compiled.clear();
  compiled.set(key, fn);
  return fn;
}

/** Callbacks that give a task its broadcast values and accumulators. */
export interface EnvHooks {
  broadcast(id: number): unknown;
  accumulator(id: number, kind: 'sum' | 'collection'): unknown;
}

const modules = new Map<string, Promise<unknown>>();

function importOnce(specifier: string, resolved: string): Promise<unknown> {
  let m = modules.get(resolved);
  if (!m) {
    m = import(resolved).catch((e: unknown) => {
      modules.delete(resolved);
      throw new SluiceError(`cannot import module '${specifier}' (${resolved}) on the worker: ${(e as Error)?.message ?? e}`);
    });
    modules.set(resolved, m);
  }
  return m;
}

function specialValue(v: EnvSpecial, hooks: EnvHooks): unknown {
  switch (v.kind) {
    case 'fn': return compileFunction(v.spec);
    case 'broadcast': return hooks.broadcast(v.id);
    case 'accumulator': return hooks.accumulator(v.id, v.accumulator);
    case 'module': return importOnce(v.specifier, v.resolved);
    default: throw new SluiceError(`internal: unknown env slot ${(v as { kind: unknown }).kind}`);
  }
}

/**
 * A function's env as the function sees it on this worker: its plain data with
 * each slot filled in (a compiled helper function, a module namespace from
 * `await import(resolved)`, a broadcast or accumulator from the hooks). The data
 * is only copied along the paths to slots (the shipped env is left as it was), and
 * is never inspected: whatever shape a value has, it stays that value.
 */
export async function resolveEnv(spec: Pick<FnSpec, 'env' | 'slots'>, hooks: EnvHooks): Promise<unknown> {
  const slots = spec.slots;
  if (!slots || slots.length === 0) return spec.env;
  const copies = new WeakSet<object>();
  let root = spec.env;
  for (const slot of slots) root = place(root, slot.path, await specialValue(slot.value, hooks), copies);
  return root;
}

/** `root` with `value` at `path`, copying (once) each container on the way. */
function place(root: unknown, path: EnvPath, value: unknown, copies: WeakSet<object>): unknown {
  if (path.length === 0) return value;
  const top = own(root, copies);
  let cur = top;
  for (let i = 0; i < path.length - 1; i++) {
    const next = own(childAt(cur, path[i]!), copies);
    setChild(cur, path[i]!, next);
    cur = next;
  }
  setChild(cur, path[path.length - 1]!, value);
  return top;
}

function own(v: unknown, copies: WeakSet<object>): object {
  if (typeof v !== 'object' || v === null) throw new SluiceError('internal: an env slot path runs through a value that is not a container');
  if (copies.has(v)) return v;
  const copy: object = Array.isArray(v) ? v.slice() : v instanceof Map ? new Map(v) : Object.defineProperties({}, Object.getOwnPropertyDescriptors(v));
  copies.add(copy);
  return copy;
}

function mapKeyAt(m: Map<unknown, unknown>, index: number): unknown {
  let i = 0;
  for (const k of m.keys()) if (i++ === index) return k;
  throw new SluiceError(`internal: env slot path names Map entry ${index} of ${m.size}`);
}

function childAt(c: object, step: string | number): unknown {
  if (c instanceof Map) return c.get(mapKeyAt(c, step as number));
  return (c as Record<string | number, unknown>)[step];
}

function setChild(c: object, step: string | number, value: unknown): void {
  if (c instanceof Map) c.set(mapKeyAt(c, step as number), value);
  else Object.defineProperty(c, step, { value, enumerable: true, writable: true, configurable: true });
}
