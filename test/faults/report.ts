// What a fault test did, what was lost and how long recovery took: printed for the reader of the
// test log (the figures in docs/reliability.md come from these lines).
export function report(fault: string, figures: { done: string; lost: string; recovery: string }): void {
  process.stdout.write(`\n[fault] ${fault}\n  done:     ${figures.done}\n  lost:     ${figures.lost}\n  recovery: ${figures.recovery}\n`);
}
