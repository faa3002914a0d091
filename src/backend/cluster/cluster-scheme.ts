import { SluiceError } from '../../util/errors.js';
import { formatHostPort, parseHostPort, type HostPort } from '../launch/address.js';
import { registerBackend } from '../registry.js';
import { ClusterBackend } from './cluster-backend.js';

/** Where `cluster` alone listens: loopback, on Spark's master port. */
const DEFAULT_LISTEN: HostPort = { host: '127.0.0.1', port: 7077 };

/** The listen address of `cluster` or `cluster://host:port`. */
export function clusterListen(master: string): HostPort {
  const text = master.trim();
  if (text === 'cluster') return DEFAULT_LISTEN;
  const m = /^cluster:\/\/(.*)$/.exec(text);
  if (!m) throw new SluiceError(`unknown master "${master}": use cluster or cluster://host:port`);
  return parseHostPort(m[1]!, `master ${text}`);
}

/** The master string of a driver listening on `listen` (`host:port`). */
export function clusterMaster(listen: string): string {
  return `cluster://${formatHostPort(parseHostPort(listen, 'listen'))}`;
}

/**
 * `cluster://host:port`: a driver that workers on other machines join (`sluice worker --driver
 * host:port --secret-file …`). It listens there (loopback unless an address is given: `0.0.0.0`
 * listens on every interface, admitting only holders of the secret), and the session starts once
 * `minWorkers` joined. The secret comes from the `cluster` options or `$SLUICE_SECRET`. Workers
 * bring their own memory budgets; the default parallelism is the cores of those that joined.
 */
registerBackend('cluster', {
  usage: 'cluster, cluster://host:port',
  parse: (master) => void clusterListen(master),
  create: (master, opts) => {
    const listen = clusterListen(master);
    const c = opts.cluster ?? {};
    const secret = c.secret ?? process.env.SLUICE_SECRET;
    if (!secret) throw new SluiceError(`master ${master.trim()} needs a secret (the cluster option secret, or $SLUICE_SECRET): workers without it are refused`);
    const minWorkers = c.minWorkers ?? 1;
    if (!Number.isSafeInteger(minWorkers) || minWorkers < 0) throw new SluiceError(`minWorkers must be a non-negative integer, got ${minWorkers}`);
    const backend = new ClusterBackend({ listen, secret, tls: c.tls, preload: opts.preload, minWorkers, joinTimeoutMs: c.joinTimeoutMs });
    return { backend, parallelism: () => Math.max(1, backend.workers().reduce((n, w) => n + w.cores, 0)) };
  },
});
