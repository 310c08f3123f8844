export { percentile, median } from './percentile.js';
export { mean } from './mean.js';
export { jitter } from './jitter.js';
export { intervalRates, steadyWindow, type ByteSample, type IntervalRate, type SteadyWindow } from './goodput.js';
