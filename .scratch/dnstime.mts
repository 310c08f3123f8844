import { startDnsServer } from '../test/helpers/dns-server.js';
import { exchange } from '../src/engines/dns/transport.js';
const s = await startDnsServer({});
for (let i = 0; i < 5; i++) {
  const r = await exchange(s.address, s.port, { name: 'api.internal.example.com', type: 'A' }, 1000, new AbortController().signal);
  console.log(r.ok && r.responseMs);
}
await s.close();
