// when.js: dates and times in Asia/Shanghai (UTC+8, no daylight saving),
// whatever the browser's own time zone.
import { t, lang } from './core.js';

const SH = 8 * 3600e3;
export const DAY = 86400e3;
export const pad = (n) => String(n).padStart(2, '0');

/** parts returns the Shanghai wall-clock fields of a time. */
export function parts(ms) {
  const x = new Date(ms + SH);
  return { y: x.getUTCFullYear(), m: x.getUTCMonth() + 1, d: x.getUTCDate(), dow: x.getUTCDay() || 7, min: x.getUTCHours() * 60 + x.getUTCMinutes() };
}

/** mondayOf returns the instant of 00:00 Shanghai time on the Monday of ms's week. */
export function mondayOf(ms) {
  const p = parts(ms);
  return Date.UTC(p.y, p.m - 1, p.d - (p.dow - 1)) - SH;
}

/** iso formats an instant as RFC 3339 in +08:00. */
export function iso(ms) {
  const p = parts(ms);
  return `${p.y}-${pad(p.m)}-${pad(p.d)}T${pad(Math.floor(p.min / 60))}:${pad(p.min % 60)}:00+08:00`;
}

export const clock = (min) => `${pad(Math.floor(min / 60))}:${pad(min % 60)}`;

/** dayLabel is "周一 6月3日" or "Mon 3 Jun" for a Shanghai midnight. */
export function dayLabel(ms) {
  const p = parts(ms);
  return t('day.' + p.dow) + ' ' + (lang === 'en'
    ? new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'Asia/Shanghai' }).format(ms)
    : `${p.m}月${p.d}日`);
}

/** durationText is "1 小时 30 分钟" or "1 h 30 min". */
export function durationText(min) {
  const hh = Math.floor(min / 60);
  const mm = min % 60;
  return [hh ? t('unit.hours', { n: hh }) : '', mm ? t('unit.minutes', { n: mm }) : ''].filter(Boolean).join(' ');
}
