/**
 * The UDP echo wire format shared by the reflector and the speedtest's probes. A fixed header
 * identifies our packets, so the reflector never answers anything else (it is not an open
 * reflector for other protocols), and two reflectors cannot bounce replies back and forth:
 * only requests are answered, and a reply is never larger than its request.
 *
 *   0..3   magic "FXS1"
 *   4      type: 1 request, 2 reply
 *   5..7   zero
 *   8..11  session id (u32, chosen by the client)
 *   12..15 sequence number (u32)
 *   16..19 reply: requests the reflector has received in this session so far (u32); lets the
 *          client split round-trip loss into the upstream and downstream halves
 *   20..23 zero (reserved)
 *   24..   padding, echoed as is
 */
export const ECHO_MAGIC = 0x46585331;
export const ECHO_HEADER_BYTES = 24;
/** Largest request answered: one IPv4 datagram on a 1500-byte MTU path, no fragmentation. */
export const ECHO_MAX_BYTES = 1472;
export const ECHO_REQUEST = 1;
export const ECHO_REPLY = 2;

export interface EchoHeader {
  type: number;
  sessionId: number;
  seq: number;
  receivedCount: number;
}

export function encodeEchoRequest(sessionId: number, seq: number, sizeBytes = 64): Buffer {
  const packet = Buffer.alloc(Math.min(ECHO_MAX_BYTES, Math.max(ECHO_HEADER_BYTES, sizeBytes)));
  packet.writeUInt32BE(ECHO_MAGIC, 0);
  packet.writeUInt8(ECHO_REQUEST, 4);
  packet.writeUInt32BE(sessionId >>> 0, 8);
  packet.writeUInt32BE(seq >>> 0, 12);
  return packet;
}

/** The header of one of our packets, or undefined for anything else. */
export function decodeEcho(packet: Buffer): EchoHeader | undefined {
  if (packet.length < ECHO_HEADER_BYTES || packet.length > ECHO_MAX_BYTES) return undefined;
  if (packet.readUInt32BE(0) !== ECHO_MAGIC) return undefined;
  const type = packet.readUInt8(4);
  if (type !== ECHO_REQUEST && type !== ECHO_REPLY) return undefined;
  return { type, sessionId: packet.readUInt32BE(8), seq: packet.readUInt32BE(12), receivedCount: packet.readUInt32BE(16) };
}

/** Turns a request into its reply in place (same size, same padding). */
export function toEchoReply(request: Buffer, receivedCount: number): Buffer {
  request.writeUInt8(ECHO_REPLY, 4);
  request.writeUInt32BE(Math.min(receivedCount, 0xffffffff) >>> 0, 16);
  return request;
}
