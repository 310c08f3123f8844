// A speed target in its own process (so it can run inside a network namespace): the agent
// listener (HTTP /speed/*, UDP reflector on the same port) and a managed iperf3 server.
// Prints one line `READY {json}` when serving; stops on SIGTERM or when stdin closes.
//   node --import tsx test/helpers/speed-target-main.ts HOST PORT [IPERF3_PORT]
import { startSpeedListener } from '../../src/speed-server/listener.js';

const [host = '127.0.0.1', port = '0', iperf3Port] = process.argv.slice(2);
const listener = await startSpeedListener({ host, port: Number(port), ...(iperf3Port ? { iperf3Port: Number(iperf3Port) } : {}) });
process.stdout.write(`READY ${JSON.stringify({ port: listener.port, reflectorPort: listener.reflectorPort, iperf3Port: listener.iperf3?.port ?? null })}\n`);
const stop = async () => {
  await listener.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.resume();
