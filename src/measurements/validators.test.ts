import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hostnameError, ipAddressError, isIpAddress, parseResolver, resolverError, speedtestTargetError, targetError, urlError } from './validators.js';

const OK = undefined;

describe('targetError (trace and probe targets)', () => {
  const cases: [string, string | undefined][] = [
    ['8.8.8.8', OK],
    ['db-prod-01.internal', OK],
    ['api.internal.example.com.', OK],
    ['2001:db8::1', OK],
    ['::1', OK],
    ['fe80::1%eth0', OK],
    ['localhost', OK],
    ['', 'must not be empty'],
    ['-oProxyCommand=sh', "must not start with '-' (it would be read as a program option)"],
    ['--help', "must not start with '-' (it would be read as a program option)"],
    ['host name', 'must not contain whitespace'],
    ['host\tname', 'must not contain whitespace'],
    ['host\nname', 'must not contain whitespace'],
    ['a\u0000b', 'must not contain control characters'],
    ['host;reboot', 'must not contain shell metacharacters such as ; | & $ ` < > ( ) * ?'],
    ['$(id)', 'must not contain shell metacharacters such as ; | & $ ` < > ( ) * ?'],
    ['`id`', 'must not contain shell metacharacters such as ; | & $ ` < > ( ) * ?'],
    ['a|b', 'must not contain shell metacharacters such as ; | & $ ` < > ( ) * ?'],
    ['a&b', 'must not contain shell metacharacters such as ; | & $ ` < > ( ) * ?'],
    ['../../etc/passwd', "must not contain '/' or '..' (a path is not a host)"],
    ['host/path', "must not contain '/' or '..' (a path is not a host)"],
    ['http://example.com', "must not contain '/' or '..' (a path is not a host)"],
    ['example.com:443', 'must be a hostname or an IP address (no port, no URL)'],
    ['999.1.1.1', 'is neither a valid IP address nor a hostname (a top-level label is never all digits)'],
    ['bad-.example.com', 'must be a hostname or an IP address: letters, digits, - and _ in dot-separated labels, no label starting or ending with -'],
    ['fe80::1%eth0;id', 'must be a hostname or an IP address (no port, no URL)'],
    [`${'a'.repeat(64)}.com`, 'labels must be at most 63 characters'],
    [`${'abcdefghi.'.repeat(26)}com`, 'must be at most 253 characters'],
  ];
  for (const [value, expected] of cases) {
    test(`${JSON.stringify(value)} → ${expected ?? 'ok'}`, () => assert.equal(targetError(value), expected));
  }
});

describe('hostnameError', () => {
  const cases: [string, string | undefined][] = [
    ['_sip._tcp.example.com', OK],
    ['xn--bcher-kva.example', OK],
    ['a', OK],
    ['.', 'must be a hostname'],
    ['a..b', "must not contain '/' or '..' (a path is not a host)"],
    ['.example.com', 'must not contain empty labels (..)'],
    ['10.0.0.1', 'is neither a valid IP address nor a hostname (a top-level label is never all digits)'],
    ['-x.example', "must not start with '-' (it would be read as a program option)"],
  ];
  for (const [value, expected] of cases) {
    test(`${JSON.stringify(value)} → ${expected ?? 'ok'}`, () => assert.equal(hostnameError(value), expected));
  }
});

describe('isIpAddress / ipAddressError', () => {
  const cases: [string, boolean][] = [
    ['127.0.0.1', true],
    ['::ffff:10.0.0.1', true],
    ['fe80::1%lo', true],
    ['10.0.0.1%eth0', false],
    ['fe80::1%a%b', false],
    ['256.0.0.1', false],
    ['1.2.3', false],
    ['localhost', false],
  ];
  for (const [value, expected] of cases) test(`${value} → ${expected}`, () => assert.equal(isIpAddress(value), expected));
  test('explains', () => {
    assert.equal(ipAddressError('localhost'), 'must be an IPv4 or IPv6 address');
    assert.equal(ipAddressError('-1'), "must not start with '-' (it would be read as a program option)");
  });
});

describe('parseResolver / resolverError', () => {
  const cases: [string, { address: string; port: number } | undefined][] = [
    ['8.8.8.8', { address: '8.8.8.8', port: 53 }],
    ['192.168.1.1:5353', { address: '192.168.1.1', port: 5353 }],
    ['2001:db8::53', { address: '2001:db8::53', port: 53 }],
    ['[2001:db8::53]:5353', { address: '2001:db8::53', port: 5353 }],
    ['[::1]', { address: '::1', port: 53 }],
    ['1.1.1.1:0', undefined],
    ['1.1.1.1:65536', undefined],
    ['[1.1.1.1]:53', undefined],
    ['dns.google', undefined],
    ['dns.google:53', undefined],
    ['-1.1.1.1', undefined],
  ];
  for (const [value, expected] of cases) test(`${value}`, () => assert.deepEqual(parseResolver(value), expected));
  test('explains', () => {
    assert.equal(resolverError('dns.google'), 'must be an IP address, ip:port or [ipv6]:port (a resolver is queried directly, not looked up by name)');
    assert.equal(resolverError('8.8.8.8'), undefined);
    assert.equal(resolverError(' 8.8.8.8'), 'must not contain whitespace');
  });
});

describe('speedtestTargetError', () => {
  const cases: [string, string | undefined][] = [
    ['auto', OK],
    ['server', OK],
    ['agent:BRANCH-01', OK],
    ['iperf-lab', OK],
    ['speedtest.example.net', OK],
    ['10.0.0.5:5201', OK],
    ['10.0.0.5', OK],
    ['[2001:db8::5]:5201', OK],
    ['http://speed.example.net', OK],
    ['https://speed.example.net/100MB.bin', OK],
    ['agent:bad name', 'must not contain whitespace'],
    ['agent:$(id)', 'agent:NAME needs an agent name of letters, digits, . _ -'],
    ['host:0', 'port must be 1-65535'],
    ['host:99999', 'port must be 1-65535'],
    ['-c', "must not start with '-' (it would be read as a program option)"],
    ['ftp://example.com', "must not contain '/' or '..' (a path is not a host)"],
    ['https://user:pw@example.com/', 'must not carry credentials (user:password@)'],
    ['a;b', 'must be auto, server, agent:NAME, a target name, an http(s) URL, or host[:port]'],
  ];
  for (const [value, expected] of cases) test(`${JSON.stringify(value)} → ${expected ?? 'ok'}`, () => assert.equal(speedtestTargetError(value), expected));
});

describe('urlError', () => {
  const cases: [string, string | undefined][] = [
    ['https://example.com/upload', OK],
    ['http://[::1]:8080/x', OK],
    ['file:///etc/passwd', 'must be an http(s) URL'],
    ['not a url', 'must not contain whitespace'],
    ['nonsense', 'must be an http(s) URL'],
    ['http://exa_mple..com/', 'must name a valid host'],
  ];
  for (const [value, expected] of cases) test(`${JSON.stringify(value)} → ${expected ?? 'ok'}`, () => assert.equal(urlError(value), expected));
});
