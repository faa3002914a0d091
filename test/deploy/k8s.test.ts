import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { parseHostPort } from '../../src/backend/launch/address.js';
import { MIN_SECRET_LENGTH } from '../../src/backend/launch/secret-file.js';
import { parseBytes } from '../../src/util/bytes.js';

// Compiled to dist/test/deploy/: the manifests are in the repository root.
const K8S = fileURLToPath(new URL('../../../deploy/k8s/', import.meta.url));
const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

const docs: Obj[] = fs
  .readdirSync(K8S)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) =>
    // YAML 1.1, as kubectl reads manifests: `defaultMode: 0400` is octal there (decimal 400 in YAML 1.2).
    parseAllDocuments(fs.readFileSync(path.join(K8S, f), 'utf8'), { version: '1.1' }).map((d) => {
      assert.deepEqual(d.errors, [], `${f} parses`);
      return d.toJS();
    }),
  );
const find = (kind: string, name: string): Obj => {
  const d = docs.find((x) => x.kind === kind && x.metadata?.name === name);
  assert.ok(d, `deploy/k8s has a ${kind} named ${name}`);
  return d;
};

const secret = find('Secret', 'sluice-secret');
const driverSvc = find('Service', 'sluice-driver');
const driverJob = find('Job', 'sluice-driver');
const workers = find('StatefulSet', 'sluice-worker');
const driverPod = driverJob.spec.template.spec;
const workerPod = workers.spec.template.spec;
const driverC = driverPod.containers[0];
const workerC = workerPod.containers[0];

/** The value following `--name` in an argument list. */
function arg(args: string[], name: string): string {
  const i = args.indexOf(name);
  assert.ok(i >= 0 && i + 1 < args.length, `${name} is given`);
  return args[i + 1]!;
}

/** Kubernetes quantities: `2`, `500m` CPUs; `4Gi`, `3G` bytes. */
function quantity(q: string | number): number {
  const m = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(q));
  assert.ok(m, `quantity ${q}`);
  const f: Record<string, number> = { m: 1e-3, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  return Number(m[1]) * (m[2] ? f[m[2]]! : 1);
}

/** Checks that --secret-file points into a read-only mount of the sluice-secret Secret, at its key, with a mode sluice accepts. */
function checkSecretMount(pod: Obj, container: Obj, secretFile: string): void {
  const mount = container.volumeMounts.find((m: Obj) => secretFile.startsWith(`${m.mountPath}/`));
  assert.ok(mount, `${container.name}: ${secretFile} lies inside a volume mount`);
  assert.equal(mount.readOnly, true);
  const volume = pod.volumes.find((v: Obj) => v.name === mount.name);
  assert.equal(volume?.secret?.secretName, secret.metadata.name, `${container.name}: the mount is the Secret's`);
  const key = path.posix.relative(mount.mountPath, secretFile);
  assert.ok(key in secret.stringData || key in (secret.data ?? {}), `the Secret has the key ${key}`);
  const mode = volume.secret.defaultMode;
  assert.equal(mode & 0o027, 0, 'the file mode is one sluice accepts (no access for others, no group write)');
}

test('the driver Job listens on the headless Service\'s port, and the Service selects its pod', () => {
  assert.equal(driverSvc.spec.clusterIP, 'None');
  const port = driverSvc.spec.ports.find((p: Obj) => p.port === 7077);
  assert.ok(port, 'the Service serves port 7077');
  for (const [k, v] of Object.entries(driverSvc.spec.selector)) assert.equal(driverJob.spec.template.metadata.labels[k], v, `selector ${k}`);
  const args: string[] = driverC.args;
  assert.equal(args[0], 'run');
  const listen = parseHostPort(arg(args, '--listen'), '--listen');
  assert.equal(listen.host, '0.0.0.0', 'the driver listens beyond loopback: workers are other pods');
  assert.equal(listen.port, port.targetPort ?? port.port);
  assert.ok(driverC.ports.some((p: Obj) => p.containerPort === listen.port));
  assert.equal(driverPod.restartPolicy, 'Never');
  checkSecretMount(driverPod, driverC, arg(args, '--secret-file'));
});

test('workers dial the driver Service by name and port, with the same image and secret', () => {
  const args: string[] = workerC.args;
  assert.equal(args[0], 'worker');
  const driver = parseHostPort(arg(args, '--driver'), '--driver');
  assert.equal(driver.host, driverSvc.metadata.name);
  assert.ok(driverSvc.spec.ports.some((p: Obj) => p.port === driver.port));
  assert.equal(workerC.image, driverC.image, 'one image: the job code at the same path everywhere');
  assert.equal(workerC.workingDir, driverC.workingDir);
  checkSecretMount(workerPod, workerC, arg(args, '--secret-file'));
  assert.equal(Number(arg(driverC.args, '--min-workers')), workers.spec.replicas, "the driver waits for the StatefulSet's replicas");
  assert.ok(docs.some((d) => d.kind === 'Service' && d.metadata.name === workers.spec.serviceName), 'the StatefulSet\'s serviceName exists');
  for (const [k, v] of Object.entries(workers.spec.selector.matchLabels)) assert.equal(workers.spec.template.metadata.labels[k], v);
  // --host $(POD_IP) needs POD_IP from the downward API.
  const host = arg(args, '--host');
  const envName = /^\$\((\w+)\)$/.exec(host)?.[1];
  assert.ok(envName && workerC.env.some((e: Obj) => e.name === envName && e.valueFrom?.fieldRef?.fieldPath === 'status.podIP'));
  // The scratch dir is a mounted volume.
  assert.ok(workerC.volumeMounts.some((m: Obj) => m.mountPath === arg(args, '--dir')));
});

test('worker resources match --cores and --memory', () => {
  const cores = Number(arg(workerC.args, '--cores'));
  const memory = parseBytes(arg(workerC.args, '--memory'));
  const r = workerC.resources;
  assert.equal(quantity(r.requests.cpu), cores);
  assert.equal(quantity(r.limits.cpu), cores);
  const limit = quantity(r.limits.memory);
  assert.ok(memory < limit, `--memory ${memory} stays below the memory limit ${limit} (Node needs the rest)`);
  assert.ok(memory >= limit / 2, 'and uses most of it');
  assert.ok(quantity(r.requests.memory) >= memory);
});

test("the Secret's placeholder is refused by sluice, so it cannot go live unchanged", () => {
  assert.equal(secret.type, 'Opaque');
  assert.ok(String(secret.stringData.secret).length < MIN_SECRET_LENGTH);
});

// The CLI's own parser checks the manifests' arguments: exit 2 or "unknown option" would mean a
// manifest the CLI rejects. Paths that only exist in a pod are swapped for local ones.
test('the sluice CLI accepts the driver and worker arguments', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-k8s-'));
  try {
    const secretFile = path.join(tmp, 'secret');
    fs.writeFileSync(secretFile, 'x'.repeat(40), { mode: 0o400 });
    const local = (args: string[]) =>
      args.map((a, i) => (args[i - 1] === '--secret-file' ? secretFile : args[i - 1] === '--dir' ? tmp : a === '$(POD_IP)' ? '127.0.0.1' : a));
    const w = spawnSync(process.execPath, [CLI, ...local(workerC.args).map((a) => (a === 'sluice-driver:7077' ? '127.0.0.1:9' : a)), '--connect-timeout', '0'], { encoding: 'utf8', timeout: 60_000 });
    assert.notEqual(w.status, 2, w.stderr);
    assert.doesNotMatch(w.stderr, /unknown option|invalid|error: option/);
    const d = spawnSync(process.execPath, [CLI, ...local(driverC.args)], { encoding: 'utf8', timeout: 60_000 });
    assert.doesNotMatch(d.stderr, /unknown option|error: option/);
    assert.match(d.stderr, /job file not found: \/app\/job\.ts/, 'options parsed, then the job file is looked for');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
