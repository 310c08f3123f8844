import { Type } from 'typebox';
import { Timestamp } from '../http/schemas.js';
import { BASELINE_MIN_SAMPLES } from './constants.js';

export const BaselineBody = Type.Object({
  agent: Type.Object({ id: Type.String(), name: Type.String() }),
  target: Type.String(),
  metric: Type.String(),
  value: Type.Number({ description: 'the median of the window' }),
  sample_count: Type.Integer(),
  window_start: Timestamp,
  window_end: Timestamp,
  reliable: Type.Boolean({ description: `at least ${BASELINE_MIN_SAMPLES} results in the window` }),
  computed_at: Timestamp,
});
