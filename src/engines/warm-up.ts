import dgram from 'node:dgram';
import net from 'node:net';

/**
 * The first socket operations in a process run cold code (V8 compiles Node's net and dgram
 * internals lazily), which adds 1-3 ms to whatever is timed first: a first TCP probe on a
 * 0.1 ms path reported 3 ms. One TCP connect and one UDP round trip on loopback, once per
 * process, before the first measurement keep that out of the figures. Failure is harmless.
 */
let warmed: Promise<void> | undefined;

function tcpLoop(): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => socket.end());
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      const client = net.connect({ host: '127.0.0.1', port });
      client.on('connectionAttempt', () => {});
      client.once('error', reject);
      client.once('connect', () => {
        client.destroy();
        server.close(() => resolve());
      });
    });
  });
}

function udpLoop(): Promise<void> {
  return new Promise((resolve, reject) => {
    const echo = dgram.createSocket('udp4');
    const client = dgram.createSocket('udp4');
    const done = () => {
      echo.close();
      client.close();
      resolve();
    };
    echo.once('error', reject);
    client.once('error', reject);
    echo.on('message', (message, peer) => echo.send(message, peer.port, peer.address));
    client.on('message', done);
    echo.bind(0, '127.0.0.1', () => client.connect(echo.address().port, '127.0.0.1', () => client.send(Buffer.from('warm'))));
  });
}

export function warmSocketPaths(): Promise<void> {
  warmed ??= Promise.race([
    (async () => {
      await tcpLoop();
      await udpLoop();
    })(),
    new Promise<void>((resolve) => setTimeout(resolve, 1000).unref()),
  ]).catch(() => {});
  return warmed;
}
