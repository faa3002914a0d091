import { SluiceError } from '../../util/errors.js';

/** A TCP endpoint as given on a command line or in an option. */
export interface HostPort {
  host: string;
  port: number;
}

/**
 * Parses `host:port`, `1.2.3.4:7077` or `[::1]:7077` (IPv6 in brackets, as in URLs).
 * `what` names the option in the error, e.g. `--driver`.
 */
export function parseHostPort(text: string, what: string): HostPort {
  const m = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(text) ?? /^([^\s:[\]/]+):(\d+)$/.exec(text);
  if (!m) throw new SluiceError(`${what}: invalid address "${text}": expected host:port, e.g. node01:7077 or [::1]:7077`);
  const port = Number(m[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new SluiceError(`${what}: invalid port ${m[2]} in "${text}": expected 1 to 65535`);
  return { host: m[1]!, port };
}

/** `host:port`, with brackets around an IPv6 host. */
export function formatHostPort(a: HostPort): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}
