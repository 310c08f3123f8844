import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { randomInt } from 'node:crypto';
import { decodeEcho, ECHO_REPLY, encodeEchoRequest } from '../../speed-server/echo-protocol.js';

/** One probe of an echo session: when it left, and its round trip if it came back. */
export interface EchoProbe {
  seq: number;
  sentMs: number;
  rttMs: number | undefined;
}

/**
 * A UDP echo session with a target's reflector: probes numbered from 0, each timed on the
 * monotonic clock. Replies from elsewhere, to another session or duplicated are ignored (and
 * duplicates counted), so a stray packet can never pass for a probe that was lost.
 */
export class EchoSession {
  readonly sessionId = randomInt(1, 0xffffffff);
  readonly probes: EchoProbe[] = [];
  duplicates = 0;
  /** Highest "requests received" count the reflector reported, and the probe it came with. */
  reflectorCount = { count: 0, seq: -1 };
  private socket: Socket;
  private closed = false;

  private constructor(
    readonly host: string,
    readonly port: number,
    private readonly packetBytes: number,
  ) {
    this.socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    this.socket.on('message', (packet, remote) => this.onMessage(packet, remote.port));
    // ICMP port unreachable surfaces as an error on a connected socket: the probe is simply lost.
    this.socket.on('error', () => {});
  }

  /** Opens a session; connecting the socket makes the kernel drop datagrams from other sources. */
  static async open(host: string, port: number, packetBytes = 64): Promise<EchoSession> {
    const session = new EchoSession(host, port, packetBytes);
    await new Promise<void>((resolve, reject) => {
      session.socket.once('error', reject);
      session.socket.connect(port, host, () => {
        session.socket.removeListener('error', reject);
        resolve();
      });
    });
    return session;
  }

  send(): EchoProbe {
    const probe: EchoProbe = { seq: this.probes.length, sentMs: performance.now(), rttMs: undefined };
    this.probes.push(probe);
    if (!this.closed) this.socket.send(encodeEchoRequest(this.sessionId, probe.seq, this.packetBytes));
    return probe;
  }

  /** Probes answered so far. */
  answered(): number {
    return this.probes.reduce((n, p) => n + (p.rttMs === undefined ? 0 : 1), 0);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
  }

  private onMessage(packet: Buffer, fromPort: number) {
    const now = performance.now();
    const header = decodeEcho(packet);
    if (!header || header.type !== ECHO_REPLY || header.sessionId !== this.sessionId || fromPort !== this.port) return;
    const probe = this.probes[header.seq];
    if (!probe) return;
    if (probe.rttMs !== undefined) {
      this.duplicates++;
      return;
    }
    probe.rttMs = now - probe.sentMs;
    if (header.receivedCount > this.reflectorCount.count) this.reflectorCount = { count: header.receivedCount, seq: header.seq };
  }
}
