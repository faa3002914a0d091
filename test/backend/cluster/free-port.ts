import { createServer } from 'node:net';

/** A TCP port on loopback that nothing listens on right now (for a driver told where to listen). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}
