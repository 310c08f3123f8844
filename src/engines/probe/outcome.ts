/**
 * What a probe found. TCP: open (handshake completed), closed (RST), filtered (silence until the
 * timeout). UDP: open (a reply), closed (ICMP port unreachable), open|filtered (silence: a UDP
 * service may ignore a datagram it does not understand, or a firewall may drop it; nmap's term).
 * Both: unreachable (ICMP host/network unreachable, no route), unresolved (the name has no address).
 */
export type ProbeState = 'open' | 'closed' | 'filtered' | 'open|filtered' | 'unreachable' | 'unresolved' | 'error';

export interface ProbeOutcome {
  state: ProbeState;
  reason: string;
  /** TCP: SYN sent → handshake complete. */
  connectMs?: number;
  /** UDP: datagram sent → reply received. */
  replyMs?: number;
  canceled?: boolean;
}

/** Socket errors a NOC engineer can act on. */
export function fromSocketError(error: NodeJS.ErrnoException, protocol: 'tcp' | 'udp'): ProbeOutcome {
  switch (error.code) {
    case 'ECONNREFUSED':
      return protocol === 'tcp'
        ? { state: 'closed', reason: 'connection refused (RST): the host is up, nothing listens on that port' }
        : { state: 'closed', reason: 'ICMP port unreachable: the host is up, nothing listens on that port' };
    case 'EHOSTUNREACH':
      return { state: 'unreachable', reason: 'host unreachable (ICMP, or no ARP/neighbour answer)' };
    case 'ENETUNREACH':
      return { state: 'unreachable', reason: 'network unreachable: no route from this agent' };
    case 'EACCES':
    case 'EPERM':
      return { state: 'filtered', reason: `blocked on this agent (${error.code}): a local firewall rejects the packet` };
    case 'ECONNRESET':
      return { state: 'closed', reason: 'connection reset during the handshake' };
    default:
      return { state: 'error', reason: `socket error ${error.code ?? error.message}` };
  }
}
