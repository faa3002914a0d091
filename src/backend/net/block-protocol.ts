/**
 * Messages between a BlockClient and a block server, on a `blocks` connection.
 *
 * The client asks for byte ranges; the server answers each request in the order asked, one
 * request at a time, as `data` messages carrying the bytes as attachments, the last one
 * flagged, or one `err` message. Sequential answers keep a region's bytes in order on the wire.
 */

export const BLOCKS_ROLE = 'blocks';

export interface GetRequest {
  t: 'get';
  id: number;
  blockId: string;
  start: number;
  end: number;
}

export type BlockReply = { t: 'data'; id: number; last: boolean } | { t: 'err'; id: number; reason: string };

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

/** The request, or undefined when `msg` is not a well-formed one. */
export function asGetRequest(msg: unknown): GetRequest | undefined {
  if (typeof msg !== 'object' || msg === null) return undefined;
  const m = msg as Record<string, unknown>;
  if (m.t !== 'get' || !isCount(m.id) || typeof m.blockId !== 'string' || !isCount(m.start) || !isCount(m.end) || m.start > m.end) return undefined;
  return { t: 'get', id: m.id, blockId: m.blockId, start: m.start, end: m.end };
}

/** The reply, or undefined when `msg` is not a well-formed one. */
export function asBlockReply(msg: unknown): BlockReply | undefined {
  if (typeof msg !== 'object' || msg === null) return undefined;
  const m = msg as Record<string, unknown>;
  if (!isCount(m.id)) return undefined;
  if (m.t === 'data' && typeof m.last === 'boolean') return { t: 'data', id: m.id, last: m.last };
  if (m.t === 'err' && typeof m.reason === 'string') return { t: 'err', id: m.id, reason: m.reason };
  return undefined;
}
