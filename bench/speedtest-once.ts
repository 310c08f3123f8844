// Runs the speedtest engine once and prints {result, cpuS}: CPU seconds of this process and of
// the programs it ran (iperf3), from /proc/self/stat.
import { createSpeedtestEngine } from '../src/engines/speedtest/index.js';
import { createLogger } from '../src/observability/logger.js';
import { processUsage } from './processes.js';

const { spec, options } = JSON.parse(process.argv[2] ?? '{}');
const engine = createSpeedtestEngine(options ?? {});
const before = processUsage(process.pid).cpuS;
const result = await engine(spec, { signal: new AbortController().signal, log: createLogger('warn', 'bench-speedtest'), onProgress: () => {}, agentVersion: 'bench' });
const cpuS = processUsage(process.pid).cpuS - before;
process.stdout.write(`${JSON.stringify({ result, cpuS })}\n`);
