// Test services for probes, as their own process (to run inside a namespace):
//   node --import tsx test/helpers/listener-cli.ts '{"host":"10.231.1.2","tcp":[7001],"udpEcho":[7004],"udpSilent":[7006]}'
// TCP ports accept and close; udpEcho ports send each datagram back; udpSilent ports read and
// never answer. Prints "ready" once every socket listens; stops on SIGTERM.
import dgram from 'node:dgram';
import net from 'node:net';

const options = JSON.parse(process.argv[2] ?? '{}') as { host: string; tcp?: number[]; udpEcho?: number[]; udpSilent?: number[] };
const closers: (() => void)[] = [];
for (const port of options.tcp ?? []) {
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    socket.end();
  });
  await new Promise<void>((resolve) => server.listen(port, options.host, resolve));
  closers.push(() => server.close());
}
for (const [port, echo] of [...(options.udpEcho ?? []).map((p) => [p, true] as const), ...(options.udpSilent ?? []).map((p) => [p, false] as const)]) {
  const socket = dgram.createSocket('udp4');
  if (echo) socket.on('message', (message, peer) => socket.send(message, peer.port, peer.address));
  await new Promise<void>((resolve) => socket.bind(port, options.host, resolve));
  closers.push(() => socket.close());
}
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  for (const close of closers) close();
  process.exit(0);
});
