// Runs the speedtest engine once in its own process (so it can run inside a network namespace)
// and prints the result as JSON on stdout.
//   node --import tsx test/helpers/speedtest-main.ts '{"spec": {...}, "options": {...}}'
import { createSpeedtestEngine } from '../../src/engines/speedtest/index.js';
import { createLogger } from '../../src/observability/logger.js';

const { spec, options } = JSON.parse(process.argv[2] ?? '{}');
const engine = createSpeedtestEngine(options ?? {});
const controller = new AbortController();
process.on('SIGTERM', () => controller.abort());
const result = await engine(spec, { signal: controller.signal, log: createLogger('warn', 'speedtest-main'), onProgress: () => {}, agentVersion: 'fidelity-test' });
process.stdout.write(`${JSON.stringify(result)}\n`);
