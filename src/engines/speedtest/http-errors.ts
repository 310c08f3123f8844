/** A measurement that could not be made, in words for the result's `error`. */
export class PhaseError extends Error {
  override name = 'PhaseError';
}
