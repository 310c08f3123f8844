import { writeFileSync } from 'node:fs';
import { createLineTopology } from '../test/helpers/netns.js';
import { startNodeIn } from '../test/helpers/in-namespace.js';
const net = await createLineTopology();
const servers = [];
try {
  for (const [port, delayMs] of [[5300, 0], [5301, 2], [5302, 10]]) servers.push(await startNodeIn(net.server, 'test/helpers/dns-server-cli.ts', [JSON.stringify({ host: net.serverAddress, port, delayMs })]));
  writeFileSync('.scratch/dnsrun2.mts', `
import { exchange } from '../src/engines/dns/transport.ts';
for (const port of [5300, 5301, 5302]) {
  const t = [];
  for (let i = 0; i < 40; i++) { const r = await exchange('${net.serverAddress}', port, { name: 'api.internal.example.com', type: 'A' }, 1000, new AbortController().signal); t.push(r.responseMs); await new Promise(r => setTimeout(r, 5)); }
  t.sort((a, b) => a - b);
  console.log(port, 'min', t[0].toFixed(3), 'p50', t[20].toFixed(3), 'p90', t[36].toFixed(3), 'max', t[39].toFixed(3));
}`);
  console.log(await net.client.run('node', ['--import', 'tsx', '.scratch/dnsrun2.mts']));
} finally { for (const s of servers) await s.stop(); await net.destroy(); }
