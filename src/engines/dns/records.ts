import { isIPv4, isIPv6 } from 'node:net';
import { DnsFormatError, decodeName, encodeName } from './codec.js';

/** Record types by name and code; unknown codes print as `TYPEnnn` (RFC 3597). */
const TYPES: Record<string, number> = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28, SRV: 33, OPT: 41 };
const NAMES = new Map(Object.entries(TYPES).map(([name, code]) => [code, name]));

export function typeCode(type: string): number {
  const code = TYPES[type.toUpperCase()] ?? Number(/^TYPE(\d+)$/i.exec(type)?.[1] ?? NaN);
  if (!Number.isInteger(code)) throw new DnsFormatError(`unknown record type ${type}`);
  return code;
}

export function typeName(code: number): string {
  return NAMES.get(code) ?? `TYPE${code}`;
}

function ipv6(buf: Buffer, start: number): string {
  const groups: string[] = [];
  for (let i = 0; i < 8; i++) groups.push(buf.readUInt16BE(start + i * 2).toString(16));
  // Shorten the longest run of zero groups (RFC 5952).
  let best = [-1, 0];
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best[1]! && j - i > 1) best = [i, j - i];
    i = j;
  }
  if (best[0]! < 0) return groups.join(':');
  return `${groups.slice(0, best[0]).join(':')}::${groups.slice(best[0]! + best[1]!).join(':')}`;
}

function characterStrings(buf: Buffer, start: number, end: number): string {
  const out: string[] = [];
  for (let p = start; p < end; ) {
    const length = buf[p]!;
    if (p + 1 + length > end) throw new DnsFormatError('TXT string runs past its record');
    let text = '';
    for (const byte of buf.subarray(p + 1, p + 1 + length)) {
      if (byte === 0x22 || byte === 0x5c) text += `\\${String.fromCharCode(byte)}`;
      else if (byte < 0x20 || byte > 0x7e) text += `\\${String(byte).padStart(3, '0')}`;
      else text += String.fromCharCode(byte);
    }
    out.push(`"${text}"`);
    p += 1 + length;
  }
  return out.join(' ');
}

/** Record data in presentation format. Names inside may point anywhere in the message. */
export function decodeRdata(buf: Buffer, type: number, start: number, length: number): string {
  const end = start + length;
  const need = (n: number) => {
    if (length < n) throw new DnsFormatError(`${typeName(type)} record too short`);
  };
  switch (typeName(type)) {
    case 'A':
      need(4);
      return [...buf.subarray(start, start + 4)].join('.');
    case 'AAAA':
      need(16);
      return ipv6(buf, start);
    case 'NS':
    case 'CNAME':
    case 'PTR':
      return decodeName(buf, start)[0];
    case 'MX':
      need(3);
      return `${buf.readUInt16BE(start)} ${decodeName(buf, start + 2)[0]}`;
    case 'SRV':
      need(7);
      return `${buf.readUInt16BE(start)} ${buf.readUInt16BE(start + 2)} ${buf.readUInt16BE(start + 4)} ${decodeName(buf, start + 6)[0]}`;
    case 'TXT':
      return characterStrings(buf, start, end);
    case 'SOA': {
      const [mname, afterM] = decodeName(buf, start);
      const [rname, afterR] = decodeName(buf, afterM);
      if (afterR + 20 > end) throw new DnsFormatError('SOA record too short');
      const numbers = [0, 4, 8, 12, 16].map((o) => buf.readUInt32BE(afterR + o));
      return `${mname} ${rname} ${numbers.join(' ')}`;
    }
    default:
      return `\\# ${length} ${buf.subarray(start, end).toString('hex')}`;
  }
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

/** The inverse of decodeRdata for the types a test server answers with. */
export function encodeRdata(type: string, data: string): Buffer {
  const fields = data.split(' ');
  switch (type.toUpperCase()) {
    case 'A':
      if (!isIPv4(data)) throw new DnsFormatError(`bad A data ${data}`);
      return Buffer.from(data.split('.').map(Number));
    case 'AAAA': {
      if (!isIPv6(data)) throw new DnsFormatError(`bad AAAA data ${data}`);
      const [head = '', tail = ''] = data.split('::');
      const h = head ? head.split(':') : [];
      const t = data.includes('::') && tail ? tail.split(':') : [];
      const groups = data.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
      return Buffer.concat(groups.map((g) => u16(parseInt(g, 16))));
    }
    case 'NS':
    case 'CNAME':
    case 'PTR':
      return encodeName(data);
    case 'MX':
      return Buffer.concat([u16(Number(fields[0])), encodeName(fields[1] ?? '.')]);
    case 'SRV':
      return Buffer.concat([u16(Number(fields[0])), u16(Number(fields[1])), u16(Number(fields[2])), encodeName(fields[3] ?? '.')]);
    case 'TXT': {
      const strings = [...data.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => Buffer.from(m[1]!.replace(/\\(.)/g, '$1'), 'latin1'));
      return Buffer.concat(strings.flatMap((s) => [Buffer.from([s.length]), s]));
    }
    case 'SOA': {
      const numbers = Buffer.alloc(20);
      fields.slice(2, 7).forEach((n, i) => numbers.writeUInt32BE(Number(n), i * 4));
      return Buffer.concat([encodeName(fields[0] ?? '.'), encodeName(fields[1] ?? '.'), numbers]);
    }
    default:
      throw new DnsFormatError(`cannot encode ${type}`);
  }
}
