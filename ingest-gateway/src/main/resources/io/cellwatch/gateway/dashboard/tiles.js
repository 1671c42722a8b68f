// The overview: one tile per channel, grouped by rig, filtered by state, lot and text. A tile's DOM is built once and
// then only the fields that changed are written, so a tick that changes 3 of 800 channels touches 3 tiles.

import { STATES, STATE_BY_ID, el, num, setText, shortName, duration } from './format.js';

export class Overview {
  /**
   * @param root   container of the rig sections
   * @param onOpen called with a channel id when a tile is chosen
   */
  constructor(root, onOpen) {
    this.root = root;
    this.onOpen = onOpen;
    this.tiles = new Map(); // channelId -> tile
    this.groups = new Map(); // rigId -> group
    this.filter = { states: new Set(), lot: '', text: '' };
    this.stateCounts = Object.fromEntries(STATES.map((s) => [s.id, 0]));
    this.lots = new Set();
    this.serverNow = Date.now;
  }

  /** Adds or updates one channel (a snapshot entry or a tick's changed channel). */
  upsert(ch) {
    let tile = this.tiles.get(ch.channelId);
    if (!tile) tile = this.create(ch);
    const prev = tile.data;
    tile.data = ch;
    const state = STATE_BY_ID[ch.state] ? ch.state : 'idle';
    ch.state = state;
    if (!prev || prev.state !== state) {
      if (prev) this.stateCounts[prev.state]--;
      this.stateCounts[state]++;
      tile.el.dataset.state = state;
      setText(tile.stateText, STATE_BY_ID[state].label);
      tile.el.title = `${ch.channelId}: ${STATE_BY_ID[state].title}`;
      this.touchGroup(tile.group);
    }
    tile.el.dataset.connected = String(ch.connected);
    setText(tile.v, num(ch.voltage, 3));
    setText(tile.i, num(ch.current, 2));
    setText(tile.t, num(ch.cellTemperature, 1));
    const extra = [];
    if (Number.isFinite(ch.ambientTemperature)) extra.push(`amb ${ch.ambientTemperature.toFixed(1)}\u00b0C`);
    if (Number.isFinite(ch.force)) extra.push(`F ${ch.force.toFixed(0)} N`);
    setText(tile.extra, extra.join('  '));
    setText(tile.serial, ch.cellSerial || '\u2014');
    setText(tile.lot, ch.lot || '\u2014');
    setText(tile.proc, ch.procedure || '\u2014');
    if (tile.proc.title !== tile.proc.textContent) tile.proc.title = tile.proc.textContent;
    if (ch.lot && !this.lots.has(ch.lot)) this.lots.add(ch.lot);
    this.updateNote(tile);
    if (!prev || prev.state !== ch.state || prev.lot !== ch.lot) this.applyFilterTo(tile);
  }

  create(ch) {
    const rigId = ch.rigId || '(unknown rig)';
    const group = this.group(rigId);
    const e = el('button', 'tile');
    e.type = 'button';
    e.dataset.channel = ch.channelId;
    const head = el('div', 'tile-head');
    const state = el('span', 'state');
    const stateText = el('span', 'state-text');
    state.append(el('i', 'icon'), stateText);
    head.append(state, el('span', 'name', shortName(ch.channelId, ch.rigId)));
    const values = el('div', 'values');
    const v = el('b', 'v');
    const i = el('b', 'i');
    const t = el('b', 't');
    values.append(val(v, 'V'), val(i, 'A'), val(t, '\u00b0C'));
    const extra = el('div', 'extra');
    const ident = el('div', 'ident');
    const serial = el('span', 'serial');
    const lot = el('span', 'lot');
    ident.append(serial, document.createTextNode(' \u00b7 '), lot);
    const proc = el('div', 'proc');
    const note = el('div', 'note');
    e.append(head, values, extra, ident, proc, note);
    e.addEventListener('click', () => this.onOpen(ch.channelId));
    const tile = { el: e, stateText, v, i, t, extra, serial, lot, proc, note, data: null, group };
    this.tiles.set(ch.channelId, tile);
    group.tiles.add(tile);
    // keep tiles in channel id order within the rig
    let before = null;
    for (const other of group.grid.children) {
      if (naturalOrder(other.dataset.channel, ch.channelId) > 0) {
        before = other;
        break;
      }
    }
    group.grid.insertBefore(e, before);
    return tile;
  }

  group(rigId) {
    let g = this.groups.get(rigId);
    if (g) return g;
    const section = el('section', 'rig');
    section.dataset.rig = rigId;
    const h = el('h2', 'rig-head');
    const counts = el('span', 'rig-counts');
    h.append(el('span', 'rig-name', rigId), counts);
    const grid = el('div', 'grid');
    section.append(h, grid);
    g = { rigId, el: section, counts, grid, tiles: new Set(), dirty: true };
    this.groups.set(rigId, g);
    let before = null;
    for (const other of this.root.children) {
      if (naturalOrder(other.dataset.rig, rigId) > 0) {
        before = other;
        break;
      }
    }
    this.root.insertBefore(section, before);
    return g;
  }

  touchGroup(g) {
    g.dirty = true;
  }

  /** Rig headers: channel count and the states that need attention. Only rigs whose tiles changed state. */
  refreshGroups() {
    for (const g of this.groups.values()) {
      if (!g.dirty) continue;
      g.dirty = false;
      const c = {};
      let shown = 0;
      for (const tile of g.tiles) {
        c[tile.data.state] = (c[tile.data.state] || 0) + 1;
        if (!tile.el.hidden) shown++;
      }
      const parts = [`${g.tiles.size} channel${g.tiles.size === 1 ? '' : 's'}`];
      for (const s of STATES) {
        if (c[s.id] && s.id !== 'running') parts.push(`${c[s.id]} ${s.label.toLowerCase()}`);
      }
      setText(g.counts, parts.join(' \u00b7 '));
      g.el.dataset.attention = c.alert ? 'alert' : c.silent ? 'silent' : '';
      g.el.hidden = shown === 0;
    }
  }

  updateNote(tile) {
    const ch = tile.data;
    let note = '';
    if (!ch.connected) note = 'rig offline';
    if (ch.state === 'silent' && ch.lastSeenMillis) note = `no data for ${duration(this.serverNow() - ch.lastSeenMillis)}`;
    else if (ch.state === 'idle' && !ch.lastSeenMillis) note = 'no data yet';
    setText(tile.note, note);
  }

  /** Ages on silent tiles move with the clock, not with the data. */
  refreshAges() {
    for (const tile of this.tiles.values()) {
      if (tile.data.state === 'silent' || !tile.data.connected) this.updateNote(tile);
    }
  }

  /** Drops tiles of channels the gateway no longer reports (after a reconnect to a restarted gateway). */
  retain(ids) {
    for (const [id, tile] of this.tiles) {
      if (ids.has(id)) continue;
      this.stateCounts[tile.data.state]--;
      tile.el.remove();
      tile.group.tiles.delete(tile);
      tile.group.dirty = true;
      this.tiles.delete(id);
    }
    for (const [rigId, g] of this.groups) {
      if (g.tiles.size === 0) {
        g.el.remove();
        this.groups.delete(rigId);
      }
    }
  }

  setFilter(filter) {
    this.filter = filter;
    for (const tile of this.tiles.values()) this.applyFilterTo(tile);
    for (const g of this.groups.values()) g.dirty = true;
    this.refreshGroups();
  }

  applyFilterTo(tile) {
    const { states, lot, text } = this.filter;
    const ch = tile.data;
    let show = states.size === 0 || states.has(ch.state);
    if (show && lot) show = ch.lot === lot;
    if (show && text) {
      const hay = `${ch.channelId} ${ch.cellSerial || ''} ${ch.rigId || ''} ${ch.procedure || ''}`.toLowerCase();
      show = hay.includes(text);
    }
    if (tile.el.hidden === show) {
      tile.el.hidden = !show;
      tile.group.dirty = true;
    }
  }

  shownCount() {
    let n = 0;
    for (const tile of this.tiles.values()) if (!tile.el.hidden) n++;
    return n;
  }

  channel(id) {
    const tile = this.tiles.get(id);
    return tile ? tile.data : null;
  }
}

/** "rack-2" before "rack-10": numbers in names compare as numbers. */
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
function naturalOrder(a, b) {
  return collator.compare(a, b);
}

function val(node, unit) {
  const wrap = el('span', 'val');
  wrap.append(node, el('small', 'unit', unit));
  return wrap;
}
