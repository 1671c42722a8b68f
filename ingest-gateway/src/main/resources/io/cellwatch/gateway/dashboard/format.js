// Formatting and the vocabulary of states and alert classes, shared by every part of the screen.

/** Tile states as the gateway reports them, in the order of urgency. Text and shape carry the state, not colour alone. */
export const STATES = [
  { id: 'alert', label: 'ALERT', title: 'unacknowledged safety alert: the rig was told to stop' },
  { id: 'stopped', label: 'STOPPED', title: 'stop condition met (test complete, or safety alert acknowledged)' },
  { id: 'silent', label: 'SILENT', title: 'no data from this channel: CellWatch cannot see it' },
  { id: 'running', label: 'RUNNING', title: 'data arriving, no stop condition met' },
  { id: 'idle', label: 'IDLE', title: 'rig not connected, or no data yet' },
];
export const STATE_BY_ID = Object.fromEntries(STATES.map((s) => [s.id, s]));

export const ALERT_CLASSES = {
  SAFETY: { label: 'SAFETY', severity: 'critical' },
  PROCEDURE: { label: 'PROCEDURE', severity: 'complete' },
  DATA_QUALITY: { label: 'DATA QUALITY', severity: 'warning' },
};

const DASH = '\u2014';

/** A number with fixed decimals, or a dash when absent. */
export function num(v, digits) {
  return v === null || v === undefined || !Number.isFinite(v) ? DASH : v.toFixed(digits);
}

export function withUnit(v, digits, unit) {
  const s = num(v, digits);
  return s === DASH ? s : `${s}\u202f${unit}`;
}

const pad = (n, w = 2) => String(n).padStart(w, '0');

/** hh:mm:ss in the screen's local time. */
export function clock(millis) {
  if (!millis) return DASH;
  const d = new Date(millis);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** hh:mm:ss.mmm in the screen's local time. */
export function clockMillis(millis) {
  if (!millis) return DASH;
  return `${clock(millis)}.${pad(new Date(millis).getMilliseconds(), 3)}`;
}

/** yyyy-mm-dd hh:mm:ss for the history table. */
export function dateTime(millis) {
  if (!millis) return DASH;
  const d = new Date(millis);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${clock(millis)}`;
}

/** A duration for people: 850 ms, 12.3 s, 4 min 10 s, 2 h 05 min. */
export function duration(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return DASH;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${pad(Math.floor(s % 60))} s`;
  return `${Math.floor(s / 3600)} h ${pad(Math.floor((s % 3600) / 60))} min`;
}

/** The channel's name within its rig ("ch02" for "sim-rig/ch02"), or the whole id. */
export function shortName(channelId, rigId) {
  if (rigId && channelId.startsWith(`${rigId}/`)) return channelId.slice(rigId.length + 1);
  return channelId;
}

const DIGITS_BY_UNIT = { V: 4, A: 3, K: 2, C: 2, N: 1, s: 1 };

/** An alert figure in its unit, with the unit's usual digits or more (see {@link verdict}). */
export function figure(v, unit, digits) {
  return withUnit(v, digits ?? DIGITS_BY_UNIT[unit] ?? 3, unit === 'C' ? '\u00b0C' : unit);
}

/** Digits that tell a value from its threshold: 4.250007 V over 4.25 V must not read "4.2500 V > 4.2500 V". */
function digitsApart(value, threshold, unit) {
  let d = DIGITS_BY_UNIT[unit] ?? 3;
  if (!Number.isFinite(value) || !Number.isFinite(threshold) || value === threshold) return d;
  while (d < 6 && value.toFixed(d) === threshold.toFixed(d)) d++;
  return d;
}

/**
 * The verdict of an alert as one line: the triggering value, the comparison the rule made, the threshold and the
 * reference it was measured from ("4.2502 V > 4.25 V", "4.0490 V <= 4.0500 V (baseline 4.0990 V)").
 */
export function verdict(a) {
  const unit = a.unit || '';
  let op = 'vs';
  if (a.rule === 'upper-charge-voltage') op = '>';
  else if (a.rule === 'voltage-drop') op = a.trigger === 'force' ? '\u2265' : '\u2264';
  else if (a.rule === 'temperature-return') op = '\u2264';
  else if (a.rule === 'data-quality/silent') op = '\u2265';
  const digits = digitsApart(a.value, a.threshold, unit);
  let text = figure(a.value, unit, digits);
  if (a.threshold !== null && a.threshold !== undefined) text += ` ${op} ${figure(a.threshold, unit, digits)}`;
  else if (a.trigger) text += ` (${a.trigger})`;
  if (a.reference !== null && a.reference !== undefined) {
    const name = a.rule === 'temperature-return' ? 'peak \u0394T' : a.rule === 'voltage-drop' ? 'baseline' : 'reference';
    const refUnit = a.rule === 'voltage-drop' ? 'V' : unit;
    text += ` (${name} ${figure(a.reference, refUnit)})`;
  }
  return text;
}

/** Creates an element with a class and optional text. */
export function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Sets text only when it changed: most ticks change a few fields of a few tiles. */
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}
