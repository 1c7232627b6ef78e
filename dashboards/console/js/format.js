// Times and numbers as the night shift reads them: local wall time, 24-hour clock, elapsed minutes.
import { getLang } from './i18n.js';

const pad = (n) => String(n).padStart(2, '0');

/** `2026-11-22 14:03:11` in the browser's time zone; '' for a missing or bad time. */
export function formatDateTime(iso) {
  const ms = Date.parse(iso ?? '');
  if (Number.isNaN(ms)) return iso ?? '';
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** `11-22 14:03:11` (dense lists; the year is in the tooltip). */
export function formatShort(iso) {
  const full = formatDateTime(iso);
  return /^\d{4}-/.test(full) ? full.slice(5) : full;
}

/** Elapsed time since `iso`, e.g. `4:05` (m:ss) under an hour, `2h 07m` beyond, `3d 04h` beyond a day. */
export function elapsed(iso, now = Date.now()) {
  const ms = Date.parse(iso ?? '');
  if (Number.isNaN(ms)) return '';
  const sec = Math.max(0, Math.floor((now - ms) / 1000));
  if (sec < 3600) return `${Math.floor(sec / 60)}:${pad(sec % 60)}`;
  const min = Math.floor(sec / 60);
  if (min < 24 * 60) return `${Math.floor(min / 60)}h ${pad(min % 60)}m`;
  return `${Math.floor(min / 1440)}d ${pad(Math.floor((min % 1440) / 60))}h`;
}

/** A `datetime-local` input value (`2026-11-22T14:00`) as ISO 8601 with the browser's offset. */
export function localInputToIso(value) {
  if (!value) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return undefined;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${sign}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
}

/** An ISO time as a `datetime-local` input value in the browser's zone. */
export function isoToLocalInput(iso) {
  const ms = Date.parse(iso ?? '');
  if (Number.isNaN(ms)) return '';
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** `now − days` as a `datetime-local` value (form defaults). */
export function daysAgoInput(days, now = Date.now()) {
  return isoToLocalInput(new Date(now - days * 86_400_000).toISOString());
}

/** Grams with thousands separators and 2 decimals; kilograms past 10 kg. */
export function formatGrams(g) {
  if (typeof g !== 'number' || !Number.isFinite(g)) return '';
  const locale = getLang() === 'zh' ? 'zh-CN' : 'en-GB';
  if (g >= 10_000) return `${(g / 1000).toLocaleString(locale, { maximumFractionDigits: 2 })} kg`;
  return `${g.toLocaleString(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 })} g`;
}

export function formatNumber(n) {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '–';
  return n.toLocaleString(getLang() === 'zh' ? 'zh-CN' : 'en-GB');
}

export function formatPercent(ratio) {
  if (typeof ratio !== 'number' || !Number.isFinite(ratio)) return '–';
  return `${(ratio * 100).toFixed(1)}%`;
}
