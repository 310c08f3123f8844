// Test networks built from network namespaces and veth pairs. Nothing leaves the machine: every
// address is in 10.231.0.0/16 inside namespaces this helper creates and deletes.
//
//   client ── r1 ── r2 ── server        (routers forward; each link its own /24)
//
// Shaping with `tc tbf`, random loss with nftables (`numgen random`), ICMP rate limits off so
// every hop answers a trace.
import { execFile, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export async function sh(command: string, args: string[]): Promise<string> {
  const { stdout } = await exec(command, args, { timeout: 30_000 });
  return stdout;
}

export interface Host {
  /** Namespace name. */
  ns: string;
  /** Run a command inside the namespace (argument array, never a shell). */
  run(command: string, args: string[]): Promise<string>;
  spawn(command: string, args: string[], options?: SpawnOptions): ChildProcess;
}

export interface Link {
  /** Interface names on each side and their addresses. */
  a: { host: Host; ifname: string; address: string };
  b: { host: Host; ifname: string; address: string };
}

export interface LineTopology {
  client: Host;
  r1: Host;
  r2: Host;
  server: Host;
  /** client↔r1, r1↔r2, r2↔server */
  links: [Link, Link, Link];
  /** Addresses: client 10.231.N.1, r1 .2 (toward client) …, server 10.231.N+2.2 */
  clientAddress: string;
  serverAddress: string;
  /** Router addresses as seen in a trace from the client (the ingress side of each). */
  hopAddresses: string[];
  /** Limit the rate of one link's egress on one side with tbf. */
  shape(link: Link, side: 'a' | 'b', rateMbit: number): Promise<void>;
  /**
   * Add latency (and optional jitter) to one link's egress on one side with netem. Use a link
   * that is not shaped: tbf and netem each want the root qdisc.
   */
  delay(link: Link, side: 'a' | 'b', delayMs: number, jitterMs?: number): Promise<void>;
  /** Remove shaping or delay from one link side (back to the default qdisc). */
  clearQdisc(link: Link, side: 'a' | 'b'): Promise<void>;
  /** Drop a share of packets leaving a host's interface (nftables numgen random). */
  dropRandom(host: Host, ifname: string, percent: number): Promise<void>;
  /**
   * Drop a share of the ICMP messages of one type that a host itself sends (output hook): a router
   * that rate-limits its time-exceeded answers shows loss at its own hop in a trace, and only there.
   */
  dropIcmpOut(host: Host, type: 'time-exceeded' | 'destination-unreachable' | 'echo-reply', percent: number): Promise<void>;
  /** Drop everything arriving at a host for a protocol/port (a firewall that stays silent). */
  dropInput(host: Host, protocol: 'tcp' | 'udp', port: number): Promise<void>;
  clearNft(host: Host): Promise<void>;
  destroy(): Promise<void>;
}

function host(ns: string): Host {
  return {
    ns,
    run: (command, args) => sh('ip', ['netns', 'exec', ns, command, ...args]),
    spawn: (command, args, options = {}) => spawn('ip', ['netns', 'exec', ns, command, ...args], options),
  };
}

let subnetCounter = Math.floor(Math.random() * 60) * 4;

/** Builds client — r1 — r2 — server. Call destroy() in an after() hook. */
export async function createLineTopology(): Promise<LineTopology> {
  const id = randomBytes(3).toString('hex');
  const names = ['c', 'r1', 'r2', 's'].map((n) => `fx${id}${n}`);
  const hosts = names.map(host) as [Host, Host, Host, Host];
  const base = (subnetCounter = (subnetCounter + 3) % 250);
  const links: Link[] = [];
  try {
    for (const ns of names) {
      await sh('ip', ['netns', 'add', ns]);
      await sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      await sh('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv4.icmp_ratelimit=0']);
      await sh('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv4.icmp_msgs_per_sec=100000']);
    }
    for (let i = 0; i < 3; i++) {
      const subnet = `10.231.${base + i}`;
      const a = { host: hosts[i]!, ifname: `v${id}${i}a`.slice(0, 15), address: `${subnet}.1` };
      const b = { host: hosts[i + 1]!, ifname: `v${id}${i}b`.slice(0, 15), address: `${subnet}.2` };
      await sh('ip', ['link', 'add', a.ifname, 'netns', a.host.ns, 'type', 'veth', 'peer', 'name', b.ifname, 'netns', b.host.ns]);
      for (const side of [a, b]) {
        await sh('ip', ['-n', side.host.ns, 'addr', 'add', `${side.address}/24`, 'dev', side.ifname]);
        await sh('ip', ['-n', side.host.ns, 'link', 'set', side.ifname, 'up']);
        // Offloads off: tbf shapes real packets, not 64 KiB super-packets.
        await sh('ip', ['netns', 'exec', side.host.ns, 'ethtool', '-K', side.ifname, 'tso', 'off', 'gso', 'off', 'gro', 'off']).catch(() => {});
      }
      links.push({ a, b });
    }
    const [client, r1, r2, server] = hosts;
    for (const r of [r1, r2]) await sh('ip', ['netns', 'exec', r.ns, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    const [l0, l1, l2] = links as [Link, Link, Link];
    await sh('ip', ['-n', client.ns, 'route', 'add', 'default', 'via', l0.b.address]);
    await sh('ip', ['-n', r1.ns, 'route', 'add', `10.231.${base + 2}.0/24`, 'via', l1.b.address]);
    await sh('ip', ['-n', r2.ns, 'route', 'add', `10.231.${base}.0/24`, 'via', l1.a.address]);
    await sh('ip', ['-n', server.ns, 'route', 'add', 'default', 'via', l2.a.address]);
    return {
      client,
      r1,
      r2,
      server,
      links: [l0, l1, l2],
      clientAddress: l0.a.address,
      serverAddress: l2.b.address,
      hopAddresses: [l0.b.address, l1.b.address, l2.b.address],
      async shape(link, side, rateMbit) {
        const end = link[side];
        // burst ≥ rate/HZ and a queue of ~20 ms at the rate: a realistic bottleneck.
        const burstBytes = Math.max(32 * 1024, Math.ceil((rateMbit * 1e6) / 8 / 250));
        const limitBytes = Math.max(64 * 1024, Math.ceil((rateMbit * 1e6) / 8 * 0.02));
        await sh('tc', ['-n', end.host.ns, 'qdisc', 'replace', 'dev', end.ifname, 'root', 'tbf', 'rate', `${rateMbit}mbit`, 'burst', String(burstBytes), 'limit', String(limitBytes)]);
      },
      async delay(link, side, delayMs, jitterMs) {
        const end = link[side];
        const jitter = jitterMs ? [`${jitterMs}ms`] : [];
        // A queue long enough for 200 Mbit/s × the delay: netem's default of 1000 packets would drop.
        await sh('tc', ['-n', end.host.ns, 'qdisc', 'replace', 'dev', end.ifname, 'root', 'netem', 'delay', `${delayMs}ms`, ...jitter, 'limit', '100000']);
      },
      async clearQdisc(link, side) {
        const end = link[side];
        await sh('tc', ['-n', end.host.ns, 'qdisc', 'del', 'dev', end.ifname, 'root']).catch(() => {});
      },
      async dropRandom(h, ifname, percent) {
        const table = 'fluxtest';
        await sh('ip', ['netns', 'exec', h.ns, 'nft', 'add', 'table', 'inet', table]);
        await sh('ip', ['netns', 'exec', h.ns, 'nft', 'add', 'chain', 'inet', table, 'out', '{ type filter hook postrouting priority 0 ; }']);
        // numgen random mod 10000 < percent*100 → drop
        await sh('ip', ['netns', 'exec', h.ns, 'nft', 'add', 'rule', 'inet', table, 'out', 'oifname', ifname, 'numgen', 'random', 'mod', '10000', '<', String(Math.round(percent * 100)), 'drop']);
      },
      async dropIcmpOut(h, type, percent) {
        const table = 'fluxtest';
        await sh('ip', ['netns', 'exec', h.ns, 'nft', 'add', 'table', 'inet', table]);
        await sh('ip', ['netns', 'exec', h.ns, 'nft', 'add', 'chain', 'inet', table, 'localout', '{ type filter hook output priority 0 ; }']);
        const share = percent >= 100 ? [] : ['numgen', 'random', 'mod', '10000', '<', String(Math.round(percent * 100))];
        await sh('ip', ['netns', 'exec', h.ns, 'nft', 'add', 'rule', 'inet', table, 'localout', 'icmp', 'type', type, ...share, 'drop']);
      },
      async dropInput(h, protocol, port) {
        const table = 'fluxtest';
        await sh('ip', ['netns', 'exec', h.ns, 'nft', 'add', 'table', 'inet', table]);
        await sh('ip', ['netns', 'exec', h.ns, 'nft', 'add', 'chain', 'inet', table, 'in', '{ type filter hook input priority 0 ; }']);
        await sh('ip', ['netns', 'exec', h.ns, 'nft', 'add', 'rule', 'inet', table, 'in', protocol, 'dport', String(port), 'drop']);
      },
      async clearNft(h) {
        await sh('ip', ['netns', 'exec', h.ns, 'nft', 'delete', 'table', 'inet', 'fluxtest']).catch(() => {});
      },
      async destroy() {
        for (const ns of names) await sh('ip', ['netns', 'del', ns]).catch(() => {});
      },
    };
  } catch (error) {
    for (const ns of names) await sh('ip', ['netns', 'del', ns]).catch(() => {});
    throw error;
  }
}
