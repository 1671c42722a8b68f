// One channel in detail: live charts of voltage (min/max band per bucket), current, cell and ambient temperature over
// the last minutes, with the rule thresholds and the alert markers. The gateway keeps 5 minutes of 500 ms buckets;
// the view loads them once, appends each tick's newest bucket, and reloads every few seconds so that a bucket that
// was still filling at tick time ends up with its final min/max.

import { TimeChart } from './chart.js';
import { STATE_BY_ID, clock, duration, el, num, setText, withUnit } from './format.js';

const RELOAD_MILLIS = 5000;
const COLORS = {
  voltage: '#4fc3f7',
  voltageBand: 'rgba(79,195,247,0.28)',
  current: '#ffb74d',
  cell: '#ef9a9a',
  ambient: '#b0bec5',
  limit: '#ff5252',
  baseline: '#cfd8dc',
  drop: '#ffd740',
  temperature: '#ffd740',
};
const MARKER_COLORS = { SAFETY: '#ff5252', PROCEDURE: '#ffd740', DATA_QUALITY: '#b39ddb' };

export class ChannelView {
  /**
   * @param panel   the view's element (hidden when closed)
   * @param options {serverNow(), alertsFor(channelId), onClose()}
   */
  constructor(panel, options) {
    this.panel = panel;
    this.o = options;
    this.channelId = null;
    this.history = { t: [], vMin: [], vMax: [], i: [], tCell: [], tAmb: [] };
    this.windowMillis = 120_000;
    this.title = panel.querySelector('.cv-title');
    this.state = panel.querySelector('.cv-state');
    this.stateText = panel.querySelector('.cv-state-text');
    this.facts = panel.querySelector('.cv-facts');
    this.values = panel.querySelector('.cv-values');
    this.alertList = panel.querySelector('.cv-alerts');
    const charts = panel.querySelector('.cv-charts');
    this.vChart = new TimeChart(charts, {
      title: 'Voltage', unit: 'V', digits: 4,
      series: [{ label: 'min\u2013max per 500 ms', color: COLORS.voltage, fill: COLORS.voltageBand, band: [0, 1] }],
    });
    this.iChart = new TimeChart(charts, {
      title: 'Current', unit: 'A', digits: 3, height: 150,
      series: [{ label: 'I (+ = charge)', color: COLORS.current }],
    });
    this.tChart = new TimeChart(charts, {
      title: 'Temperature', unit: '\u00b0C', digits: 1,
      series: [{ label: 'cell', color: COLORS.cell, column: 0 }, { label: 'ambient', color: COLORS.ambient, column: 1, dash: [6, 4] }],
    });
    panel.querySelector('.cv-close').addEventListener('click', () => this.o.onClose());
    for (const b of panel.querySelectorAll('.cv-window button')) {
      b.addEventListener('click', () => {
        this.windowMillis = Number(b.dataset.minutes) * 60_000;
        for (const other of panel.querySelectorAll('.cv-window button')) other.setAttribute('aria-pressed', String(other === b));
        this.redraw();
      });
    }
    setInterval(() => this.channelId && this.redraw(), 1000); // the time axis moves even without data
    setInterval(() => this.channelId && this.load(), RELOAD_MILLIS);
  }

  async open(channelId, channel) {
    this.channelId = channelId;
    this.panel.hidden = false;
    this.panel.dataset.channel = channelId;
    this.history = { t: [], vMin: [], vMax: [], i: [], tCell: [], tAmb: [] };
    if (channel) this.update(channel);
    setText(this.title, channelId);
    await this.load();
  }

  close() {
    this.channelId = null;
    this.panel.hidden = true;
  }

  async load() {
    const id = this.channelId;
    try {
      const r = await fetch(`/api/channels/${encodeURIComponent(id)}`);
      if (id !== this.channelId) return;
      if (!r.ok) {
        setText(this.facts, r.status === 404 ? 'The gateway does not know this channel.' : `Cannot load: ${r.status}`);
        return;
      }
      const ch = await r.json();
      if (id !== this.channelId) return;
      const h = { t: [], vMin: [], vMax: [], i: [], tCell: [], tAmb: [] };
      for (const p of ch.history) this.push(h, p);
      this.history = h;
      this.update(ch);
    } catch (e) {
      // the feed indicator tells the operator; keep what is shown
    }
  }

  push(h, p) {
    h.t.push(p[0]);
    h.vMin.push(p[1]);
    h.vMax.push(p[2]);
    h.i.push(p[3]);
    h.tCell.push(p[4]);
    h.tAmb.push(p[5]);
  }

  /** A tick's channel: latest values, and its newest bucket appended or (same bucket) replaced. */
  update(ch) {
    this.channel = ch;
    const p = ch.point;
    const h = this.history;
    if (p) {
      const n = h.t.length;
      if (n > 0 && h.t[n - 1] === p[0]) {
        h.vMin[n - 1] = p[1];
        h.vMax[n - 1] = p[2];
        h.i[n - 1] = p[3];
        h.tCell[n - 1] = p[4];
        h.tAmb[n - 1] = p[5];
      } else if (n === 0 || p[0] > h.t[n - 1]) {
        this.push(h, p);
        if (h.t.length > 2000) { // a view left open for hours: keep the newest buckets (reloads trim it too)
          const drop = h.t.length - 1200;
          for (const k of Object.keys(h)) h[k].splice(0, drop);
        }
      }
    }
    const state = STATE_BY_ID[ch.state] || STATE_BY_ID.idle;
    this.panel.dataset.state = state.id;
    setText(this.stateText, state.label);
    this.state.title = state.title;
    const limits = [];
    if (ch.limits.upperChargeVoltage !== undefined) limits.push(`upper charge voltage ${ch.limits.upperChargeVoltage} V`);
    if (ch.limits.voltageDrop !== undefined) limits.push(`voltage drop ${Math.round(ch.limits.voltageDrop * 1000)} mV`);
    if (ch.limits.temperatureReturnFraction !== undefined) {
      limits.push(`\u0394T back to ${Math.round(ch.limits.temperatureReturnFraction * 100)} % of peak`);
    }
    const seen = ch.lastSeenMillis ? `last data ${clock(ch.lastSeenMillis)} (${duration(this.o.serverNow() - ch.lastSeenMillis)} ago)` : 'no data yet';
    setText(this.facts, [
      `rig ${ch.rigId || '\u2014'}${ch.connected ? '' : ' (offline)'}`,
      `cell ${ch.cellSerial || '\u2014'}`,
      `lot ${ch.lot || '\u2014'}`,
      `procedure ${ch.procedure || '\u2014'}`,
      `limits: ${limits.join(', ') || 'none'}`,
      seen,
    ].join(' \u00b7 '));
    const vals = [
      ['V', withUnit(ch.voltage, 4, 'V')],
      ['I', withUnit(ch.current, 3, 'A')],
      ['T cell', withUnit(ch.cellTemperature, 1, '\u00b0C')],
      ['T amb', withUnit(ch.ambientTemperature, 1, '\u00b0C')],
    ];
    if (Number.isFinite(ch.force)) vals.push(['F', withUnit(ch.force, 0, 'N')]);
    this.renderValues(vals);
    this.redraw();
  }

  renderValues(vals) {
    if (this.values.children.length !== vals.length) {
      this.values.replaceChildren(...vals.map(([k]) => {
        const d = el('div', 'cv-value');
        d.append(el('span', 'k', k), el('b', 'x'));
        return d;
      }));
    }
    vals.forEach(([k, v], idx) => {
      const d = this.values.children[idx];
      setText(d.firstChild, k);
      setText(d.lastChild, v);
    });
  }

  /** Thresholds from the channel's limits and from its alerts; markers from its alerts. */
  redraw() {
    const ch = this.channel;
    if (!ch) return;
    const now = this.o.serverNow();
    const t0 = now - this.windowMillis;
    const h = this.history;
    const alerts = this.o.alertsFor(this.channelId);
    const vLines = [];
    const tLines = [];
    if (ch.limits.upperChargeVoltage !== undefined) {
      vLines.push({ value: ch.limits.upperChargeVoltage, label: `upper charge limit ${ch.limits.upperChargeVoltage} V`, color: COLORS.limit });
    }
    let ambient = null;
    for (let k = h.tAmb.length - 1; k >= 0; k--) {
      if (Number.isFinite(h.tAmb[k]) && h.tAmb[k] !== null) {
        ambient = h.tAmb[k];
        break;
      }
    }
    const newest = {};
    for (const a of alerts) {
      if (!newest[a.rule] || a.sampleTimeMicros > newest[a.rule].sampleTimeMicros) newest[a.rule] = a;
    }
    const drop = newest['voltage-drop'];
    if (drop && Number.isFinite(drop.reference)) {
      const limit = drop.trigger === 'drop' ? drop.threshold : drop.reference - (ch.limits.voltageDrop ?? 0.05);
      vLines.push({ value: drop.reference, label: `baseline ${num(drop.reference, 4)} V`, color: COLORS.baseline, dash: [2, 4] });
      vLines.push({ value: limit, label: `baseline \u2212 ${Math.round((drop.reference - limit) * 1000)} mV = ${num(limit, 4)} V`, color: COLORS.drop });
    }
    const temp = newest['temperature-return'];
    if (temp && Number.isFinite(temp.threshold) && ambient !== null) {
      const fraction = Number.isFinite(temp.reference) && temp.reference > 0 ? temp.threshold / temp.reference : null;
      tLines.push({
        value: ambient + temp.threshold,
        label: `ambient + ${fraction === null ? '' : `${Math.round(fraction * 100)} % of `}\u0394T peak ${num(temp.reference, 1)} K`,
        color: COLORS.temperature,
      });
    }
    const markers = alerts.map((a) => {
      let t = a.sampleTimeMicros / 1000;
      let label = `${a.action} ${a.trigger || a.rule}`;
      const arrival = (a.receivedAtMicros || 0) / 1000;
      if (arrival && Math.abs(arrival - t) > 60_000) {
        // the rig's clock is far from the gateway's: place it where the gateway saw it, and say so
        t = arrival;
        label += ' (rig clock off)';
      }
      return { t, label, color: MARKER_COLORS[a.alertClass] || '#ffffff' };
    });
    for (const [chart, ys, lines] of [
      [this.vChart, [h.vMin, h.vMax], vLines],
      [this.iChart, [h.i], []],
      [this.tChart, [h.tCell, h.tAmb], tLines],
    ]) {
      chart.thresholds = lines.filter((x) => Number.isFinite(x.value));
      chart.markers = markers;
      chart.t0 = t0;
      chart.t1 = now;
      chart.setData(h.t, ys);
    }
    this.renderAlerts(alerts);
  }

  renderAlerts(alerts) {
    const key = alerts.map((a) => `${a.alertId}:${a.acknowledgedBy || ''}`).join(',');
    if (key === this.alertKey) return;
    this.alertKey = key;
    const items = alerts.sort((a, b) => b.sampleTimeMicros - a.sampleTimeMicros).map((a) => {
      const li = el('li');
      li.dataset.class = a.alertClass;
      li.textContent = `${clock(a.sampleTimeMicros / 1000)}  ${a.alertClass}  ${a.action}  ${a.reason}`
        + (a.acknowledgedBy ? `  \u2014 acknowledged by ${a.acknowledgedBy}` : '');
      return li;
    });
    if (items.length === 0) items.push(el('li', 'none', 'No alerts for this channel.'));
    this.alertList.replaceChildren(...items);
  }
}
