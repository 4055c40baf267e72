/** How times, durations and numbers read in the panel; one place so every view agrees. */
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';
import type { SummaryStatistic } from './api';

/** An ISO 8601 time as the user's locale writes a date and time; '' when absent. */
export function formatTime(iso: string | undefined | null): string {
  if (!iso) {
    return '';
  }
  const moment = new Date(iso);
  if (isNaN(moment.getTime())) {
    return iso;
  }
  return moment.toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit'
  });
}

/**
 * An ISO 8601 time in few characters, for table cells: the time of day for today, the day for
 * this year, else the date with its year. `now` is for tests.
 */
export function formatCompactTime(
  iso: string | undefined | null,
  now: Date = new Date()
): string {
  if (!iso) {
    return '';
  }
  const moment = new Date(iso);
  if (isNaN(moment.getTime())) {
    return iso;
  }
  if (moment.toDateString() === now.toDateString()) {
    return moment.toLocaleTimeString(undefined, {
      hour: '2-digit',
      minute: '2-digit'
    });
  }
  if (moment.getFullYear() === now.getFullYear()) {
    return moment.toLocaleDateString(undefined, {
      month: 'short',
      day: 'numeric'
    });
  }
  return moment.toLocaleDateString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric'
  });
}

/** The time between two ISO 8601 times, e.g. "1 h 2 min 3 s"; '' when either is absent. */
export function formatDuration(
  start: string | undefined | null,
  end: string | undefined | null,
  translator?: ITranslator
): string {
  if (!start || !end) {
    return '';
  }
  const milliseconds = new Date(end).getTime() - new Date(start).getTime();
  if (isNaN(milliseconds) || milliseconds < 0) {
    return '';
  }
  const trans = (translator ?? nullTranslator).load('smx_lab');
  if (milliseconds < 1000) {
    return trans.__('%1 ms', milliseconds);
  }
  let seconds = Math.round(milliseconds / 1000);
  const parts: string[] = [];
  const days = Math.floor(seconds / 86400);
  seconds -= days * 86400;
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  if (days) {
    parts.push(trans.__('%1 d', days));
  }
  if (hours) {
    parts.push(trans.__('%1 h', hours));
  }
  if (minutes) {
    parts.push(trans.__('%1 min', minutes));
  }
  if (seconds || parts.length === 0) {
    parts.push(trans.__('%1 s', seconds));
  }
  return parts.join(' ');
}

/** A metric statistic: integers as they are, other numbers to 6 significant digits. */
export function formatNumber(value: number | undefined | null): string {
  if (value === undefined || value === null) {
    return '';
  }
  if (!isFinite(value)) {
    return String(value);
  }
  if (Number.isInteger(value)) {
    return String(value);
  }
  return String(Number(value.toPrecision(6)));
}

/** A summary statistic's name in the user's language (SageMaker's names are the values). */
export function statisticLabel(
  statistic: SummaryStatistic,
  trans: TranslationBundle
): string {
  switch (statistic) {
    case 'Min':
      return trans.__('Min');
    case 'Max':
      return trans.__('Max');
    case 'Avg':
      return trans.__('Avg');
    case 'StdDev':
      return trans.__('StdDev');
    case 'Last':
      return trans.__('Last');
    case 'Count':
      return trans.__('Count');
  }
}
