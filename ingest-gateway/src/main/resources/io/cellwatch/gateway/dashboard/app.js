// CellWatch plant monitor: wires the live feed to the overview, the alert feed and the channel view.
// Plain JavaScript modules served by the gateway; no build step, nothing loaded from outside the plant network.

import { Feed } from './feed.js';
import { Overview } from './tiles.js';
import { AlertFeed, AlertHistory } from './alerts.js';
import { ChannelView } from './channel-view.js';
import { STATES, clock, el, setText } from './format.js';

const $ = (sel) => document.querySelector(sel);

let serverOffset = 0; // server clock - local clock, from each message
const serverNow = () => Date.now() + serverOffset;

const overview = new Overview($('#rigs'), (id) => openChannel(id));
overview.serverNow = serverNow;

const alertFeed = new AlertFeed($('#alert-list'), {
  tokenInput: $('#operator-token'),
  unackedOnly: $('#unacked-only'),
  onOpenChannel: (id) => openChannel(id),
  onChange: () => {
    renderAlertSummary();
    if (channelView.channelId) channelView.redraw();
  },
});

const channelView = new ChannelView($('#channel-view'), {
  serverNow,
  alertsFor: (id) => alertFeed.forChannel(id),
  onClose: () => closeChannel(),
});

const alertHistory = new AlertHistory($('#history'), (id) => openChannel(id));
$('#open-history').addEventListener('click', () => alertHistory.open());

// ---- state chips (summary and state filter in one) and the other filters

const chips = new Map();
for (const s of STATES) {
  const b = el('button', 'chip');
  b.type = 'button';
  b.dataset.state = s.id;
  b.title = `${s.title}. Click to show only this state; click again to show all.`;
  b.setAttribute('aria-pressed', 'false');
  const count = el('b', 'chip-count', '0');
  b.append(el('i', 'icon'), el('span', 'chip-label', s.label), count);
  b.addEventListener('click', () => {
    const on = b.getAttribute('aria-pressed') !== 'true';
    b.setAttribute('aria-pressed', String(on));
    applyFilter();
  });
  $('#summary').append(b);
  chips.set(s.id, { button: b, count });
}

const lotSelect = $('#filter-lot');
const textFilter = $('#filter-text');
lotSelect.addEventListener('change', applyFilter);
textFilter.addEventListener('input', applyFilter);
$('#compact').addEventListener('change', (ev) => document.body.classList.toggle('compact', ev.target.checked));
if (localStorage.getItem('cellwatch.compact') === 'true') {
  $('#compact').checked = true;
  document.body.classList.add('compact');
}
$('#compact').addEventListener('change', (ev) => localStorage.setItem('cellwatch.compact', String(ev.target.checked)));

function applyFilter() {
  const states = new Set();
  for (const [id, c] of chips) if (c.button.getAttribute('aria-pressed') === 'true') states.add(id);
  overview.setFilter({ states, lot: lotSelect.value, text: textFilter.value.trim().toLowerCase() });
  renderCounts();
}

let knownLots = 0;
function renderCounts() {
  for (const [id, c] of chips) {
    setText(c.count, String(overview.stateCounts[id]));
    c.button.dataset.zero = String(overview.stateCounts[id] === 0);
  }
  const total = overview.tiles.size;
  const shown = overview.shownCount();
  setText($('#shown-count'), total === 0 ? '' : shown === total ? `${total} channels` : `${shown} of ${total} channels shown`);
  $('#empty').hidden = total > 0;
  if (overview.lots.size !== knownLots) {
    knownLots = overview.lots.size;
    const current = lotSelect.value;
    const options = [new Option('all lots', '')];
    for (const lot of [...overview.lots].sort()) options.push(new Option(lot, lot));
    lotSelect.replaceChildren(...options);
    lotSelect.value = current;
  }
  document.body.dataset.alerting = String(overview.stateCounts.alert > 0);
}

function renderAlertSummary() {
  const { n, safety } = alertFeed.unacknowledged();
  setText($('#alert-count'), n === 0 ? 'all acknowledged' : `${n} not acknowledged${safety ? `, ${safety} safety` : ''}`);
  $('#alert-count').dataset.safety = String(safety > 0);
}

// ---- the channel view, reachable by URL (#channel=<id>) so a screen can be pointed at one channel

function openChannel(id) {
  const hash = `#channel=${encodeURIComponent(id)}`;
  if (location.hash !== hash) navigate(hash);
  document.body.classList.add('channel-open');
  channelView.open(id, overview.channel(id));
}

function closeChannel() {
  if (location.hash) navigate(null);
  document.body.classList.remove('channel-open');
  channelView.close();
}

function navigate(hash) {
  window.history.pushState(null, '', hash === null ? location.pathname : hash);
}

function route() {
  const m = /^#channel=(.+)$/.exec(location.hash);
  if (m) {
    const id = decodeURIComponent(m[1]);
    if (channelView.channelId !== id) {
      document.body.classList.add('channel-open');
      channelView.open(id, overview.channel(id));
    }
  } else if (channelView.channelId) {
    document.body.classList.remove('channel-open');
    channelView.close();
  }
}
window.addEventListener('popstate', route);
document.addEventListener('keydown', (ev) => {
  if (ev.key !== 'Escape') return;
  if (!$('#history').hidden) alertHistory.close();
  else if (channelView.channelId) closeChannel();
});

// ---- the feed

function onMessage(msg) {
  if (msg.serverTimeMillis) serverOffset = msg.serverTimeMillis - Date.now();
  if (msg.type === 'snapshot') {
    const ids = new Set();
    for (const ch of msg.channels) {
      ids.add(ch.channelId);
      overview.upsert(ch);
    }
    overview.retain(ids);
    alertFeed.setAll(msg.alerts);
    afterChannels(msg.channels);
  } else if (msg.type === 'tick') {
    for (const ch of msg.channels) overview.upsert(ch);
    afterChannels(msg.channels);
  } else if (msg.type === 'alert') {
    alertFeed.upsert(msg.alert);
  }
}

function afterChannels(changed) {
  overview.refreshGroups();
  renderCounts();
  if (channelView.channelId) {
    const mine = changed.find((c) => c.channelId === channelView.channelId);
    if (mine) channelView.update(mine);
  }
}

const conn = $('#conn');
const connText = $('#conn-text');
const lostBanner = $('#feed-lost');
const lostText = $('#feed-lost-text');

function onStatus(s) {
  document.body.dataset.feed = s.status;
  conn.dataset.status = s.status;
  if (s.status === 'live') {
    setText(connText, 'LIVE');
    conn.title = 'Live feed from the gateway: updates every 0.5 s';
    lostBanner.hidden = true;
  } else if (s.status === 'connecting') {
    setText(connText, 'CONNECTING\u2026');
    lostBanner.hidden = true;
  } else {
    const retry = Math.max(0, Math.ceil((s.retryAt - Date.now()) / 1000));
    const text = `DISCONNECTED since ${clock(s.since)}`;
    setText(connText, text);
    setText(lostText, `${text}. The values on this screen are stale: do not rely on them. `
      + `${s.reason ? `(${s.reason}) ` : ''}${retry > 0 ? `Reconnecting in ${retry} s\u2026` : 'Reconnecting\u2026'}`);
    lostBanner.hidden = false;
  }
}

// silent tiles show how long they have been silent: that changes with time, not with data
setInterval(() => overview.refreshAges(), 1000);

const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
new Feed(`${scheme}//${location.host}/ws`, { message: onMessage, status: onStatus }).start();
route();
renderCounts();
renderAlertSummary();

// for diagnostics from the browser console
window.cellwatch = { overview, alertFeed, channelView, serverNow };
