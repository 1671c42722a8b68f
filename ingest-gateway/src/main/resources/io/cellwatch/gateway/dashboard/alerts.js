// The alert feed (newest first, acknowledge with a comment) and the alert history table.

import { ALERT_CLASSES, clock, clockMillis, dateTime, duration, el, verdict } from './format.js';

const MAX_CARDS = 200;
const MAX_KEPT = 1000;
const TOKEN_KEY = 'cellwatch.operatorToken';

const receivedOf = (a) => a.receivedAtMicros || a.detectedAtMicros || 0;

export class AlertFeed {
  /**
   * @param list     container of the alert cards
   * @param options  {onOpenChannel(id), onChange(), tokenInput, unackedOnly (checkbox), notice (element)}
   */
  constructor(list, options) {
    this.list = list;
    this.o = options;
    this.alerts = new Map(); // alertId -> alert
    this.cards = new Map(); // alertId -> card element
    this.o.tokenInput.value = localStorage.getItem(TOKEN_KEY) || '';
    this.o.tokenInput.addEventListener('change', () => {
      localStorage.setItem(TOKEN_KEY, this.o.tokenInput.value.trim());
    });
    this.o.unackedOnly.addEventListener('change', () => this.applyFilter());
  }

  /** A snapshot: the gateway's recent alerts replace what the screen had. */
  setAll(alerts) {
    this.alerts.clear();
    for (const c of this.cards.values()) c.remove();
    this.cards.clear();
    const sorted = [...alerts].sort((a, b) => receivedOf(b) - receivedOf(a));
    for (const a of sorted.slice(0, MAX_KEPT)) this.alerts.set(a.alertId, a);
    for (const a of sorted.slice(0, MAX_CARDS)) this.list.append(this.card(a));
    this.o.onChange();
  }

  /** A new alert, or news about one (command sent, rig acknowledged, operator acknowledged). */
  upsert(a) {
    const known = this.alerts.get(a.alertId);
    this.alerts.set(a.alertId, a);
    const old = this.cards.get(a.alertId);
    const card = this.card(a);
    if (old) {
      // keep an open acknowledgement form (the operator may be typing) when only latencies changed
      const form = old.querySelector('.ack-form');
      if (form && !a.acknowledgedBy) card.querySelector('.ack').replaceWith(old.querySelector('.ack'));
      old.replaceWith(card);
    } else {
      let before = null;
      for (const other of this.list.children) {
        if (receivedOf(this.alerts.get(other.dataset.alertId)) <= receivedOf(a)) {
          before = other;
          break;
        }
      }
      this.list.insertBefore(card, before);
      if (!known) card.classList.add('fresh');
      while (this.list.children.length > MAX_CARDS) {
        const last = this.list.lastElementChild;
        this.cards.delete(last.dataset.alertId);
        last.remove();
      }
      if (this.alerts.size > MAX_KEPT) {
        const oldest = [...this.alerts.values()].sort((x, y) => receivedOf(x) - receivedOf(y))[0];
        this.alerts.delete(oldest.alertId);
      }
    }
    this.o.onChange();
  }

  forChannel(channelId) {
    return [...this.alerts.values()].filter((a) => a.channelId === channelId);
  }

  unacknowledged() {
    let n = 0;
    let safety = 0;
    for (const a of this.alerts.values()) {
      if (!a.acknowledgedBy) {
        n++;
        if (a.alertClass === 'SAFETY') safety++;
      }
    }
    return { n, safety };
  }

  applyFilter() {
    const only = this.o.unackedOnly.checked;
    for (const card of this.list.children) card.hidden = only && card.dataset.acknowledged === 'true';
  }

  card(a) {
    const cls = ALERT_CLASSES[a.alertClass] || { label: a.alertClass, severity: 'warning' };
    const card = el('article', 'alert');
    card.dataset.alertId = a.alertId;
    card.dataset.class = a.alertClass;
    card.dataset.severity = cls.severity;
    card.dataset.channel = a.channelId;
    card.dataset.rule = a.rule;
    card.dataset.acknowledged = String(!!a.acknowledgedBy);
    card.dataset.sampleTime = String(Math.round(a.sampleTimeMicros / 1000));

    const head = el('header', 'alert-head');
    head.append(el('span', 'cls', cls.label), el('span', 'action', a.action), el('span', 'rule', a.rule));
    const when = el('time', 'when', clock(a.sampleTimeMicros / 1000));
    when.title = `sample time ${clockMillis(a.sampleTimeMicros / 1000)} (rig clock)`;
    head.append(when);

    const where = el('div', 'where');
    const link = el('a', 'channel-link', a.channelId);
    link.href = `#channel=${encodeURIComponent(a.channelId)}`;
    link.addEventListener('click', (ev) => {
      ev.preventDefault();
      this.o.onOpenChannel(a.channelId);
    });
    where.append(link, document.createTextNode(` \u00b7 ${a.cellSerial} \u00b7 ${a.lot} \u00b7 ${a.procedure}`));

    const verdictLine = el('div', 'verdict', verdict(a));
    const reason = el('div', 'reason', a.reason);

    const lat = el('div', 'latency');
    const parts = [`detected ${duration(a.detectionLatencyMillis)} after the sample`];
    if (a.commandLatencyMillis !== null && a.commandLatencyMillis !== undefined) {
      parts.push(`command ${duration(a.commandLatencyMillis)}`);
      parts.push(a.commandAckedAtMicros ? 'rig acknowledged' : 'rig ack pending');
    } else {
      parts.push('no command sent yet');
    }
    lat.textContent = parts.join(' \u00b7 ');
    lat.title = 'detection = job detection time - sample time; command = COMMAND sent to the rig - sample time '
      + '(sample times are the rig\'s clock)';

    card.append(head, where, verdictLine, reason, lat, this.ackBlock(a));
    this.cards.set(a.alertId, card);
    if (this.o.unackedOnly.checked && a.acknowledgedBy) card.hidden = true;
    return card;
  }

  ackBlock(a) {
    const box = el('div', 'ack');
    if (a.acknowledgedBy) {
      box.classList.add('done');
      const by = el('div', 'ack-by', `Acknowledged by ${a.acknowledgedBy} at ${clock(a.acknowledgedAtMicros / 1000)}`);
      box.append(by);
      if (a.ackComment) box.append(el('q', 'ack-comment', a.ackComment));
      return box;
    }
    const button = el('button', 'ack-button', 'Acknowledge\u2026');
    button.type = 'button';
    button.addEventListener('click', () => {
      button.hidden = true;
      box.append(this.ackForm(a, box, button));
      box.querySelector('textarea').focus();
    });
    box.append(button);
    return box;
  }

  ackForm(a, box, button) {
    const form = el('form', 'ack-form');
    const comment = el('textarea', 'ack-text');
    comment.rows = 2;
    comment.maxLength = 2000;
    comment.placeholder = 'Comment: what was checked or done';
    const error = el('div', 'ack-error');
    error.setAttribute('role', 'alert');
    const submit = el('button', 'ack-submit', 'Confirm acknowledgement');
    submit.type = 'submit';
    const cancel = el('button', 'ack-cancel', 'Cancel');
    cancel.type = 'button';
    cancel.addEventListener('click', () => {
      form.remove();
      button.hidden = false;
    });
    const row = el('div', 'ack-row');
    row.append(submit, cancel);
    form.append(comment, row, error);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      submit.disabled = true;
      error.textContent = '';
      try {
        const r = await this.acknowledge(a.alertId, comment.value);
        if (r.ok) {
          const body = await r.json();
          this.upsert({ ...a, acknowledgedBy: body.acknowledgedBy, ackComment: body.comment,
            acknowledgedAtMicros: Date.now() * 1000 });
          return;
        }
        if (r.status === 401) {
          error.textContent = 'Operator token missing or not accepted (401): enter your token in the field above.';
          this.o.tokenInput.focus();
        } else {
          let msg = `${r.status}`;
          try {
            msg += `: ${(await r.json()).error}`;
          } catch (e) {
            // no JSON body
          }
          error.textContent = `Not acknowledged (${msg})`;
        }
      } catch (e) {
        error.textContent = `Not acknowledged: the gateway cannot be reached (${e.message})`;
      }
      submit.disabled = false;
    });
    return form;
  }

  acknowledge(alertId, comment) {
    const token = this.o.tokenInput.value.trim();
    localStorage.setItem(TOKEN_KEY, token);
    const headers = { 'Content-Type': 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    return fetch(`/api/alerts/${encodeURIComponent(alertId)}/ack`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ comment }),
    });
  }
}

/** The history: every alert the gateway keeps, as a table that can be filtered by any text. */
export class AlertHistory {
  constructor(panel, onOpenChannel) {
    this.panel = panel;
    this.onOpenChannel = onOpenChannel;
    this.body = panel.querySelector('tbody');
    this.status = panel.querySelector('.history-status');
    this.filter = panel.querySelector('.history-filter');
    this.filter.addEventListener('input', () => this.applyFilter());
    panel.querySelector('.history-close').addEventListener('click', () => this.close());
  }

  async open() {
    this.panel.hidden = false;
    this.status.textContent = 'loading\u2026';
    try {
      const r = await fetch('/api/alerts?limit=1000');
      const { alerts } = await r.json();
      this.render(alerts);
      this.status.textContent = `${alerts.length} alert${alerts.length === 1 ? '' : 's'} kept by the gateway`;
    } catch (e) {
      this.status.textContent = `cannot load the history: ${e.message}`;
    }
    this.filter.focus();
  }

  close() {
    this.panel.hidden = true;
  }

  render(alerts) {
    this.body.replaceChildren();
    for (const a of alerts) {
      const tr = el('tr');
      tr.dataset.class = a.alertClass;
      const ch = el('a', null, a.channelId);
      ch.href = `#channel=${encodeURIComponent(a.channelId)}`;
      ch.addEventListener('click', (ev) => {
        ev.preventDefault();
        this.close();
        this.onOpenChannel(a.channelId);
      });
      const chCell = el('td');
      chCell.append(ch);
      const cells = [
        el('td', null, dateTime(a.sampleTimeMicros / 1000)),
        el('td', 'cls', (ALERT_CLASSES[a.alertClass] || { label: a.alertClass }).label),
        el('td', null, a.rule),
        chCell,
        el('td', null, `${a.cellSerial} / ${a.lot}`),
        el('td', null, verdict(a)),
        el('td', null, a.action),
        el('td', null, `${duration(a.detectionLatencyMillis)} / ${duration(a.commandLatencyMillis)}`),
        el('td', null, a.acknowledgedBy ? `${a.acknowledgedBy}${a.ackComment ? `: ${a.ackComment}` : ''}` : 'open'),
      ];
      tr.append(...cells);
      this.body.append(tr);
    }
    this.applyFilter();
  }

  applyFilter() {
    const q = this.filter.value.trim().toLowerCase();
    for (const tr of this.body.children) tr.hidden = q !== '' && !tr.textContent.toLowerCase().includes(q);
  }
}
