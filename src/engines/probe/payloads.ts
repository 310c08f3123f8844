import { randomInt } from 'node:crypto';
import { encodeQuery } from '../dns/codec.js';

/**
 * What to send to a UDP port. Most UDP services stay silent on a datagram they do not understand,
 * so for well-known ports a minimal valid request makes an open port answer (as nmap does);
 * anything else gets an empty datagram.
 */
export function udpPayload(port: number): { payload: Buffer; kind: string } {
  switch (port) {
    case 53:
    case 5353:
      // "." NS without recursion: any DNS server answers it, even with REFUSED.
      return { payload: encodeQuery({ id: randomInt(0, 0x10000), name: '.', type: 'NS', recursionDesired: false, udpPayloadBytes: 0 }), kind: 'dns query' };
    case 123: {
      // NTPv4 client request: LI 0, version 4, mode 3; the rest zero.
      const ntp = Buffer.alloc(48);
      ntp[0] = 0x23;
      return { payload: ntp, kind: 'ntp client request' };
    }
    default:
      return { payload: Buffer.alloc(0), kind: 'empty datagram' };
  }
}
