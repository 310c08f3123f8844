import { decodeRdata, encodeRdata, typeCode, typeName } from './records.js';

/**
 * A small DNS message codec (RFC 1035, EDNS0 from RFC 6891): enough to send one question and read
 * every answer, with name compression, bounds checks and pointer-loop protection. Owner names and
 * names inside records are written with a trailing dot, as dig shows them.
 */

export const RCODE_NAMES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE'] as const;

export function rcodeName(rcode: number): string {
  return RCODE_NAMES[rcode] ?? `RCODE${rcode}`;
}

export class DnsFormatError extends Error {}

export interface DnsRecord {
  name: string;
  type: string;
  ttl: number;
  /** Presentation format, as dig prints it: `192.0.2.1`, `10 mx.example.com.`, `"text"`. */
  data: string;
}

export interface DnsMessage {
  id: number;
  /** Response flags: authoritative, truncated, recursion desired/available. */
  qr: boolean;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  rcode: number;
  question?: { name: string; type: string };
  answers: DnsRecord[];
  authorities: DnsRecord[];
}

export interface QueryOptions {
  id: number;
  name: string;
  type: string;
  recursionDesired?: boolean;
  /** EDNS0 UDP payload size advertised; 0 sends no OPT record. 1232 avoids IP fragmentation. */
  udpPayloadBytes?: number;
}

export function encodeName(name: string): Buffer {
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  const parts: Buffer[] = [];
  if (trimmed.length > 0) {
    for (const label of trimmed.split('.')) {
      const bytes = Buffer.from(label, 'ascii');
      if (bytes.length === 0 || bytes.length > 63) throw new DnsFormatError(`bad label in ${name}`);
      parts.push(Buffer.from([bytes.length]), bytes);
    }
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

export function encodeQuery(options: QueryOptions): Buffer {
  const edns = options.udpPayloadBytes ?? 1232;
  const header = Buffer.alloc(12);
  header.writeUInt16BE(options.id, 0);
  header.writeUInt16BE(options.recursionDesired === false ? 0 : 0x0100, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(edns > 0 ? 1 : 0, 10);
  const question = Buffer.alloc(4);
  question.writeUInt16BE(typeCode(options.type), 0);
  question.writeUInt16BE(1, 2); // class IN
  const parts = [header, encodeName(options.name), question];
  if (edns > 0) {
    // OPT pseudo-record: root name, type 41, class = payload size, ttl 0, no options.
    const opt = Buffer.alloc(11);
    opt.writeUInt16BE(41, 1);
    opt.writeUInt16BE(edns, 3);
    parts.push(opt);
  }
  return Buffer.concat(parts);
}

/** Reads a possibly compressed name at `offset`; returns it and the offset after it. */
export function decodeName(buf: Buffer, offset: number): [string, number] {
  const labels: string[] = [];
  let position = offset;
  let end = -1;
  for (let jumps = 0; ; ) {
    if (position >= buf.length) throw new DnsFormatError('name runs past the end of the message');
    const length = buf[position]!;
    if (length === 0) {
      if (end < 0) end = position + 1;
      break;
    }
    if ((length & 0xc0) === 0xc0) {
      if (position + 1 >= buf.length) throw new DnsFormatError('truncated compression pointer');
      if (++jumps > 64) throw new DnsFormatError('compression pointer loop');
      if (end < 0) end = position + 2;
      position = ((length & 0x3f) << 8) | buf[position + 1]!;
      continue;
    }
    if ((length & 0xc0) !== 0) throw new DnsFormatError('unknown label type');
    if (position + 1 + length > buf.length) throw new DnsFormatError('label runs past the end of the message');
    labels.push(buf.toString('latin1', position + 1, position + 1 + length));
    position += 1 + length;
  }
  return [labels.length ? `${labels.join('.')}.` : '.', end];
}

function readRecords(buf: Buffer, offset: number, count: number): [DnsRecord[], number] {
  const records: DnsRecord[] = [];
  let position = offset;
  for (let i = 0; i < count; i++) {
    const [name, after] = decodeName(buf, position);
    if (after + 10 > buf.length) throw new DnsFormatError('record header runs past the end of the message');
    const type = buf.readUInt16BE(after);
    const ttl = buf.readUInt32BE(after + 4);
    const length = buf.readUInt16BE(after + 8);
    const start = after + 10;
    if (start + length > buf.length) throw new DnsFormatError('record data runs past the end of the message');
    if (type !== 41) records.push({ name, type: typeName(type), ttl, data: decodeRdata(buf, type, start, length) });
    position = start + length;
  }
  return [records, position];
}

export function decodeMessage(buf: Buffer): DnsMessage {
  if (buf.length < 12) throw new DnsFormatError('message shorter than a DNS header');
  const flags = buf.readUInt16BE(2);
  const qdCount = buf.readUInt16BE(4);
  let position = 12;
  let question: DnsMessage['question'];
  for (let i = 0; i < qdCount; i++) {
    const [name, after] = decodeName(buf, position);
    if (after + 4 > buf.length) throw new DnsFormatError('question runs past the end of the message');
    question ??= { name, type: typeName(buf.readUInt16BE(after)) };
    position = after + 4;
  }
  // A truncated answer may stop anywhere after the question: keep what was read.
  const tc = (flags & 0x0200) !== 0;
  let answers: DnsRecord[] = [];
  let authorities: DnsRecord[] = [];
  try {
    [answers, position] = readRecords(buf, position, buf.readUInt16BE(6));
    [authorities, position] = readRecords(buf, position, buf.readUInt16BE(8));
  } catch (error) {
    if (!tc) throw error;
  }
  return {
    id: buf.readUInt16BE(0),
    qr: (flags & 0x8000) !== 0,
    aa: (flags & 0x0400) !== 0,
    tc,
    rd: (flags & 0x0100) !== 0,
    ra: (flags & 0x0080) !== 0,
    rcode: flags & 0x000f,
    ...(question ? { question } : {}),
    answers,
    authorities,
  };
}

export interface ResponseOptions {
  id: number;
  question: { name: string; type: string };
  rcode?: number;
  answers?: DnsRecord[];
  truncated?: boolean;
  recursionAvailable?: boolean;
}

/** Builds a response (used by the DNS servers tests start, and by round-trip tests). */
export function encodeResponse(options: ResponseOptions): Buffer {
  const answers = options.answers ?? [];
  const header = Buffer.alloc(12);
  header.writeUInt16BE(options.id, 0);
  header.writeUInt16BE(0x8100 | (options.recursionAvailable === false ? 0 : 0x0080) | (options.truncated ? 0x0200 : 0) | ((options.rcode ?? 0) & 0xf), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  const question = Buffer.alloc(4);
  question.writeUInt16BE(typeCode(options.question.type), 0);
  question.writeUInt16BE(1, 2);
  const parts = [header, encodeName(options.question.name), question];
  for (const record of answers) {
    const rdata = encodeRdata(record.type, record.data);
    const fixed = Buffer.alloc(10);
    fixed.writeUInt16BE(typeCode(record.type), 0);
    fixed.writeUInt16BE(1, 2);
    fixed.writeUInt32BE(record.ttl, 4);
    fixed.writeUInt16BE(rdata.length, 8);
    parts.push(encodeName(record.name), fixed, rdata);
  }
  return Buffer.concat(parts);
}
