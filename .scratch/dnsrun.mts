
import { createDnsEngine } from '../src/engines/dns/engine.ts';
import pino from 'pino';
const dns = createDnsEngine();
for (let i = 0; i < 4; i++) {
  const r = await dns({ hostname: 'api.internal.example.com', resolvers: [5301,5302,5303,5304].map(p => '10.231.189.2:' + p), record_type: 'A', timeout_ms: 1000 }, { signal: new AbortController().signal, log: pino({level:'silent'}), onProgress() {}, agentVersion: 'x' });
  console.log(r.details.resolvers.map(o => o.response_ms).join(' '));
}
for (let i = 0; i < 3; i++) {
  for (const p of [5301, 5302]) {
  const r = await dns({ hostname: 'api.internal.example.com', resolvers: ['10.231.189.2:' + p], record_type: 'A', timeout_ms: 1000 }, { signal: new AbortController().signal, log: pino({level:'silent'}), onProgress() {}, agentVersion: 'x' });
  console.log('single', p, r.details.resolvers.map(o => o.response_ms).join(' '));
  }
}