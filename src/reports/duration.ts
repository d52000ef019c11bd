/**
 * Durations for `--sla` and for the report's "time to disable": parse `24h`, `90m`, `3d`, `1w`,
 * `1d12h` or an ISO-8601 duration (`PT24H`, `P1D`, `P1DT12H`) into milliseconds, and format
 * milliseconds back into a short human form (`3 d 4 h`). Months and years are refused: their
 * length varies, and an SLA must mean one fixed span.
 */
import { InputError } from '../model/errors.js';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Milliseconds of a duration, or an InputError naming `field`. */
export function parseDuration(text: string, field = '--sla'): number {
  const v = text.trim();
  const bad = () =>
    new InputError(`${field}: ${JSON.stringify(text)} is not a duration (use e.g. 24h, 90m, 3d, 1w, 1d12h, or ISO-8601 PT24H / P1D)`, { field });
  let ms = 0;
  const iso = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(v);
  if (iso && v.length > 1 && !/T$/i.test(v)) {
    const [, w, d, h, m, s] = iso.map((x): number => (x === undefined ? 0 : Number(x)));
    ms = w * UNIT_MS.w + d * UNIT_MS.d + h * UNIT_MS.h + m * UNIT_MS.m + s * UNIT_MS.s;
  } else {
    const parts = [...v.toLowerCase().matchAll(/(\d+(?:\.\d+)?)\s*([smhdw])/g)];
    if (parts.length === 0 || parts.map((p) => p[0]).join('').replace(/\s+/g, '') !== v.toLowerCase().replace(/\s+/g, '')) throw bad();
    for (const p of parts) ms += Number(p[1]) * UNIT_MS[p[2]];
  }
  if (!Number.isFinite(ms) || ms <= 0) throw bad();
  return Math.round(ms);
}

/** `45 min`, `5 h 30 min`, `3 d 4 h` (two largest units). */
export function formatDuration(ms: number): string {
  const neg = ms < 0;
  let rest = Math.abs(ms);
  const d = Math.floor(rest / UNIT_MS.d);
  rest -= d * UNIT_MS.d;
  const h = Math.floor(rest / UNIT_MS.h);
  rest -= h * UNIT_MS.h;
  const m = Math.round(rest / UNIT_MS.m);
  let out: string;
  if (d > 0) out = h > 0 ? `${d} d ${h} h` : `${d} d`;
  else if (h > 0) out = m > 0 ? `${h} h ${m} min` : `${h} h`;
  else out = `${m} min`;
  return neg ? `-${out}` : out;
}

/** Hours with two decimals (CSV). */
export function hours(ms: number): string {
  return (ms / UNIT_MS.h).toFixed(2);
}
