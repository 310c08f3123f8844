import { createLineTopology } from '../test/helpers/netns.js';
const t = await createLineTopology();
try {
  console.log(t.hopAddresses, t.serverAddress);
  console.log(await t.client.run('mtr', ['--json', '-n', '-c', '3', '-i', '0.1', '-G', '1', '-o', 'LSRNABWVJMXI', t.serverAddress]));
  // drop ICMP time-exceeded from r2 
  await t.r2.run('nft', ['add', 'table', 'inet', 'fluxtest']);
  await t.r2.run('nft', ['add', 'chain', 'inet', 'fluxtest', 'out', '{ type filter hook output priority 0 ; }']);
  await t.r2.run('nft', ['add', 'rule', 'inet', 'fluxtest', 'out', 'icmp', 'type', 'time-exceeded', 'drop']);
  console.log(await t.client.run('mtr', ['--json', '-n', '-c', '3', '-i', '0.1', '-G', '1', t.serverAddress]));
  const unreach = t.serverAddress.replace(/\.2$/, '.77');
  console.log(await t.client.run('mtr', ['--json', '-n', '-c', '2', '-i', '0.1', '-G', '1', '-m', '6', unreach]));
} finally { await t.destroy(); }
