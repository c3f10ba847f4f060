/**
 * Serves an in-process PGlite over the PostgreSQL wire protocol on a loopback port, so the
 * ordinary `pg` driver talks to it exactly as to a real server.
 *
 * Why not @electric-sql/pglite-socket 0.2.11: it hands PGlite one protocol message at a time; an
 * error inside an extended-protocol query then throws instead of being answered, the connection
 * is dropped and its queue stays blocked (reproduced: any constraint violation in a parameterised
 * query). Its fixed versions pin another PGlite than pglite-postgis does. Here each batch of
 * messages up to Sync, Query or Terminate goes to PGlite in one call, so PostgreSQL's own
 * "skip until Sync" error handling applies and errors come back as ErrorResponse messages.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

const sslRequestCode = 80877103;
const cancelRequestCode = 80877102;
const batchEnds = new Set([0x53 /* Sync */, 0x51 /* Query */, 0x58 /* Terminate */]);

export interface WireServer { port: number; close(): Promise<void> }

export async function serveOverWire(db: PGlite, host = '127.0.0.1'): Promise<WireServer> {
  // PGlite is one session: requests from all connections run one batch at a time, in order.
  let queue: Promise<unknown> = Promise.resolve();
  const run = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => {});
    return next;
  };
  const sockets = new Set<Socket>();

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    let buffer = Buffer.alloc(0);
    let started = false;
    let chain: Promise<void> = Promise.resolve();

    const takeBatch = (): Buffer | 'wait' | 'terminate' => {
      let offset = 0;
      while (offset + 5 <= buffer.length) {
        const type = buffer[offset];
        const length = buffer.readInt32BE(offset + 1);
        if (offset + 1 + length > buffer.length) return 'wait';
        offset += 1 + length;
        if (type === 0x58) return 'terminate';
        if (batchEnds.has(type)) {
          const batch = buffer.subarray(0, offset);
          buffer = buffer.subarray(offset);
          return batch;
        }
      }
      return 'wait';
    };

    const pump = async () => {
      for (;;) {
        if (!started) {
          if (buffer.length < 8) return;
          const length = buffer.readInt32BE(0);
          const code = buffer.readInt32BE(4);
          if (code === sslRequestCode) { socket.write('N'); buffer = buffer.subarray(8); continue; }
          if (code === cancelRequestCode) { socket.end(); return; }
          if (buffer.length < length) return;
          const startup = buffer.subarray(0, length);
          buffer = buffer.subarray(length);
          started = true;
          socket.write(await run(() => db.execProtocolRaw(new Uint8Array(startup))));
          continue;
        }
        const batch = takeBatch();
        if (batch === 'wait') return;
        if (batch === 'terminate') { socket.end(); return; }
        const answer = await run(() => db.execProtocolRaw(new Uint8Array(batch)));
        if (socket.writable) socket.write(answer);
      }
    };

    socket.on('data', (data) => {
      buffer = Buffer.concat([buffer, data]);
      chain = chain.then(pump).catch(() => { socket.destroy(); });
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      sockets.delete(socket);
      // A client that vanished mid-transaction must not leave the single session inside it.
      chain = chain.then(() => run(async () => { if (db.isInTransaction()) await db.exec('ROLLBACK'); })).catch(() => {});
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const address = server.address() as { port: number };
  return {
    port: address.port,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queue;
    },
  };
}
