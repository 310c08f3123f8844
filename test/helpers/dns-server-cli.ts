// Starts a test DNS server as its own process (to run inside a network namespace):
//   node --import tsx test/helpers/dns-server-cli.ts '{"host":"10.231.1.2","port":5301,"delayMs":10}'
// Prints "ready <port>" once listening; stops on SIGTERM.
import { startDnsServer, type DnsServerOptions } from './dns-server.js';

const options = JSON.parse(process.argv[2] ?? '{}') as DnsServerOptions;
// Each answer's real hold time, so a test can tell the server's delay from the client's error.
const server = await startDnsServer({ ...options, onAnswer: (heldMs) => process.stdout.write(`held ${heldMs.toFixed(3)}\n`) });
process.stdout.write(`ready ${server.port}\n`);
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
