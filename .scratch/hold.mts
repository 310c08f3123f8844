import { startDnsServer } from '../test/helpers/dns-server.js';
import { exchange } from '../src/engines/dns/transport.js';
import { execFileSync } from 'node:child_process';
for (const delayMs of [0, 2, 10]) {
  const s = await startDnsServer({ delayMs });
  const times = [];
  for (let i = 0; i < 4; i++) {
    const r = await exchange(s.address, s.port, { name: 'api.internal.example.com', type: 'A' }, 1000, new AbortController().signal);
    times.push(r.ok && r.responseMs.toFixed(3));
  }
  console.log(delayMs, times.join(' '));
  await s.close();
}
