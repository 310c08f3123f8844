// Starts test DNS servers in their own process (to run inside a network namespace), one process
// for all of them so a test adds as few busy processes as possible to the machine it measures:
//   node --import tsx test/helpers/dns-server-cli.ts '[{"host":"10.231.1.2","port":5301,"delayMs":10}, …]'
// Prints "held PORT MS" for each answer (its real hold time), "ready" once all listen; stops on SIGTERM.
import { startDnsServer, type DnsServer, type DnsServerOptions } from './dns-server.js';

const parsed = JSON.parse(process.argv[2] ?? '{}') as DnsServerOptions | DnsServerOptions[];
const servers: DnsServer[] = [];
for (const options of Array.isArray(parsed) ? parsed : [parsed]) {
  servers.push(await startDnsServer({ ...options, onAnswer: (heldMs) => process.stdout.write(`held ${options.port} ${heldMs.toFixed(3)}\n`) }));
}
process.stdout.write(`ready ${servers.map((s) => s.port).join(' ')}\n`);
process.on('SIGTERM', () => {
  void Promise.all(servers.map((s) => s.close())).then(() => process.exit(0));
});
