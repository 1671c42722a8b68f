// A small time-series chart on a canvas: lines, one min/max band, horizontal threshold lines and vertical alert
// markers. Hand-written because no uPlot WebJar is published on Maven Central and the plant network has no internet;
// the data is already decimated by the gateway (one point per 500 ms bucket, at most 600), so drawing every point is
// cheap and no further decimation is needed here.

const MARGIN = { left: 64, right: 14, top: 10, bottom: 24 };
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600].map((s) => s * 1000);
const pad = (n) => String(n).padStart(2, '0');

function niceStep(raw) {
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10) * mag;
}

function cssVar(name, fallback) {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

export class TimeChart {
  /**
   * @param host    element that receives the chart (a header with the legend, then the canvas)
   * @param options {title, unit, digits, height, gapMillis,
   *                 series: [{label, color, width?, dash?, band?: [loIndex, hiIndex]}]}
   *                 A series with `band` is drawn as the filled area between two data arrays; the others as lines.
   */
  constructor(host, options) {
    this.o = { digits: 3, height: 190, gapMillis: 1600, ...options };
    this.t = [];
    this.ys = [];
    this.thresholds = [];
    this.markers = [];
    this.t0 = 0;
    this.t1 = 1;
    this.pending = false;

    this.root = document.createElement('figure');
    this.root.className = 'chart';
    const head = document.createElement('figcaption');
    const title = document.createElement('span');
    title.className = 'chart-title';
    title.textContent = `${this.o.title} (${this.o.unit})`;
    head.append(title);
    this.legendValues = this.o.series.map((s) => {
      const item = document.createElement('span');
      item.className = 'legend-item';
      const sw = document.createElement('i');
      sw.className = s.band ? 'swatch band' : s.dash ? 'swatch dashed' : 'swatch';
      sw.style.setProperty('--c', s.color);
      const value = document.createElement('b');
      item.append(sw, document.createTextNode(`${s.label} `), value);
      head.append(item);
      return value;
    });
    this.canvas = document.createElement('canvas');
    this.canvas.style.height = `${this.o.height}px`;
    this.root.append(head, this.canvas);
    host.append(this.root);
    this.resizeObserver = new ResizeObserver(() => this.render());
    this.resizeObserver.observe(this.canvas);
  }

  /** Replaces the data: t in ms (ascending), ys one array per data column (null = absent). */
  setData(t, ys) {
    this.t = t;
    this.ys = ys;
    this.render();
  }

  /** [{value, label, color, dash?}] horizontal lines, always kept in view. */
  setThresholds(list) {
    this.thresholds = list.filter((x) => Number.isFinite(x.value));
    this.render();
  }

  /** [{t, label, color}] vertical markers on the time axis. */
  setMarkers(list) {
    this.markers = list;
    this.render();
  }

  setWindow(t0, t1) {
    this.t0 = t0;
    this.t1 = t1;
    this.render();
  }

  /** Coalesces redraws to one per animation frame. */
  render() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  destroy() {
    this.resizeObserver.disconnect();
    this.root.remove();
  }

  draw() {
    const { canvas, o } = this;
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth;
    const h = o.height;
    if (w === 0) return;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
    }
    const g = canvas.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    const text = cssVar('--chart-text', '#c9d4dc');
    const grid = cssVar('--chart-grid', 'rgba(255,255,255,0.08)');
    g.font = '12px "DejaVu Sans", "Liberation Sans", sans-serif';

    const px0 = MARGIN.left;
    const px1 = w - MARGIN.right;
    const py0 = MARGIN.top;
    const py1 = h - MARGIN.bottom;
    const { t, ys, t0, t1 } = this;

    // y range over the visible data and every threshold (the distance to a limit is what a screen must show)
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < t.length; i++) {
      if (t[i] < t0 - o.gapMillis || t[i] > t1) continue;
      for (let s = 0; s < ys.length; s++) {
        const v = ys[s][i];
        if (v === null || !Number.isFinite(v)) continue;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    const lastOf = (col) => {
      const data = ys[col];
      if (!data) return null;
      for (let i = t.length - 1; i >= 0; i--) {
        if (data[i] !== null && Number.isFinite(data[i])) return data[i];
      }
      return null;
    };
    for (const th of this.thresholds) {
      lo = Math.min(lo, th.value);
      hi = Math.max(hi, th.value);
    }
    this.o.series.forEach((series, s) => {
      let txt;
      if (series.band) {
        const a = lastOf(series.band[0]);
        const b = lastOf(series.band[1]);
        txt = a === null ? '\u2014' : `${a.toFixed(o.digits)} \u2013 ${b.toFixed(o.digits)}`;
      } else {
        const v = lastOf(series.column ?? s);
        txt = v === null ? '\u2014' : v.toFixed(o.digits);
      }
      const node = this.legendValues[s];
      if (node.textContent !== txt) node.textContent = txt;
    });
    if (!Number.isFinite(lo)) {
      g.fillStyle = text;
      g.textAlign = 'center';
      g.fillText('no data in this window', (px0 + px1) / 2, (py0 + py1) / 2);
      this.drawTimeAxis(g, px0, px1, py1, text, grid);
      return;
    }
    if (hi - lo < 1e-9) {
      const d = Math.max(Math.abs(hi) * 0.01, 0.01);
      lo -= d;
      hi += d;
    }
    const padY = (hi - lo) * 0.08;
    lo -= padY;
    hi += padY;
    const x = (tm) => px0 + ((tm - t0) / (t1 - t0)) * (px1 - px0);
    const y = (v) => py1 - ((v - lo) / (hi - lo)) * (py1 - py0);

    // y grid and labels
    const step = niceStep((hi - lo) / Math.max(2, Math.floor((py1 - py0) / 36)));
    const decimals = Math.max(0, Math.min(4, -Math.floor(Math.log10(step) + 1e-9)));
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    g.lineWidth = 1;
    for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) {
      const yy = Math.round(y(v)) + 0.5;
      g.strokeStyle = grid;
      g.beginPath();
      g.moveTo(px0, yy);
      g.lineTo(px1, yy);
      g.stroke();
      g.fillStyle = text;
      g.fillText(v.toFixed(decimals), px0 - 6, yy);
    }
    this.drawTimeAxis(g, px0, px1, py1, text, grid);

    g.save();
    g.beginPath();
    g.rect(px0, py0 - 2, px1 - px0, py1 - py0 + 4);
    g.clip();

    // the index range to draw: one point before the window so lines enter from the left edge
    let first = 0;
    while (first < t.length - 1 && t[first + 1] < t0) first++;
    const gap = (i) => i > first && t[i] - t[i - 1] > o.gapMillis;

    for (let s = 0; s < this.o.series.length; s++) {
      const series = this.o.series[s];
      if (series.band) {
        // the min..max area of each bucket, filled, with both edges stroked so a thin band still shows as a line
        const [a, b] = series.band;
        let start = -1;
        const flush = (end) => {
          if (start < 0 || end <= start) return;
          g.beginPath();
          for (let i = start; i < end; i++) g.lineTo(x(t[i]), y(ys[b][i]));
          for (let i = end - 1; i >= start; i--) g.lineTo(x(t[i]), y(ys[a][i]));
          g.closePath();
          g.fillStyle = series.fill ?? series.color;
          g.fill();
          g.strokeStyle = series.color;
          g.lineWidth = 1.5;
          for (const col of [a, b]) {
            g.beginPath();
            for (let i = start; i < end; i++) g.lineTo(x(t[i]), y(ys[col][i]));
            g.stroke();
          }
        };
        for (let i = first; i < t.length; i++) {
          const ok = ys[a][i] !== null && ys[b][i] !== null && Number.isFinite(ys[a][i]) && Number.isFinite(ys[b][i]);
          if (!ok || gap(i)) {
            flush(i);
            start = ok ? i : -1;
          } else if (start < 0) {
            start = i;
          }
        }
        flush(t.length);
        continue;
      }
      const col = series.column ?? s;
      const data = ys[col];
      if (!data) continue;
      g.strokeStyle = series.color;
      g.lineWidth = series.width ?? 2;
      g.setLineDash(series.dash ?? []);
      g.beginPath();
      let pen = false;
      for (let i = first; i < t.length; i++) {
        const v = data[i];
        if (v === null || !Number.isFinite(v)) {
          pen = false;
          continue;
        }
        if (!pen || gap(i)) g.moveTo(x(t[i]), y(v));
        else g.lineTo(x(t[i]), y(v));
        pen = true;
      }
      g.stroke();
      g.setLineDash([]);
    }
    g.restore();

    // thresholds: dashed lines with their label in a box at the left end (the right end is where the newest data
    // and the alert markers are)
    g.textBaseline = 'bottom';
    g.textAlign = 'left';
    for (const th of this.thresholds) {
      const yy = Math.round(y(th.value)) + 0.5;
      g.strokeStyle = th.color;
      g.lineWidth = 2;
      g.setLineDash(th.dash ?? [8, 5]);
      g.beginPath();
      g.moveTo(px0, yy);
      g.lineTo(px1, yy);
      g.stroke();
      g.setLineDash([]);
      const label = th.label;
      const tw = g.measureText(label).width + 8;
      const above = yy - py0 > 18;
      const by = above ? yy - 17 : yy + 1;
      g.fillStyle = cssVar('--chart-label-bg', 'rgba(10,14,18,0.85)');
      g.fillRect(px0 + 4, by, tw, 16);
      g.fillStyle = th.color;
      g.fillText(label, px0 + 8, by + 14);
    }

    // alert markers: a vertical line and a flag at the top, labels staggered so neighbours stay readable
    g.textAlign = 'left';
    let row = 0;
    for (const m of this.markers) {
      if (m.t < t0 || m.t > t1) continue;
      const xx = Math.round(x(m.t)) + 0.5;
      g.strokeStyle = m.color;
      g.lineWidth = 2;
      g.setLineDash([3, 3]);
      g.beginPath();
      g.moveTo(xx, py0);
      g.lineTo(xx, py1);
      g.stroke();
      g.setLineDash([]);
      g.fillStyle = m.color;
      g.beginPath();
      g.moveTo(xx - 6, py1 + 8);
      g.lineTo(xx + 6, py1 + 8);
      g.lineTo(xx, py1);
      g.closePath();
      g.fill();
      const tw = g.measureText(m.label).width + 8;
      const lx = xx + tw + 4 > px1 ? xx - tw - 2 : xx + 2;
      const ly = py0 + 2 + (row % 3) * 17;
      g.fillStyle = cssVar('--chart-label-bg', 'rgba(10,14,18,0.85)');
      g.fillRect(lx, ly, tw, 16);
      g.fillStyle = m.color;
      g.textBaseline = 'top';
      g.fillText(m.label, lx + 4, ly + 2);
      row++;
    }
  }

  drawTimeAxis(g, px0, px1, py1, text, grid) {
    const { t0, t1 } = this;
    const span = t1 - t0;
    const step = TIME_STEPS.find((s) => ((px1 - px0) * s) / span >= 80) ?? TIME_STEPS[TIME_STEPS.length - 1];
    g.textAlign = 'center';
    g.textBaseline = 'top';
    g.strokeStyle = grid;
    g.lineWidth = 1;
    for (let tm = Math.ceil(t0 / step) * step; tm <= t1; tm += step) {
      const xx = Math.round(px0 + ((tm - t0) / span) * (px1 - px0)) + 0.5;
      g.beginPath();
      g.moveTo(xx, MARGIN.top);
      g.lineTo(xx, py1);
      g.stroke();
      const d = new Date(tm);
      g.fillStyle = text;
      g.fillText(`${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`, xx, py1 + 6);
    }
    g.strokeStyle = text;
    g.beginPath();
    g.moveTo(px0, py1 + 0.5);
    g.lineTo(px1, py1 + 0.5);
    g.stroke();
  }
}
