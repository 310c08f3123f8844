
import { exchange } from '../src/engines/dns/transport.ts';
for (const port of [5300, 5301, 5302]) {
  const t = [];
  for (let i = 0; i < 40; i++) { const r = await exchange('10.231.129.2', port, { name: 'api.internal.example.com', type: 'A' }, 1000, new AbortController().signal); t.push(r.responseMs); await new Promise(r => setTimeout(r, 5)); }
  t.sort((a, b) => a - b);
  console.log(port, 'min', t[0].toFixed(3), 'p50', t[20].toFixed(3), 'p90', t[36].toFixed(3), 'max', t[39].toFixed(3));
}