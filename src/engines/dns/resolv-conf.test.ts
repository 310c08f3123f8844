import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseResolvConf } from './resolv-conf.js';

describe('parseResolvConf', () => {
  const cases: [string, string[]][] = [
    ['nameserver 10.0.0.53\n', ['10.0.0.53']],
    ['# comment\nsearch example.com\nnameserver 192.0.2.1\nnameserver 2001:db8::53\noptions ndots:2\n', ['192.0.2.1', '2001:db8::53']],
    ['nameserver   192.0.2.1   # trailing comment\n', ['192.0.2.1']],
    ['nameserver fe80::1%eth0\n', ['fe80::1%eth0']],
    ['; nameserver 192.0.2.9\n#nameserver 192.0.2.8\n', []],
    ['nameserver dns.example.com\nnameserver\n', []],
    ['', []],
  ];
  for (const [text, expected] of cases) test(JSON.stringify(text), () => assert.deepEqual(parseResolvConf(text), expected));
});
