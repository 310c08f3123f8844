import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DnsFormatError, decodeMessage, decodeName, encodeQuery, encodeResponse, rcodeName, type DnsRecord } from './codec.js';

describe('DNS codec', () => {
  test('a query is what dig sends: id, RD, one IN question, EDNS0 OPT', () => {
    const query = encodeQuery({ id: 0x1234, name: 'example.com', type: 'A' });
    // Header: id 1234, flags 0100 (RD), qd 1, an 0, ns 0, ar 1 (OPT).
    assert.equal(query.subarray(0, 12).toString('hex'), '123401000001000000000001');
    assert.equal(query.subarray(12, 25).toString('hex'), '076578616d706c6503636f6d00');
    assert.equal(query.subarray(25, 29).toString('hex'), '00010001');
    assert.equal(query.subarray(29).toString('hex'), '0000290' + '4d0' + '000000000000'); // OPT, 1232 bytes
    const decoded = decodeMessage(query);
    assert.deepEqual(decoded.question, { name: 'example.com.', type: 'A' });
    assert.equal(decoded.rd, true);
    assert.equal(decoded.qr, false);
  });

  test('without EDNS, RD off', () => {
    const query = encodeQuery({ id: 1, name: '.', type: 'NS', recursionDesired: false, udpPayloadBytes: 0 });
    assert.equal(query.toString('hex'), '000100000001000000000000' + '00' + '00020001');
  });

  const records: DnsRecord[] = [
    { name: 'example.com.', type: 'A', ttl: 300, data: '192.0.2.1' },
    { name: 'example.com.', type: 'AAAA', ttl: 300, data: '2001:db8::1' },
    { name: 'example.com.', type: 'AAAA', ttl: 300, data: '2001:db8:0:1:0:0:0:1'.replace('0:1:0:0:0:1', '0:1::1') },
    { name: 'www.example.com.', type: 'CNAME', ttl: 60, data: 'example.com.' },
    { name: 'example.com.', type: 'MX', ttl: 3600, data: '10 mx.example.com.' },
    { name: 'example.com.', type: 'NS', ttl: 3600, data: 'ns1.example.com.' },
    { name: 'example.com.', type: 'TXT', ttl: 60, data: '"v=spf1 -all" "quote \\" and \\\\"' },
    { name: 'example.com.', type: 'SOA', ttl: 60, data: 'ns1.example.com. hostmaster.example.com. 2026010101 7200 3600 1209600 300' },
    { name: '1.2.0.192.in-addr.arpa.', type: 'PTR', ttl: 60, data: 'host.example.com.' },
    { name: '_sip._tcp.example.com.', type: 'SRV', ttl: 60, data: '10 60 5060 sip.example.com.' },
  ];
  for (const record of records) {
    test(`${record.type} record round-trips as dig prints it: ${record.data}`, () => {
      const response = decodeMessage(encodeResponse({ id: 7, question: { name: record.name, type: record.type }, answers: [record] }));
      assert.equal(response.qr, true);
      assert.equal(response.rcode, 0);
      assert.deepEqual(response.answers, [record]);
    });
  }

  test('compressed names (pointers) decode; loops are refused', () => {
    // "example.com" at 12, then "www" + pointer to 12.
    const buf = Buffer.from('000000000000000000000000' + '076578616d706c6503636f6d00' + '03777777c00c', 'hex');
    assert.deepEqual(decodeName(buf, 25), ['www.example.com.', 31]);
    const loop = Buffer.from('000000000000000000000000c00c', 'hex');
    assert.throws(() => decodeName(loop, 12), DnsFormatError);
  });

  test('malformed messages are errors, never crashes', () => {
    assert.throws(() => decodeMessage(Buffer.alloc(5)), DnsFormatError);
    const good = encodeResponse({ id: 9, question: { name: 'a.example', type: 'A' }, answers: [{ name: 'a.example.', type: 'A', ttl: 1, data: '192.0.2.9' }] });
    for (let cut = 13; cut < good.length; cut++) assert.throws(() => decodeMessage(good.subarray(0, cut)), DnsFormatError, `cut at ${cut}`);
  });

  test('a truncated (TC) response keeps what it holds', () => {
    const full = encodeResponse({ id: 3, question: { name: 'big.example', type: 'TXT' }, truncated: true, answers: [{ name: 'big.example.', type: 'TXT', ttl: 1, data: '"x"' }] });
    const response = decodeMessage(full.subarray(0, full.length - 2));
    assert.equal(response.tc, true);
    assert.deepEqual(response.answers, []);
  });

  test('rcode names', () => {
    assert.deepEqual([0, 2, 3, 5, 15].map(rcodeName), ['NOERROR', 'SERVFAIL', 'NXDOMAIN', 'REFUSED', 'RCODE15']);
  });

  test('unknown record types print in RFC 3597 form', () => {
    const buf = encodeResponse({ id: 1, question: { name: 'x.example', type: 'A' } });
    const withRecord = Buffer.concat([buf, Buffer.from('c00c' + '0063' + '0001' + '0000003c' + '0002' + 'abcd', 'hex')]);
    withRecord.writeUInt16BE(1, 6);
    assert.deepEqual(decodeMessage(withRecord).answers, [{ name: 'x.example.', type: 'TYPE99', ttl: 60, data: '\\# 2 abcd' }]);
  });
});
