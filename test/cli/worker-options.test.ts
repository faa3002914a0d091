import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectTimeoutMs, workerSettings, type WorkerCliOptions } from '../../src/cli/worker.js';
import { parseHostPort } from '../../src/backend/launch/address.js';
import { readSecretFile, writeSecretFile } from '../../src/backend/launch/secret-file.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-worker-opts-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function file(name: string, text: string, mode: number): string {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, text);
  fs.chmodSync(p, mode);
  return p;
}

const SECRET = 'a'.repeat(40);
const secretFile = file('secret', `${SECRET}\n`, 0o600);
const base = (o: Partial<WorkerCliOptions> = {}): WorkerCliOptions => ({ driver: 'node01:7077', secretFile, dir: path.join(tmp, 'scratch'), ...o });

test('valid options become runWorker settings (memory in bytes, the secret without its newline)', () => {
  const s = workerSettings(base({ cores: '16', memory: '48g', host: '10.0.0.5' }));
  assert.deepEqual(s, { driver: 'node01:7077', secret: SECRET, cores: 16, memory: 48 * 1024 ** 3, dir: path.join(tmp, 'scratch'), host: '10.0.0.5' });
  assert.ok(fs.statSync(s.dir).isDirectory(), 'the scratch directory is created');
});

test('cores default to the Slurm allocation of this node, then to all cores', () => {
  assert.equal(workerSettings(base(), { SLURM_CPUS_ON_NODE: '7' }).cores, 7);
  assert.equal(workerSettings(base(), {}).cores, os.availableParallelism());
});

test('addresses: host:port, IPv4, [IPv6]; errors name the option and the value', () => {
  assert.deepEqual(parseHostPort('[::1]:7077', '--driver'), { host: '::1', port: 7077 });
  assert.deepEqual(parseHostPort('10.1.2.3:1', '--driver'), { host: '10.1.2.3', port: 1 });
  assert.equal(workerSettings(base({ driver: '[fe80::1]:9000' })).driver, '[fe80::1]:9000');
  for (const bad of ['node01', 'node01:', ':7077', 'node01:0', 'node01:65536', 'node01:70x', 'a b:1', 'http://x:1', '::1:7077']) {
    assert.throws(() => workerSettings(base({ driver: bad })), (e: Error) => e.message.startsWith('--driver: invalid') && e.message.includes(`"${bad}"`), bad);
  }
});

test('a bad memory size or core count is refused with the value in the message', () => {
  assert.throws(() => workerSettings(base({ memory: '48q' })), /--memory: invalid byte size "48q"/);
  assert.throws(() => workerSettings(base({ memory: 'lots' })), /--memory: invalid byte size "lots"/);
  assert.throws(() => workerSettings(base({ memory: '1k' })), /--memory: 1k is too small/);
  for (const c of ['0', '-2', '1.5', 'x', '']) assert.throws(() => workerSettings(base({ cores: c })), /--cores: expected a positive integer/, c);
});

test('secret files: unreadable, open to other users (like ssh) or group-writable, empty or short secrets are refused', () => {
  assert.throws(() => workerSettings(base({ secretFile: path.join(tmp, 'missing') })), /--secret-file: cannot read the secret file .*missing \(ENOENT\)/);
  const open = file('open-secret', SECRET, 0o644);
  assert.throws(() => workerSettings(base({ secretFile: open })), (e: Error) => /permissions 0644 for the secret file .*open-secret are too open/.test(e.message) && e.message.includes(`chmod 600 ${open}`));
  assert.throws(() => workerSettings(base({ secretFile: file('other-secret', SECRET, 0o604) })), /permissions 0604/);
  assert.throws(() => workerSettings(base({ secretFile: file('group-writable', SECRET, 0o620) })), /permissions 0620/);
  assert.equal(workerSettings(base({ secretFile: file('group-readable', SECRET, 0o440) })).secret, SECRET, 'as Kubernetes mounts a Secret for an fsGroup');
  assert.throws(() => workerSettings(base({ secretFile: file('empty', '\n', 0o600) })), /is empty/);
  assert.throws(() => workerSettings(base({ secretFile: file('short', 'abc', 0o600) })), /too short \(3 characters/);
  assert.throws(() => workerSettings(base({ secretFile: tmp })), /is not a regular file|too open/);
  assert.equal(workerSettings(base({ secretFile: file('owner-only', SECRET, 0o400) })).secret, SECRET);
});

test('writeSecretFile makes a fresh 0600 file that readSecretFile accepts, and never overwrites one', () => {
  const p = path.join(tmp, 'fresh-secret');
  const a = writeSecretFile(p);
  assert.equal(fs.statSync(p).mode & 0o777, 0o600);
  assert.match(a, /^[0-9a-f]{64}$/);
  assert.equal(readSecretFile(p), a);
  assert.throws(() => writeSecretFile(p), /cannot create the secret file .* \(EEXIST\)/);
  const q = path.join(tmp, 'fresh-secret-2');
  assert.notEqual(writeSecretFile(q), a);
});

test('TLS files: cert and key together, PEM only; the scratch dir must be usable', () => {
  const cert = file('cert.pem', '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n', 0o644);
  const key = file('key.pem', '-----BEGIN PRIVATE KEY-----\ny\n-----END PRIVATE KEY-----\n', 0o600);
  const s = workerSettings(base({ tlsCert: cert, tlsKey: key, tlsCa: cert }));
  assert.deepEqual(s.tls, { cert: fs.readFileSync(cert, 'utf8'), key: fs.readFileSync(key, 'utf8'), ca: fs.readFileSync(cert, 'utf8') });
  assert.throws(() => workerSettings(base({ tlsCert: cert })), /--tls-cert and --tls-key go together/);
  assert.throws(() => workerSettings(base({ tlsCa: cert })), /--tls-ca needs --tls-cert and --tls-key/);
  assert.throws(() => workerSettings(base({ tlsCert: secretFile, tlsKey: key })), /--tls-cert: .* is not a PEM file/);
  assert.throws(() => workerSettings(base({ tlsCert: path.join(tmp, 'nope.pem'), tlsKey: key })), /--tls-cert: cannot read .*nope\.pem \(ENOENT\)/);
  assert.throws(() => workerSettings(base({ dir: secretFile })), /--dir: cannot use .*secret as the worker's scratch directory/);
  assert.throws(() => connectTimeoutMs(base({ connectTimeout: 'soon' })), /--connect-timeout: expected a number of seconds/);
  assert.equal(connectTimeoutMs(base({ connectTimeout: '2.5' })), 2500);
});

test('sluice worker exits 2 with one clear line for invalid options, before contacting anyone', () => {
  const open = file('cli-open-secret', SECRET, 0o604);
  const r = spawnSync(process.execPath, [CLI, 'worker', '--driver', '127.0.0.1:9', '--secret-file', open, '--dir', path.join(tmp, 'w')], { encoding: 'utf8' });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^sluice worker: --secret-file: permissions 0604 for the secret file .* are too open/);
  const r2 = spawnSync(process.execPath, [CLI, 'worker', '--driver', 'nohost', '--secret-file', secretFile], { encoding: 'utf8' });
  assert.equal(r2.status, 2);
  assert.match(r2.stderr, /--driver: invalid address "nohost"/);
  const r3 = spawnSync(process.execPath, [CLI, 'worker', '--secret-file', secretFile], { encoding: 'utf8' });
  assert.notEqual(r3.status, 0);
  assert.match(r3.stderr, /required option '--driver <host:port>' not specified/);
});
