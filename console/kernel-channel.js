// One kernel's WebSocket (`/api/kernels/{id}/channels`, JSON form `spin.json`),
// authenticated by the `spin.token.` subprotocol, reconnecting with catch-up
// through the output journal (`?after=<last spin_seq seen>`, docs/journal.md).

const RETRY_MILLIS = [500, 1000, 2000, 4000, 8000];

function newID() {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

/**
 * Events: "message" (detail: a Jupyter message with `channel`),
 * "state" (detail: {state, message}) where state is one of
 * connecting, open, reconnecting, refused, gone, closed.
 */
export class KernelChannel extends EventTarget {
  constructor(runtime, kernelID, { sessionID = newID(), after = 0 } = {}) {
    super();
    this.runtime = runtime;
    this.kernelID = kernelID;
    this.sessionID = sessionID;
    this.lastSeq = after;
    this.queue = [];
    this.socket = null;
    this.everOpened = false;
    this.attempt = 0;
    this.stopped = false;
  }

  connect() {
    this.stopped = false;
    const query = new URLSearchParams({ session_id: this.sessionID });
    // Catch up through the journal after the last message seen; a viewer that
    // joins a running kernel (`after` null) starts with live messages.
    if (this.lastSeq !== null) query.set("after", String(this.lastSeq));
    const url = this.runtime.webSocketURL(`/api/kernels/${encodeURIComponent(this.kernelID)}/channels?${query}`);
    this.setState(this.everOpened ? "reconnecting" : "connecting", "");
    let socket;
    try {
      socket = new WebSocket(url, this.runtime.webSocketProtocols());
    } catch (error) {
      this.setState("refused", `The browser refused to open ${url}: ${error.message}`);
      return;
    }
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      this.everOpened = true;
      this.attempt = 0;
      this.setState("open", `Connected (protocol ${socket.protocol || "none"}).`);
      for (const text of this.queue.splice(0)) socket.send(text);
    };
    socket.onmessage = (event) => this.receive(event.data);
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.stopped) return this.setState("closed", "Disconnected.");
      this.afterClose(opened, event);
    };
  }

  /** Decides, after a close, whether to retry, and what to tell the person. */
  async afterClose(opened, event) {
    const problem = await this.diagnose();
    if (problem.state) return this.setState(problem.state, problem.message);
    if (!opened && !this.everOpened && problem.reachable) {
      // The REST API answers with this token, yet the handshake failed: the origin check.
      return this.setState("refused",
        `The runtime refused the WebSocket (close code ${event.code}). Its SPIN_ALLOWED_ORIGINS may not allow ` +
        `this page's origin (${location.origin}).`);
    }
    const delay = RETRY_MILLIS[Math.min(this.attempt, RETRY_MILLIS.length - 1)];
    this.attempt += 1;
    const why = problem.reachable ? `Connection lost (code ${event.code})` : "The runtime cannot be reached";
    this.setState("reconnecting", `${why}; reconnecting in ${delay / 1000} s…`);
    setTimeout(() => { if (!this.stopped && !this.socket) this.connect(); }, delay);
    return undefined;
  }

  /** Asks the REST API why a socket may have failed: wrong token, kernel gone, runtime down. */
  async diagnose() {
    try {
      await this.runtime.get(`/api/kernels/${encodeURIComponent(this.kernelID)}`);
      return { reachable: true };
    } catch (error) {
      if (error.status === 401 || error.status === 429) return { state: "refused", message: error.message };
      if (error.status === 404) return { state: "gone", message: "This kernel no longer exists." };
      return { reachable: error.status !== 0 }; // down or restarting: keep trying
    }
  }

  close() {
    this.stopped = true;
    if (this.socket) this.socket.close(1000, "console closed");
  }

  setState(state, message) {
    this.state = state;
    this.dispatchEvent(new CustomEvent("state", { detail: { state, message } }));
  }

  receive(data) {
    const message = typeof data === "string" ? JSON.parse(data) : decodeLegacyBinary(data);
    const seq = message.metadata && message.metadata.spin_seq;
    if (typeof seq === "number") {
      if (this.lastSeq !== null && seq <= this.lastSeq) return; // already rendered (catch-up overlap)
      this.lastSeq = seq;
    }
    this.dispatchEvent(new CustomEvent("message", { detail: message }));
  }

  /** Sends a request; returns its msg_id. Queued while (re)connecting. */
  send(channel, msgType, content, metadata = {}) {
    const msgID = newID();
    const header = {
      msg_id: msgID, msg_type: msgType, session: this.sessionID, username: "spin-console",
      date: new Date().toISOString(), version: "5.3",
    };
    const text = JSON.stringify({ channel, header, parent_header: {}, metadata, content, buffers: [] });
    if (this.socket && this.socket.readyState === WebSocket.OPEN) this.socket.send(text);
    else this.queue.push(text);
    return msgID;
  }
}

/** Jupyter's legacy binary form: big-endian uint32 count, offsets, the JSON message, buffers. */
function decodeLegacyBinary(buffer) {
  const view = new DataView(buffer);
  const count = view.getUint32(0);
  const start = view.getUint32(4);
  const end = count > 1 ? view.getUint32(8) : buffer.byteLength;
  const message = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, start, end - start)));
  message.buffers = [];
  for (let index = 1; index < count; index += 1) {
    const from = view.getUint32(4 * (index + 1));
    const to = index + 1 < count ? view.getUint32(4 * (index + 2)) : buffer.byteLength;
    message.buffers.push(buffer.slice(from, to));
  }
  return message;
}
