import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { Value } from 'typebox/value';
import { installErrorHandling } from '../http/error-handler.js';
import { DnsJobSpec, ProbeJobSpec, TraceJobSpec } from './job.js';
import { DnsRequest, ProbeRequest, SpeedtestRequest, TraceRequest, dnsJobSpec, probeJobSpec, speedtestJobBase, traceJobSpec } from './requests.js';

// The bodies go through Fastify with the app's Ajv options (defaults filled in, unknown fields
// rejected), then through the converters, exactly as a route does.
let app: FastifyInstance;

before(async () => {
  app = Fastify({ ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } } });
  installErrorHandling(app);
  app.post('/test', { schema: { body: SpeedtestRequest } }, async (req) => speedtestJobBase(req.body as SpeedtestRequest));
  app.post('/trace', { schema: { body: TraceRequest } }, async (req) => traceJobSpec(req.body as TraceRequest));
  app.post('/probe', { schema: { body: ProbeRequest } }, async (req) => probeJobSpec(req.body as ProbeRequest));
  app.post('/dns', { schema: { body: DnsRequest } }, async (req) => dnsJobSpec(req.body as DnsRequest));
  await app.ready();
});
after(() => app.close());

async function post(url: string, payload: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await app.inject({ method: 'POST', url, payload: payload as object });
  return { status: res.statusCode, body: res.json() };
}

describe('request bodies: the brief’s examples and defaults', () => {
  test('speedtest: minimal body gets every default', async () => {
    const { status, body } = await post('/test', { agent: 'HQ-CORE' });
    assert.equal(status, 200);
    assert.deepEqual(body, { target: 'auto', protocol: 'tcp', direction: 'bidirectional', duration: 20, streams: 4, simultaneous: false });
  });
  test('speedtest: any case for enumerations, udp bandwidth kept', async () => {
    const { status, body } = await post('/test', { agent: 'A', protocol: 'UDP', direction: 'Download', duration: 10, streams: 8, engine: 'IPERF3', target: '10.0.0.5:5201', udp_bandwidth_mbps: 100 });
    assert.equal(status, 200);
    assert.deepEqual(body, { target: '10.0.0.5:5201', protocol: 'udp', direction: 'download', duration: 10, streams: 8, simultaneous: false, udp_bandwidth_mbps: 100 });
  });
  test('trace: the brief’s example', async () => {
    const { status, body } = await post('/trace', { agent: 'HQ-CORE', target: '8.8.8.8', count: 30, interval_ms: 100 });
    assert.equal(status, 200);
    assert.deepEqual(body, { target: '8.8.8.8', count: 30, interval_ms: 100, max_hops: 30, protocol: 'icmp' });
    assert.ok(Value.Check(TraceJobSpec, body));
  });
  test('trace: defaults and tcp with a port', async () => {
    assert.deepEqual((await post('/trace', { agent: 'A', target: 'example.com' })).body, { target: 'example.com', count: 10, interval_ms: 1000, max_hops: 30, protocol: 'icmp' });
    assert.deepEqual((await post('/trace', { agent: 'A', target: '::1', protocol: 'TCP', port: 443 })).body, { target: '::1', count: 10, interval_ms: 1000, max_hops: 30, protocol: 'tcp', port: 443 });
  });
  test('probe: the brief’s example', async () => {
    const { status, body } = await post('/probe', { agent: 'BRANCH-01', target: 'db-prod-01.internal', port: 5432, protocol: 'tcp', timeout_ms: 2000 });
    assert.equal(status, 200);
    assert.deepEqual(body, { target: 'db-prod-01.internal', port: 5432, protocol: 'tcp', timeout_ms: 2000 });
    assert.ok(Value.Check(ProbeJobSpec, body));
  });
  test('dns: the brief’s example', async () => {
    const { status, body } = await post('/dns', { agent: 'HQ-CORE', hostname: 'api.internal.example.com', resolvers: ['8.8.8.8', '1.1.1.1', '192.168.1.1'] });
    assert.equal(status, 200);
    assert.deepEqual(body, { hostname: 'api.internal.example.com', resolvers: ['8.8.8.8', '1.1.1.1', '192.168.1.1'], record_type: 'A', timeout_ms: 2000 });
    assert.ok(Value.Check(DnsJobSpec, body));
  });
  test('dns: defaults, lower-case record type, PTR of an address', async () => {
    assert.deepEqual((await post('/dns', { agent: 'A', hostname: 'example.com' })).body, { hostname: 'example.com', resolvers: [], record_type: 'A', timeout_ms: 2000 });
    assert.deepEqual((await post('/dns', { agent: 'A', hostname: '10.0.0.1', record_type: 'ptr', resolvers: ['[::1]:5353'] })).body, { hostname: '10.0.0.1', resolvers: ['[::1]:5353'], record_type: 'PTR', timeout_ms: 2000 });
  });
});

describe('request bodies: rejections name the field and the reason', () => {
  const cases: [string, unknown, string][] = [
    ['/test', { agent: 'A', colour: 'red' }, 'colour: is not a known field'],
    ['/test', { target: 'auto' }, 'agent: is required'],
    ['/test', { agent: 'A', duration: 15 }, 'duration: must be one of 10, 20, 30, 60'],
    ['/test', { agent: 'A', streams: 9 }, 'streams: must be <= 8'],
    ['/test', { agent: 'A', streams: 0 }, 'streams: must be >= 1'],
    ['/test', { agent: 'A', protocol: 'sctp' }, 'protocol: must be one of tcp, udp'],
    ['/test', { agent: 'A', direction: 'sideways' }, 'direction: must be one of bidirectional, download, upload'],
    ['/test', { agent: 'A', engine: 'curl' }, 'engine: must be one of http, iperf3'],
    ['/test', { agent: 'A', target: '-c' }, "target: must not start with '-' (it would be read as a program option)"],
    ['/test', { agent: 'A', upload_url: 'file:///etc/passwd' }, 'upload_url: must be an http(s) URL'],
    ['/test', { agent: 'A', udp_bandwidth_mbps: 50 }, 'udp_bandwidth_mbps: applies only to protocol udp'],
    ['/trace', { agent: 'A', target: '8.8.8.8', interval_ms: 50 }, 'interval_ms: must be >= 100'],
    ['/trace', { agent: 'A', target: '8.8.8.8', count: 0 }, 'count: must be >= 1'],
    ['/trace', { agent: 'A', target: '8.8.8.8', count: 1001 }, 'count: must be <= 1000'],
    ['/trace', { agent: 'A', target: '8.8.8.8', protocol: 'gre' }, 'protocol: must be one of icmp, udp, tcp'],
    ['/trace', { agent: 'A', target: '8.8.8.8', port: 80 }, 'port: applies only to tcp and udp traces'],
    ['/trace', { agent: 'A', target: '8.8.8.8;reboot' }, 'target: must not contain shell metacharacters such as ; | & $ ` < > ( ) * ?'],
    ['/trace', { agent: 'A', target: '-oProxyCommand=x' }, "target: must not start with '-' (it would be read as a program option)"],
    ['/trace', { agent: 'A', target: '8.8.8.8', extra: 1 }, 'extra: is not a known field'],
    ['/probe', { agent: 'A', target: 'db', port: 0 }, 'port: must be >= 1'],
    ['/probe', { agent: 'A', target: 'db', port: 65536 }, 'port: must be <= 65535'],
    ['/probe', { agent: 'A', target: 'db' }, 'port: is required'],
    ['/probe', { agent: 'A', target: 'db', port: 1, timeout_ms: 0 }, 'timeout_ms: must be >= 1'],
    ['/probe', { agent: 'A', target: 'db', port: 1, timeout_ms: 60001 }, 'timeout_ms: must be <= 60000'],
    ['/probe', { agent: 'A', target: 'db host', port: 1 }, 'target: must not contain whitespace'],
    ['/probe', { agent: 'A', target: 'db', port: 1, protocol: 'icmp' }, 'protocol: must be one of tcp, udp'],
    ['/dns', { agent: 'A', hostname: 'a b' }, 'hostname: must not contain whitespace'],
    ['/dns', { agent: 'A', hostname: 'x.com', resolvers: ['dns.google'] }, 'resolvers.0: must be an IP address, ip:port or [ipv6]:port (a resolver is queried directly, not looked up by name)'],
    ['/dns', { agent: 'A', hostname: 'x.com', resolvers: ['1.1.1.1', '1.1.1.1:99999'] }, 'resolvers.1: must be an IP address, ip:port or [ipv6]:port (a resolver is queried directly, not looked up by name)'],
    ['/dns', { agent: 'A', hostname: 'x.com', record_type: 'ANY' }, 'record_type: must be one of A, AAAA, CNAME, MX, TXT, NS, SOA, PTR, SRV'],
    ['/dns', { agent: 'A', hostname: '10.0.0.1' }, 'hostname: is neither a valid IP address nor a hostname (a top-level label is never all digits)'],
    ['/dns', { agent: 'A', hostname: 'x.com', resolvers: '8.8.8.8;id' }, 'resolvers.0: must be an IP address, ip:port or [ipv6]:port (a resolver is queried directly, not looked up by name)'],
  ];
  for (const [url, payload, message] of cases) {
    test(`${url} ${JSON.stringify(payload)} → 400 ${message}`, async () => {
      const { status, body } = await post(url, payload);
      assert.equal(status, 400, JSON.stringify(body));
      assert.equal(body.message, message);
      assert.equal(body.field, message.split(':')[0]);
    });
  }
});
