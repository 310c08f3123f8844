import type { TObject, TSchema } from 'typebox';
import { Value } from 'typebox/value';

/** A configuration problem; the message names the variable and says what is wrong. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The process environment, plus `--flag value` overrides (`--data-dir` sets DATA_DIR). */
export function readEnvironment(flagOverrides: Record<string, string> = {}): Record<string, string | undefined> {
  return { ...process.env, ...flagOverrides };
}

/** `--data-dir` → `DATA_DIR`. */
export function flagToVariable(flag: string): string {
  return flag.replace(/^--/, '').replace(/-/g, '_').toUpperCase();
}

/**
 * Parse the variables a schema declares out of an environment: strings are converted to the
 * declared types, defaults applied, and every problem reported with the variable's name.
 * An empty string counts as unset unless the schema says `allowEmpty`.
 */
export function parseEnvironment<S extends TObject>(schema: S, env: Record<string, string | undefined>): unknown {
  const picked: Record<string, unknown> = {};
  for (const [name, propertySchema] of Object.entries(schema.properties) as [string, TSchema & { allowEmpty?: boolean }][]) {
    const raw = env[name];
    if (raw === undefined) continue;
    if (raw === '' && !propertySchema.allowEmpty) continue;
    picked[name] = raw.trim();
  }
  const converted = Value.Convert(schema, Value.Default(schema, picked)) as Record<string, unknown>;
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const error of Value.Errors(schema, converted)) {
    const name = error.instancePath.replace(/^\//, '').split('/')[0] || String((error.params as { requiredProperties?: string[] }).requiredProperties?.[0] ?? '?');
    if (seen.has(name)) continue;
    seen.add(name);
    const property = (schema.properties as Record<string, TSchema>)[name];
    problems.push(`${name}: ${describeExpectation(property, error.message)} (got ${JSON.stringify(env[name] ?? null)})`);
  }
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  return converted;
}

function describeExpectation(schema: TSchema | undefined, fallback: string): string {
  if (!schema) return fallback;
  const s = schema as Record<string, unknown>;
  if (Array.isArray(s.anyOf)) {
    const values = (s.anyOf as Record<string, unknown>[]).map((v) => v.const).filter((v) => v !== undefined);
    if (values.length > 0) return `must be one of ${values.join(', ')}`;
  }
  if (s.type === 'integer' || s.type === 'number') {
    const range = [s.minimum !== undefined ? `≥ ${s.minimum}` : '', s.maximum !== undefined ? `≤ ${s.maximum}` : ''].filter(Boolean).join(' and ');
    return `must be ${s.type === 'integer' ? 'a whole number' : 'a number'}${range ? ` ${range}` : ''}`;
  }
  if (s.type === 'boolean') return 'must be true or false';
  if (typeof s.description === 'string' && s.type === 'string') return `${fallback}: ${s.description}`;
  return fallback;
}
