import assert from 'node:assert/strict';
import type { NetworkInterfaceInfo } from 'node:os';
import { describe, test } from 'node:test';
import { unprivilegedMtr } from '../../test/helpers/unprivileged-mtr.js';
import { requires } from '../../test/helpers/tools.js';
import { Value } from 'typebox/value';
import { DiagnosticCapabilities, detectDiagnosticCapabilities, routableIpv6Addresses } from './capabilities.js';

const v6 = (address: string, internal = false) => ({ address, family: 'IPv6', internal, netmask: '', mac: '', cidr: null, scopeid: 0 }) as NetworkInterfaceInfo;
const v4 = (address: string) => ({ address, family: 'IPv4', internal: false, netmask: '', mac: '', cidr: null }) as NetworkInterfaceInfo;

describe('routableIpv6Addresses', () => {
  const cases: [string, NetworkInterfaceInfo[], string[]][] = [
    ['global unicast', [v6('2001:db8::5')], ['2001:db8::5']],
    ['unique local', [v6('fd00::2'), v6('fc12::1')], ['fd00::2', 'fc12::1']],
    ['link-local only', [v6('fe80::1')], []],
    ['loopback', [v6('::1', true)], []],
    ['IPv4 only', [v4('192.0.2.2')], []],
    ['multicast is not an address of ours', [v6('ff02::1')], []],
  ];
  for (const [name, infos, expected] of cases) test(name, () => assert.deepEqual(routableIpv6Addresses({ eth0: infos }), expected));
});

describe('detectDiagnosticCapabilities', () => {
  test('this host: mtr works with raw sockets', requires('mtr'), async () => {
    const caps = await detectDiagnosticCapabilities();
    assert.equal(caps.mtr.present, true);
    assert.equal(caps.mtr.raw_sockets, true, caps.mtr.reason);
    assert.match(caps.mtr.version!, /^\d+\.\d+/);
    assert.equal(caps.mtr.subsecond_interval, process.getuid?.() === 0);
    assert.equal(typeof caps.ipv6.loopback, 'boolean');
    assert.ok(Value.Check(DiagnosticCapabilities, caps), 'matches the hello schema');
  });

  test('IPv6 from the interfaces it is given', async () => {
    const caps = await detectDiagnosticCapabilities({ mtrPath: '/nonexistent/mtr', interfaces: () => ({ eth0: [v4('192.0.2.2'), v6('fe80::1')] }) });
    assert.deepEqual(caps.ipv6.addresses, []);
    assert.equal(caps.ipv6.global, false);
  });

  test('no mtr', async () => {
    const caps = await detectDiagnosticCapabilities({ mtrPath: '/nonexistent/mtr' });
    assert.deepEqual(caps.mtr, { present: false, version: null, raw_sockets: false, subsecond_interval: false, reason: 'mtr is not installed on this agent (apt-get install mtr-tiny)' });
  });

  test('mtr present but without raw sockets', requires('mtr', 'netns'), async () => {
    const wrapper = unprivilegedMtr();
    const caps = await detectDiagnosticCapabilities({ mtrPath: wrapper, uid: 65534 });
    assert.equal(caps.mtr.present, true);
    assert.equal(caps.mtr.raw_sockets, false);
    assert.match(caps.mtr.reason!, /^mtr cannot open raw sockets/);
  });
});
