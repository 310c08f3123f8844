import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResolvedTarget } from './job.js';
import { resolveSpeedtestTarget, TargetError, type TargetOptions } from './targets.js';

const world: TargetOptions = {
  server: { base_url: 'http://flux.example.net:4040', reflector_port: 4040 },
  agents: [
    { name: 'HQ-CORE', host: '10.0.0.5', port: 4045, iperf3: true, location: 'Dallas, TX' },
    { name: 'BRANCH-01', host: '10.8.0.9', port: 4045, iperf3: false },
    { name: 'QUIET', host: undefined, port: undefined },
    { name: 'V6', host: '2001:db8::7', port: 4045, iperf3: true },
  ],
  targets: [
    { name: 'iperf-lab', kind: 'iperf3', address: 'lab.example.net:5202', location: 'Lab' },
    { name: 'mirror', kind: 'http', address: 'https://mirror.example.org/files/100MB.bin' },
    { name: 'flux-eu', kind: 'http', address: 'https://eu.flux.example.net/' },
    // A known name that looks like a host resolves as the known target, not as the host.
    { name: 'speed.example.com', kind: 'http', address: 'http://10.9.9.9:8080' },
  ],
};

const cases: { name: string; target: string; options?: TargetOptions; expected: ResolvedTarget[] }[] = [
  {
    name: 'server: this server’s /speed/* with its reflector',
    target: 'server',
    expected: [{ name: 'server', engine: 'http', host: 'flux.example.net', base_url: 'http://flux.example.net:4040', reflector_port: 4040 }],
  },
  {
    name: 'server keeps the agent credential the agent fills in',
    target: 'server',
    options: { server: { base_url: 'http://127.0.0.1:4040/', authorization: 'Bearer fsa_x' } },
    expected: [{ name: 'server', engine: 'http', host: '127.0.0.1', base_url: 'http://127.0.0.1:4040', authorization: 'Bearer fsa_x' }],
  },
  {
    name: 'agent:NAME: its AGENT_LISTEN endpoints over HTTP, reflector on the same port',
    target: 'agent:HQ-CORE',
    expected: [{ name: 'agent:HQ-CORE', engine: 'http', host: '10.0.0.5', base_url: 'http://10.0.0.5:4045', reflector_port: 4045, location: 'Dallas, TX' }],
  },
  {
    name: 'agent names match case-insensitively when no exact match exists',
    target: 'agent:branch-01',
    expected: [{ name: 'agent:BRANCH-01', engine: 'http', host: '10.8.0.9', base_url: 'http://10.8.0.9:4045', reflector_port: 4045 }],
  },
  {
    name: 'agent:NAME with engine iperf3: its managed iperf3 server on 5201',
    target: 'agent:HQ-CORE',
    options: { ...world, engine: 'iperf3' },
    expected: [{ name: 'agent:HQ-CORE', engine: 'iperf3', host: '10.0.0.5', port: 5201, reflector_port: 4045, location: 'Dallas, TX' }],
  },
  {
    name: 'an IPv6 agent gets a bracketed base URL',
    target: 'agent:V6',
    expected: [{ name: 'agent:V6', engine: 'http', host: '2001:db8::7', base_url: 'http://[2001:db8::7]:4045', reflector_port: 4045 }],
  },
  {
    name: 'a known iperf3 target',
    target: 'iperf-lab',
    expected: [{ name: 'iperf-lab', engine: 'iperf3', host: 'lab.example.net', port: 5202, location: 'Lab' }],
  },
  {
    name: 'a known HTTP target with a file path: a third-party download',
    target: 'mirror',
    expected: [{ name: 'mirror', engine: 'http', host: 'mirror.example.org', download_url: 'https://mirror.example.org/files/100MB.bin' }],
  },
  {
    name: 'a known name resolves before the same text is read as a host',
    target: 'speed.example.com',
    expected: [{ name: 'speed.example.com', engine: 'http', host: '10.9.9.9', base_url: 'http://10.9.9.9:8080', reflector_port: 8080 }],
  },
  {
    name: 'a URL with an empty path: that host’s /speed/* endpoints',
    target: 'https://speed.example.com',
    options: {},
    expected: [{ name: 'https://speed.example.com', engine: 'http', host: 'speed.example.com', base_url: 'https://speed.example.com', reflector_port: 443 }],
  },
  {
    name: 'a URL with a path: a download URL, query kept',
    target: 'http://cdn.example.com:8080/big.bin?x=1',
    options: {},
    expected: [{ name: 'http://cdn.example.com:8080/big.bin?x=1', engine: 'http', host: 'cdn.example.com', download_url: 'http://cdn.example.com:8080/big.bin?x=1' }],
  },
  {
    name: 'a download URL with an upload URL',
    target: 'http://cdn.example.com/big.bin',
    options: { upload_url: 'http://cdn.example.com/sink' },
    expected: [{ name: 'http://cdn.example.com/big.bin', engine: 'http', host: 'cdn.example.com', download_url: 'http://cdn.example.com/big.bin', upload_url: 'http://cdn.example.com/sink' }],
  },
  {
    name: 'a URL with engine iperf3: the URL’s host on 5201',
    target: 'http://lab.example.net/',
    options: { engine: 'iperf3' },
    expected: [{ name: 'http://lab.example.net/', engine: 'iperf3', host: 'lab.example.net', port: 5201 }],
  },
  { name: 'a bare host: iPerf3 on 5201', target: 'iperf.example.net', options: {}, expected: [{ name: 'iperf.example.net', engine: 'iperf3', host: 'iperf.example.net', port: 5201 }] },
  { name: 'host:port: iPerf3 on that port', target: '192.0.2.10:5202', options: {}, expected: [{ name: '192.0.2.10:5202', engine: 'iperf3', host: '192.0.2.10', port: 5202 }] },
  { name: 'a bare IPv6 address', target: '2001:db8::1', options: {}, expected: [{ name: '2001:db8::1', engine: 'iperf3', host: '2001:db8::1', port: 5201 }] },
  { name: '[v6]:port', target: '[2001:db8::1]:5300', options: {}, expected: [{ name: '[2001:db8::1]:5300', engine: 'iperf3', host: '2001:db8::1', port: 5300 }] },
  {
    name: 'host:port with engine http: its /speed/* endpoints',
    target: 'speed.lan:8080',
    options: { engine: 'http' },
    expected: [{ name: 'speed.lan:8080', engine: 'http', host: 'speed.lan', base_url: 'http://speed.lan:8080', reflector_port: 8080 }],
  },
];

describe('resolveSpeedtestTarget', () => {
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(resolveSpeedtestTarget(c.target, c.options ?? world), c.expected));
  }

  it('auto: every known candidate, never the agent running the test nor an agent without AGENT_LISTEN', () => {
    const got = resolveSpeedtestTarget('auto', { ...world, self_agent: 'BRANCH-01' });
    assert.ok(Array.isArray(got));
    assert.deepEqual(got.map((t) => `${t.name}/${t.engine}`), ['server/http', 'agent:HQ-CORE/http', 'agent:V6/http', 'iperf-lab/iperf3', 'mirror/http', 'flux-eu/http', 'speed.example.com/http']);
  });

  it('auto with engine iperf3: only candidates that serve iPerf3', () => {
    const got = resolveSpeedtestTarget('auto', { ...world, engine: 'iperf3' });
    assert.ok(Array.isArray(got));
    assert.deepEqual(got.map((t) => `${t.name}:${t.port}`), ['agent:HQ-CORE:5201', 'agent:V6:5201', 'iperf-lab:5202']);
  });

  const errors: { name: string; target: string; options?: TargetOptions; field: string; message: RegExp }[] = [
    { name: 'empty', target: '', field: 'target', message: /is required/ },
    { name: 'auto with nothing known', target: 'auto', options: {}, field: 'target', message: /no known target/ },
    { name: 'server when the server serves nothing', target: 'server', options: {}, field: 'target', message: /does not serve/ },
    { name: 'an unknown agent', target: 'agent:NOPE', field: 'target', message: /agent:NOPE: no such agent/ },
    { name: 'an agent without AGENT_LISTEN', target: 'agent:QUIET', field: 'target', message: /AGENT_LISTEN is empty/ },
    { name: 'the agent itself', target: 'agent:HQ-CORE', options: { ...world, self_agent: 'HQ-CORE' }, field: 'target', message: /running the test/ },
    { name: 'iperf3 on an agent without iperf3', target: 'agent:BRANCH-01', options: { ...world, engine: 'iperf3' }, field: 'engine', message: /runs no iperf3/ },
    { name: 'a leading dash (option injection)', target: '-oProxyCommand=x', field: 'target', message: /must not start with '-'/ },
    { name: 'a leading dash with a port', target: '-p:5201', field: 'target', message: /must not start with '-'/ },
    { name: 'whitespace', target: 'host --bidir', field: 'target', message: /whitespace/ },
    { name: 'a tab inside a URL (the URL parser would drop it)', target: 'http://ex\tample.com/', field: 'target', message: /whitespace/ },
    { name: 'shell metacharacters', target: 'host;reboot', field: 'target', message: /must be a hostname/ },
    { name: 'command substitution', target: '$(id)', field: 'target', message: /must be a hostname/ },
    { name: 'a mistyped address', target: '999.1.1.1', field: 'target', message: /neither a valid IP address nor a hostname/ },
    { name: 'a port out of range', target: 'host:70000', field: 'target', message: /port must be/ },
    { name: 'an empty port', target: 'host:', field: 'target', message: /port must be/ },
    { name: 'IPv6 with a port but no brackets', target: 'fe80::1::5201x', field: 'target', message: /brackets|hostname/ },
    { name: 'another URL scheme', target: 'ftp://files.example.com/x', field: 'target', message: /only http/ },
    { name: 'a URL with credentials', target: 'http://user:pw@example.com/x', field: 'target', message: /credentials/ },
    { name: 'a URL whose host is invalid', target: 'http://ex_a$mple.com/', field: 'target', message: /must be an http\(s\) URL|host/ },
    { name: 'a bad upload URL', target: 'http://cdn.example.com/big.bin', options: { upload_url: 'file:///etc/passwd' }, field: 'upload_url', message: /http\(s\) URL/ },
    { name: 'an upload URL with an iPerf3 target', target: 'iperf.example.net', options: { upload_url: 'http://x.example.com/up' }, field: 'upload_url', message: /single HTTP target/ },
    { name: 'an upload URL with auto', target: 'auto', options: { ...world, upload_url: 'http://x.example.com/up' }, field: 'upload_url', message: /single HTTP target/ },
  ];
  for (const c of errors) {
    it(`refuses ${c.name}, naming the field`, () => {
      const got = resolveSpeedtestTarget(c.target, c.options ?? world);
      assert.ok(got instanceof TargetError, `resolved to ${JSON.stringify(got)}`);
      assert.equal(got.field, c.field);
      assert.match(got.message, c.message);
      assert.ok(got.message.startsWith(`${c.field}: `));
    });
  }
});
