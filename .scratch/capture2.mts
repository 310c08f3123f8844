import { writeFileSync } from 'node:fs';
import { createLineTopology } from '../test/helpers/netns.js';
const t = await createLineTopology();
const dir = 'src/engines/trace/fixtures';
const o = ['-o', 'LSRNBAWVJMXI'];
try {
  writeFileSync(`${dir}/mtr-tcp.json`, await t.client.run('mtr', ['--json', '-n', '-c', '3', '-i', '0.1', '-G', '1', '--tcp', '-P', '22', ...o, '--', t.serverAddress]));
  writeFileSync(`${dir}/mtr-udp.json`, await t.client.run('mtr', ['--json', '-n', '-c', '3', '-i', '0.1', '-G', '1', '--udp', ...o, '--', t.serverAddress]));
  writeFileSync(`${dir}/topology.txt`, `hops ${t.hopAddresses.join(' ')}\n`);
} finally { await t.destroy(); }
