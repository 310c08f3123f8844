import { writeFileSync } from 'node:fs';
import { createLineTopology } from '../test/helpers/netns.js';
const t = await createLineTopology();
const dir = 'src/engines/trace/fixtures';
const o = ['-o', 'LSRNBAWVJMXI'];
try {
  writeFileSync(`${dir}/mtr-3-hops.json`, await t.client.run('mtr', ['--json', '-n', '-c', '5', '-i', '0.1', '-G', '1', ...o, '--', t.serverAddress]));
  await t.r2.run('nft', ['add', 'table', 'inet', 'fluxtest']);
  await t.r2.run('nft', ['add', 'chain', 'inet', 'fluxtest', 'out', '{ type filter hook output priority 0 ; }']);
  await t.r2.run('nft', ['add', 'rule', 'inet', 'fluxtest', 'out', 'icmp', 'type', 'time-exceeded', 'numgen', 'random', 'mod', '100', '<', '50', 'drop']);
  writeFileSync(`${dir}/mtr-loss-at-hop-2.json`, await t.client.run('mtr', ['--json', '-n', '-c', '20', '-i', '0.05', '-G', '1', ...o, '--', t.serverAddress]));
  await t.r2.run('nft', ['flush', 'chain', 'inet', 'fluxtest', 'out']);
  await t.r2.run('nft', ['add', 'rule', 'inet', 'fluxtest', 'out', 'icmp', 'type', 'time-exceeded', 'drop']);
  writeFileSync(`${dir}/mtr-silent-hop-2.json`, await t.client.run('mtr', ['--json', '-n', '-c', '3', '-i', '0.1', '-G', '1', ...o, '--', t.serverAddress]));
  const unreach = t.serverAddress.replace(/\.2$/, '.77');
  writeFileSync(`${dir}/mtr-unreached.json`, await t.client.run('mtr', ['--json', '-n', '-c', '3', '-i', '0.1', '-G', '1', '-m', '8', ...o, '--', unreach]));
  writeFileSync(`${dir}/mtr-tcp.json`, await t.client.run('mtr', ['--json', '-n', '-c', '3', '-i', '0.1', '-G', '1', '--tcp', '-P', '22', ...o, '--', t.serverAddress]));
  writeFileSync(`${dir}/mtr-udp.json`, await t.client.run('mtr', ['--json', '-n', '-c', '3', '-i', '0.1', '-G', '1', '--udp', ...o, '--', t.serverAddress]));
  writeFileSync(`${dir}/mtr-names-localhost.json`, await t.client.run('mtr', ['--json', '-b', '-c', '2', '-i', '0.1', '-G', '1', ...o, '--', '127.0.0.1']));
  console.log(t.hopAddresses, t.serverAddress);
} finally { await t.destroy(); }
