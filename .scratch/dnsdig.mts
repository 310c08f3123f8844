import { createLineTopology } from '../test/helpers/netns.js';
import { startNodeIn } from '../test/helpers/in-namespace.js';
const net = await createLineTopology();
const servers = [];
try {
  for (const [port, delayMs] of [[5301, 2], [5302, 10], [5300, 0]]) servers.push(await startNodeIn(net.server, 'test/helpers/dns-server-cli.ts', [JSON.stringify({ host: net.serverAddress, port, delayMs })]));
  for (const port of [5300, 5301, 5302, 5301, 5300]) {
    const out = await net.client.run('dig', [`@${net.serverAddress}`, '-p', String(port), '+tries=1', 'api.internal.example.com']);
    console.log(port, out.match(/Query time: .*/)?.[0]);
  }
  console.log(await net.client.run('ping', ['-c', '3', '-i', '0.2', net.serverAddress]));
} finally { for (const s of servers) await s.stop(); await net.destroy(); }
