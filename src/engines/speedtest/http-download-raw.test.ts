// The plain-socket download loop against real HTTP servers on loopback: what it counts, what it
// hands back to node:http, and how it fails.
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { startSpeedListener } from '../../speed-server/listener.js';
import { rawDownloadLoop } from './http-download-raw.js';
import { PhaseError } from './http-errors.js';

const servers: (HttpServer | NetServer)[] = [];
after(() => {
  for (const server of servers) {
    (server as HttpServer).closeAllConnections?.();
    server.close();
  }
});

async function listen<T extends HttpServer | NetServer>(server: T): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

function httpServer(handler: (req: IncomingMessage, res: ServerResponse) => void): HttpServer {
  return createHttpServer(handler);
}

/** Runs the loop until `answers` full answers were asked for and counted (or it ends by itself). */
function download(url: string, options: { stopAfterRequests?: number; headers?: Record<string, string> } = {}) {
  const counted = { bytes: 0, requests: 0 };
  const sockets = new Set<Socket>();
  const limit = options.stopAfterRequests ?? 5;
  const outcome = rawDownloadLoop({
    url,
    address: '127.0.0.1',
    headers: options.headers ?? { 'user-agent': 'flux-speed-agent' },
    sockets,
    stopped: () => counted.requests >= limit,
    count: (n) => (counted.bytes += n),
    onRequest: () => counted.requests++,
  });
  return { counted, sockets, outcome };
}

describe('plain-socket HTTP download loop', () => {
  it('counts exactly the Content-Length bodies of our speed endpoint, request after request on one connection', async () => {
    const listener = await startSpeedListener({ host: '127.0.0.1', port: 0 });
    try {
      const run = download(`${listener.baseUrl}/speed/download?bytes=300000`, { stopAfterRequests: 4 });
      assert.equal(await run.outcome, 'stopped');
      // Four asked; the loop stops once the fourth answer is complete, so all four are counted whole.
      assert.equal(run.counted.requests, 4);
      assert.equal(run.counted.bytes, 4 * 300_000);
      assert.equal(run.sockets.size, 0, 'no socket left open');
    } finally {
      await listener.close();
    }
  });

  it('sends Host, the credential and the path and query, and reuses the connection', async () => {
    const seen: { url?: string; host?: string; authorization?: string; port: number }[] = [];
    const url = await listen(httpServer((req, res) => {
      seen.push({ url: req.url, host: req.headers.host, authorization: req.headers.authorization, port: req.socket.remotePort! });
      res.writeHead(200, { 'content-length': '1000' }).end(Buffer.alloc(1000));
    }));
    const run = download(`${url}/files/10MB.bin?x=1`, { stopAfterRequests: 3, headers: { authorization: 'Bearer abc' } });
    assert.equal(await run.outcome, 'stopped');
    assert.equal(run.counted.bytes, 3000);
    assert.equal(seen.length, 3);
    assert.deepEqual(seen[0], { url: '/files/10MB.bin?x=1', host: new URL(url).host, authorization: 'Bearer abc', port: seen[0]!.port });
    assert.equal(new Set(seen.map((s) => s.port)).size, 1, 'one kept-alive connection');
  });

  it('a server that closes after every answer: a new connection each time, every byte counted', async () => {
    const ports = new Set<number>();
    const url = await listen(httpServer((req, res) => {
      ports.add(req.socket.remotePort!);
      res.writeHead(200, { 'content-length': '5000', connection: 'close' }).end(Buffer.alloc(5000));
    }));
    const run = download(url, { stopAfterRequests: 4 });
    assert.equal(await run.outcome, 'stopped');
    assert.equal(run.counted.bytes, 4 * 5000);
    assert.equal(ports.size, 4);
  });

  it('a chunked answer is handed back to node:http before a byte is counted', async () => {
    const url = await listen(httpServer((_req, res) => {
      res.writeHead(200);
      res.write(Buffer.alloc(100));
      res.end(Buffer.alloc(100));
    }));
    const run = download(url);
    assert.equal(await run.outcome, 'unsupported');
    assert.equal(run.counted.bytes, 0);
  });

  it('https and header values that could split the request are left to node:http', async () => {
    assert.equal(await download('https://127.0.0.1:1/x').outcome, 'unsupported');
    assert.equal(await download('http://127.0.0.1:1/x', { headers: { authorization: 'a\r\nX-Evil: 1' } }).outcome, 'unsupported');
  });

  it('a refused credential fails with the status named', async () => {
    const url = await listen(httpServer((_req, res) => res.writeHead(401, { 'content-length': '0' }).end()));
    await assert.rejects(download(`${url}/speed/download`).outcome, (error: Error) => error instanceof PhaseError && /answered 401: the agent's credential was refused/.test(error.message));
  });

  it('a head split over many reads is parsed; a connection cut mid-body is a failure that says so', async () => {
    let connection = 0;
    const url = await listen(createNetServer((socket) => {
      socket.on('error', () => {});
      connection++;
      const head = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n', 'latin1');
      let i = 0;
      // The head one byte per write (each its own read on the client), then part of the body.
      const next = () => {
        if (i < head.length) {
          socket.write(head.subarray(i, ++i));
          setTimeout(next, 1);
        } else if (connection === 1) socket.end(Buffer.alloc(2000));
        else socket.end(Buffer.alloc(700));
      };
      socket.once('data', next);
    }));
    // First connection: one whole answer, then the server closes: the loop reconnects; the second
    // connection ends after 700 of 2,000 body bytes.
    const run = download(url, { stopAfterRequests: 10 });
    await assert.rejects(run.outcome, (error: Error) => error instanceof PhaseError && /closed mid-body/.test(error.message));
    assert.equal(run.counted.bytes, 2000 + 700);
    assert.equal(connection, 2);
  });

  it('a closed port fails naming the error', async () => {
    const server = createNetServer();
    const url = await listen(server);
    await new Promise((resolve) => server.close(resolve));
    await assert.rejects(download(url).outcome, (error: Error) => error instanceof PhaseError && /ECONNREFUSED/.test(error.message));
  });
});
