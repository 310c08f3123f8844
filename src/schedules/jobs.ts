import { Type, type TObject } from 'typebox';
import { Value } from 'typebox/value';
import type { AppContext } from '../app/context.js';
import { HttpError, badRequest } from '../http/errors.js';
import type { MeasurementJob } from '../measurements/job.js';
import { DnsRequest, ProbeRequest, SpeedtestRequest, TraceRequest, dnsJobSpec, probeJobSpec, traceJobSpec } from '../measurements/requests.js';
import { buildSpeedtestJob } from '../measurements/speedtest-route.js';

export type TestType = 'speedtest' | 'trace' | 'probe' | 'dns';

/** A schedule's test: its type, the target as requested and the test's own parameters. */
export interface ScheduledTest {
  test_type: TestType;
  target: string;
  params: Record<string, unknown>;
}

/** The on-demand request schemas without `agent` and the target: what `params` may hold. */
const PARAM_SCHEMAS: Record<TestType, TObject> = {
  speedtest: Type.Omit(SpeedtestRequest, ['agent', 'target'], { additionalProperties: false }),
  trace: Type.Omit(TraceRequest, ['agent', 'target'], { additionalProperties: false }),
  probe: Type.Omit(ProbeRequest, ['agent', 'target'], { additionalProperties: false }),
  dns: Type.Omit(DnsRequest, ['agent', 'hostname'], { additionalProperties: false }),
};

/** Checks `params` against the test's request schema; a problem is a 400 naming `params.<field>`. */
function checkParams(testType: TestType, params: Record<string, unknown>): void {
  const schema = PARAM_SCHEMAS[testType];
  const known = Object.keys(schema.properties);
  for (const key of Object.keys(params)) {
    if (!known.includes(key)) throw badRequest(`params.${key}`, `not a parameter of a ${testType} test (one of ${known.join(', ')})`);
  }
  const [first] = Value.Errors(schema, params);
  if (first) {
    const missing = (first.params as { requiredProperties?: string[] }).requiredProperties?.[0];
    const path = first.instancePath.replace(/^\//, '').replace(/\//g, '.') || missing || '';
    throw badRequest(path ? `params.${path}` : 'params', missing && !first.instancePath ? 'required' : first.message);
  }
}

/** The converters name the request's fields; in a schedule they live under `params`, the target beside them. */
function renamed(error: unknown, targetField: string): unknown {
  if (!(error instanceof HttpError) || !error.field) return error;
  const field = error.field === targetField ? 'target' : `params.${error.field}`;
  return badRequest(field, error.message.replace(/^[^:]*: /, ''));
}

/**
 * The job a schedule's test makes, validated exactly as POST /api/speed/test|trace|probe|dns
 * validates its body; throws a 400 naming the field. Also gives the run's target label.
 */
export async function buildScheduledJob(ctx: AppContext, test: ScheduledTest, agentName: string): Promise<{ job: MeasurementJob; target: string }> {
  const params = test.params;
  checkParams(test.test_type, params);
  const targetField = test.test_type === 'dns' ? 'hostname' : 'target';
  try {
    switch (test.test_type) {
      case 'speedtest': {
        const job = await buildSpeedtestJob(ctx, { ...params, agent: agentName, target: test.target } as SpeedtestRequest);
        return { job, target: job.kind === 'speedtest' ? job.spec.target : test.target };
      }
      case 'trace': {
        const spec = traceJobSpec({ ...params, agent: agentName, target: test.target } as TraceRequest);
        return { job: { kind: 'trace', spec }, target: spec.target };
      }
      case 'probe': {
        const spec = probeJobSpec({ ...params, agent: agentName, target: test.target } as ProbeRequest);
        return { job: { kind: 'probe', spec }, target: `${spec.target}:${spec.port}/${spec.protocol}` };
      }
      case 'dns': {
        const spec = dnsJobSpec({ ...params, agent: agentName, hostname: test.target } as DnsRequest);
        return { job: { kind: 'dns', spec }, target: spec.hostname };
      }
    }
  } catch (error) {
    throw renamed(error, targetField);
  }
}
