/**
 * The baseline of a trial component list: which way each metric is better, and how far a value
 * is from the baseline's, absolute and in percent.
 */

/** Which way a metric is better: higher, lower, or no direction (differences stay uncoloured). */
export type Direction = 'higher' | 'lower' | 'none';

export const DIRECTIONS: readonly Direction[] = ['higher', 'lower', 'none'];

const HIGHER = new Set([
  'accuracy',
  'acc',
  'precision',
  'recall',
  'f1',
  'auc',
  'score',
  'map',
  'bleu',
  'rouge',
  'r2'
]);
const LOWER = new Set([
  'loss',
  'error',
  'err',
  'rmse',
  'mse',
  'mae',
  'perplexity',
  'wer',
  'cer'
]);

/**
 * The direction a metric's name tells: one of its words (`validation:auc`, `train_loss`,
 * `test-f1`, `rouge-l`) is a known name; lower wins when both appear (`accuracy_loss`).
 */
export function knownDirection(metric: string): Direction {
  const words = metric
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(word => word.length > 0);
  if (words.some(word => LOWER.has(word))) {
    return 'lower';
  }
  if (words.some(word => HIGHER.has(word) || /^f1/.test(word))) {
    return 'higher';
  }
  return 'none';
}

/** A value's difference to the baseline's: absolute, in percent, and whether it is better. */
export interface IDifference {
  absolute: number;
  /** Null when the baseline's value is 0. */
  percent: number | null;
  /** True better, false worse, null when the direction is none or the values are equal. */
  better: boolean | null;
}

/** The difference of `value` to `base`, or null when either is not a number. */
export function difference(
  value: unknown,
  base: unknown,
  direction: Direction
): IDifference | null {
  if (
    typeof value !== 'number' ||
    typeof base !== 'number' ||
    !Number.isFinite(value) ||
    !Number.isFinite(base)
  ) {
    return null;
  }
  const absolute = value - base;
  const percent = base === 0 ? null : (absolute / Math.abs(base)) * 100;
  const better =
    direction === 'none' || absolute === 0
      ? null
      : direction === 'higher'
        ? absolute > 0
        : absolute < 0;
  return { absolute, percent, better };
}
