import { createLineTopology } from '../test/helpers/netns.js';
import { startNodeIn } from '../test/helpers/in-namespace.js';
const net = await createLineTopology();
const servers = [];
try {
  for (const [port, delayMs] of [[5301, 2], [5302, 10], [5303, 50], [5304, 150]]) servers.push(await startNodeIn(net.server, 'test/helpers/dns-server-cli.ts', [JSON.stringify({ host: net.serverAddress, port, delayMs })]));
  const script = `
import { createDnsEngine } from '../src/engines/dns/engine.ts';
import pino from 'pino';
const dns = createDnsEngine();
for (let i = 0; i < 4; i++) {
  const r = await dns({ hostname: 'api.internal.example.com', resolvers: [5301,5302,5303,5304].map(p => '${net.serverAddress}:' + p), record_type: 'A', timeout_ms: 1000 }, { signal: new AbortController().signal, log: pino({level:'silent'}), onProgress() {}, agentVersion: 'x' });
  console.log(r.details.resolvers.map(o => o.response_ms).join(' '));
}
for (let i = 0; i < 3; i++) {
  for (const p of [5301, 5302]) {
  const r = await dns({ hostname: 'api.internal.example.com', resolvers: ['${net.serverAddress}:' + p], record_type: 'A', timeout_ms: 1000 }, { signal: new AbortController().signal, log: pino({level:'silent'}), onProgress() {}, agentVersion: 'x' });
  console.log('single', p, r.details.resolvers.map(o => o.response_ms).join(' '));
  }
}`;
  const { writeFileSync } = await import('node:fs');
  writeFileSync('.scratch/dnsrun.mts', script);
  console.log(await net.client.run('node', ['--import', 'tsx', '.scratch/dnsrun.mts']));
} finally { for (const s of servers) await s.stop(); await net.destroy(); }
