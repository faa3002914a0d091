import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { encodeFrame, FRAME_HEADER_BYTES } from './frames.js';

/**
 * Mutual HMAC-SHA256 challenge–response over a fresh connection, run before any other
 * frame is read or written:
 *
 *   acceptor  → initiator  MAGIC, nonceA
 *   initiator → acceptor   MAGIC, nonceI, proofI, role
 *   acceptor  → initiator  proofA            (only once proofI checked out)
 *
 * proof = HMAC(secret, label ‖ side ‖ role ‖ nonceA ‖ nonceI ‖ binding). Both nonces are
 * fresh per connection, so a recorded transcript does not verify again; the side label keeps a
 * proof from being reflected back; the role keeps a proof for one service (control, blocks)
 * from opening another. Under TLS `binding` is keying material exported from the TLS session,
 * so a proof relayed through a man in the middle does not verify on the other TLS session.
 */

const MAGIC = new Uint8Array([0x53, 0x4c, 0x55, 0x49, 0x43, 0x45, 0x00, 0x01]); // "SLUICE" v1
const NONCE_BYTES = 32;
const PROOF_BYTES = 32;
/** Upper bound of any handshake frame: a peer cannot make us buffer more before it is authenticated. */
const MAX_HANDSHAKE_FRAME = 1024;
const LABEL = 'sluice-auth-v1';

export type AuthSide = 'initiator' | 'acceptor';

export interface AuthOptions {
  secret: string | Uint8Array;
  /** The service this connection is for; both ends must name the same one. */
  role: string;
  side: AuthSide;
  timeoutMs: number;
  /** Bytes both ends derive from the underlying secure channel (TLS exporter), or none. */
  binding?: Uint8Array;
}

/** The handshake failed: wrong secret, wrong role, garbage, or no answer in time. */
export class AuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthError';
  }
}

/** Bytes that arrived after the handshake frame, to be read as ordinary frames once authenticated. */
export interface AuthResult {
  leftover: Uint8Array[];
}

/** The shared secret as key bytes; refuses an empty one (it would admit anyone). */
export function secretKey(secret: string | Uint8Array): Uint8Array {
  const key = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  if (!(key instanceof Uint8Array) || key.byteLength === 0) throw new TypeError('a cluster secret must be a non-empty string or byte array');
  return key;
}

function proof(key: Uint8Array, side: AuthSide, role: string, nonceA: Uint8Array, nonceI: Uint8Array, binding: Uint8Array): Uint8Array {
  const h = createHmac('sha256', key);
  const roleBytes = Buffer.from(role, 'utf8');
  const lens = Buffer.alloc(8);
  lens.writeUInt32BE(roleBytes.byteLength, 0);
  lens.writeUInt32BE(binding.byteLength, 4);
  h.update(LABEL).update(side === 'initiator' ? 'I' : 'A').update(lens).update(roleBytes).update(nonceA).update(nonceI).update(binding);
  return h.digest();
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && timingSafeEqual(a, b);
}

function hasMagic(frame: Uint8Array): boolean {
  return frame.byteLength >= MAGIC.byteLength && sameBytes(frame.subarray(0, MAGIC.byteLength), MAGIC);
}

/**
 * Runs the handshake on `socket`. On success the socket is left paused, with no listener of
 * ours, and the bytes read past the handshake are returned. On failure the socket is destroyed
 * and the promise rejects with an {@link AuthError}; nothing but handshake frames was read.
 */
export function authenticate(socket: Duplex, opts: AuthOptions): Promise<AuthResult> {
  const key = secretKey(opts.secret);
  const binding = opts.binding ?? new Uint8Array(0);
  const myNonce = randomBytes(NONCE_BYTES);
  let theirNonce: Uint8Array | undefined;
  let step = 0;

  return new Promise<AuthResult>((resolve, reject) => {
    let settled = false;
    const cleanup = () => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('error', onError);
      socket.off('end', onClose);
    };
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      cleanup();
      socket.destroy();
      reject(new AuthError(why));
    };
    const succeed = (leftover: Uint8Array[]) => {
      if (settled) return;
      settled = true;
      cleanup();
      socket.pause();
      resolve({ leftover });
    };
    const write = (parts: Uint8Array[]) => {
      socket.cork();
      for (const p of encodeFrame(parts)) socket.write(p);
      socket.uncork();
    };
    const timer = setTimeout(() => fail(`handshake timed out after ${opts.timeoutMs} ms`), opts.timeoutMs);
    const onClose = () => fail('connection closed during the handshake');
    const onError = (err: Error) => fail(`connection error during the handshake: ${err.message}`);

    // Returns true when the handshake is complete after this frame.
    const onFrame = (frame: Uint8Array): boolean => {
      if (opts.side === 'acceptor') {
        // The only frame an acceptor reads before authentication: MAGIC nonceI proofI role.
        const fixed = MAGIC.byteLength + NONCE_BYTES + PROOF_BYTES;
        if (!hasMagic(frame) || frame.byteLength < fixed) throw new AuthError('not a sluice handshake');
        theirNonce = frame.slice(MAGIC.byteLength, MAGIC.byteLength + NONCE_BYTES);
        const theirProof = frame.subarray(MAGIC.byteLength + NONCE_BYTES, fixed);
        const role = Buffer.from(frame.subarray(fixed)).toString('utf8');
        const expected = proof(key, 'initiator', opts.role, myNonce, theirNonce, binding);
        if (!sameBytes(theirProof, expected)) {
          throw new AuthError(role === opts.role ? 'peer failed to prove the shared secret' : `peer asked for role '${role.slice(0, 64)}', this endpoint serves '${opts.role}'`);
        }
        write([proof(key, 'acceptor', opts.role, myNonce, theirNonce, binding)]);
        return true;
      }
      if (step === 0) {
        if (!hasMagic(frame) || frame.byteLength !== MAGIC.byteLength + NONCE_BYTES) throw new AuthError('not a sluice endpoint');
        theirNonce = frame.slice(MAGIC.byteLength);
        step = 1;
        write([MAGIC, myNonce, proof(key, 'initiator', opts.role, theirNonce, myNonce, binding), Buffer.from(opts.role, 'utf8')]);
        return false;
      }
      const expected = proof(key, 'acceptor', opts.role, theirNonce!, myNonce, binding);
      if (!sameBytes(frame, expected)) throw new AuthError('the endpoint failed to prove the shared secret (or serves another role)');
      return true;
    };

    // Handshake frames are cut one at a time by hand, so that whatever follows the last one
    // (a peer may start talking at once) is handed over untouched, whatever its size.
    let buffered: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      try {
        buffered = buffered.byteLength === 0 ? chunk : Buffer.concat([buffered, chunk]);
        while (buffered.byteLength >= FRAME_HEADER_BYTES) {
          const length = buffered.readUInt32BE(0);
          if (length > MAX_HANDSHAKE_FRAME) throw new AuthError(`malformed handshake: a frame of ${length} bytes`);
          if (buffered.byteLength < FRAME_HEADER_BYTES + length) return;
          const frame = buffered.subarray(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + length);
          buffered = buffered.subarray(FRAME_HEADER_BYTES + length);
          if (onFrame(frame)) return succeed(buffered.byteLength > 0 ? [buffered] : []);
        }
        if (buffered.byteLength > MAX_HANDSHAKE_FRAME + FRAME_HEADER_BYTES) throw new AuthError('malformed handshake');
      } catch (err) {
        fail(err instanceof AuthError ? err.message : String(err));
      }
    };
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.on('end', onClose);
    socket.on('error', onError);
    if (opts.side === 'acceptor') write([MAGIC, myNonce]);
  });
}
