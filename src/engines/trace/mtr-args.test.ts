import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { explainMtrFailure, mtrArgs } from './mtr-args.js';

describe('mtrArgs', () => {
  const base = { target: 'example.com', count: 30, interval_ms: 100, max_hops: 30, protocol: 'icmp' as const };
  const cases: [string, Parameters<typeof mtrArgs>[0], string[]][] = [
    ['icmp, the brief’s example', base, ['--json', '-n', '-c', '30', '-i', '0.1', '-G', '5', '-m', '30', '-o', 'LSRNBAWVJMXI', '--', '192.0.2.1']],
    ['tcp with a port, names on', { ...base, protocol: 'tcp', port: 443, reverse_dns: true, interval_ms: 1000, count: 10 }, ['--json', '-b', '-c', '10', '-i', '1', '-G', '5', '-m', '30', '-o', 'LSRNBAWVJMXI', '--tcp', '-P', '443', '--', '192.0.2.1']],
    ['udp without a port uses mtr’s', { ...base, protocol: 'udp', interval_ms: 250, max_hops: 8 }, ['--json', '-n', '-c', '30', '-i', '0.25', '-G', '5', '-m', '8', '-o', 'LSRNBAWVJMXI', '--udp', '--', '192.0.2.1']],
  ];
  for (const [name, spec, expected] of cases) test(name, () => assert.deepEqual(mtrArgs(spec, '192.0.2.1', 5), expected));
});

describe('explainMtrFailure', () => {
  const cases: [string, number | null, string][] = [
    ['mtr-packet: Failure to open IPv4 sockets: Permission denied\nmtr-packet: Failure to open IPv6 sockets: Permission denied\nmtr: Failure to start mtr-packet: Invalid argument\n', 1, 'mtr cannot open raw sockets on this agent (mtr-packet: Failure to open IPv6 sockets: Permission denied; mtr: Failure to start mtr-packet: Invalid argument): give mtr-packet the capability (setcap cap_net_raw+ep $(command -v mtr-packet)) or run the agent as root'],
    ['mtr: non-root users cannot request an interval < 1.0 seconds\n', 1, 'mtr refuses an interval below 1 s for a non-root user: use interval_ms ≥ 1000 or run the agent as root'],
    ['mtr: Failed to resolve host: db.internal: Name or service not known\n', 1, 'mtr could not resolve the target: mtr: Failed to resolve host: db.internal: Name or service not known'],
    ['', 2, 'mtr exited with code 2 and no message'],
    ['', null, 'mtr exited with a signal and no message'],
  ];
  for (const [stderr, code, expected] of cases) test(expected.slice(0, 60), () => assert.equal(explainMtrFailure(stderr, code), expected));
});
