// The live feed: one WebSocket to the gateway's /ws, a watchdog, and reconnection with back-off.
//
// The gateway sends a tick every 500 ms even when nothing changed, so silence on an open socket means the feed is
// lost (a half-open TCP connection never fires 'close'): after STALE_MILLIS without any message the socket is
// dropped and the screen says so. Stale data on a safety screen is worse than none.

const STALE_MILLIS = 3000;
const RETRY_MILLIS = [500, 1000, 2000, 3000, 5000];

export class Feed {
  /**
   * @param url      ws:// or wss:// URL of the feed
   * @param handlers {message(msg), status({status, since, retryAt, reason})}
   */
  constructor(url, handlers) {
    this.url = url;
    this.handlers = handlers;
    this.ws = null;
    this.status = 'connecting';
    this.since = Date.now(); // when the current status began
    this.lastMessageAt = 0;
    this.attempt = 0;
    this.retryTimer = null;
    this.retryAt = 0;
    this.reason = '';
  }

  start() {
    this.connect();
    setInterval(() => this.watchdog(), 500);
  }

  connect() {
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch (e) {
      this.lost(`cannot open the feed: ${e.message}`);
      return;
    }
    this.ws = ws;
    ws.onmessage = (ev) => {
      if (ws !== this.ws) return;
      this.lastMessageAt = performance.now();
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch (e) {
        return; // not ours; the watchdog still sees the socket alive
      }
      if (msg.type === 'snapshot') {
        this.attempt = 0;
        this.setStatus('live', '');
      }
      this.handlers.message(msg);
    };
    ws.onclose = (ev) => {
      if (ws !== this.ws) return;
      this.lost(ev.code === 1008 ? `closed by the gateway: ${ev.reason || 'policy'}` : 'connection to the gateway closed');
    };
    ws.onerror = () => {
      // 'close' follows; nothing else to do
    };
  }

  /** The socket closed or went quiet: say so, and try again after a back-off. */
  lost(reason) {
    if (this.ws) {
      const old = this.ws;
      this.ws = null;
      old.onclose = null;
      old.onmessage = null;
      try {
        old.close();
      } catch (e) {
        // already closed
      }
    }
    const delay = RETRY_MILLIS[Math.min(this.attempt, RETRY_MILLIS.length - 1)];
    this.attempt++;
    this.retryAt = Date.now() + delay;
    this.setStatus('disconnected', reason);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  watchdog() {
    if (this.status === 'live' && performance.now() - this.lastMessageAt > STALE_MILLIS) {
      this.lost(`no data from the gateway for ${STALE_MILLIS / 1000} s`);
    }
    this.handlers.status(this.describe());
  }

  setStatus(status, reason) {
    // retries keep the status 'disconnected', so "since" stays the moment the feed was lost
    if (status !== this.status) this.since = Date.now();
    this.status = status;
    this.reason = reason;
    this.handlers.status(this.describe());
  }

  describe() {
    return {
      status: this.status,
      since: this.since,
      retryAt: this.retryAt,
      reason: this.reason,
      silentFor: this.lastMessageAt ? performance.now() - this.lastMessageAt : null,
    };
  }
}
