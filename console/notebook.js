// The notebook: cells bound to one kernel, run in order, outputs routed by
// parent msg_id, state kept in sessionStorage so a reload catches up through
// the journal.

import { Cell } from "./cell.js";
import { say } from "./dom.js";
import { KernelChannel } from "./kernel-channel.js";

const STORE_KEY = "spin.console.notebook";
const FINISHED = new Set(["done", "error", "aborted"]);

export class Notebook {
  constructor(runtime, root) {
    this.runtime = runtime;
    this.root = root;
    this.cells = [];
    this.connections = [];
    this.channel = null;
    this.list = root.querySelector("#cells");
    this.kernelLabel = root.querySelector("#nb-kernel");
    this.busy = root.querySelector("#nb-busy");
    this.linkState = root.querySelector("#nb-link");
    this.message = root.querySelector("#nb-message");
    root.querySelector("#nb-add").addEventListener("click", () => this.add({}, true));
    root.querySelector("#nb-run-all").addEventListener("click", () => this.runAll());
    root.querySelector("#nb-interrupt").addEventListener("click", () => this.interrupt());
    root.querySelector("#nb-new-kernel").addEventListener("click", () => this.useKernel(null));
  }

  /** Restores the cells of this tab and attaches to their kernel (or a new one). */
  async start() {
    const saved = JSON.parse(sessionStorage.getItem(STORE_KEY) || "null") || {};
    this.loading = true; // keep the stored state until the cells are all back
    for (const cell of saved.cells || [{ type: "python", source: "" }]) this.add(cell);
    this.loading = false;
    this.sessionID = saved.sessionID;
    this.kernelID = saved.kernelID;
    this.cells[0].source.focus();
    if (!saved.kernelID) return this.useKernel(null);
    return this.restore(saved.kernelID, saved.lastSeq || 0);
  }

  /** After a reload: the same kernel, caught up from before the earliest cell run shown. */
  async restore(kernelID, lastSeq) {
    const after = this.catchUpPoint(lastSeq);
    let found;
    try {
      found = await this.exists(kernelID);
    } catch (error) {
      say(this.message, `Could not check kernel ${kernelID.slice(0, 8)}: ${error.message}`, "error");
      return undefined;
    }
    if (found) return this.attach(kernelID, after);
    await this.replayFromJournal(kernelID, after);
    return this.useKernel(null);
  }

  /**
   * Switches to `kernelID` (live messages from now on), or to a new kernel when
   * null. Cells keep their outputs but no longer belong to a run.
   */
  async useKernel(kernelID) {
    if (this.channel) this.channel.close();
    this.channel = null;
    for (const cell of this.cells) {
      cell.msgID = null;
      cell.afterSeq = 0;
    }
    this.sessionID = undefined;
    if (kernelID) return this.attach(kernelID, null);
    say(this.message, "Starting a kernel…");
    try {
      const kernel = await this.runtime.post("/api/kernels", {});
      return this.attach(kernel.id, 0);
    } catch (error) {
      say(this.message, `Could not start a kernel: ${error.message}`, "error");
      return undefined;
    }
  }

  attach(kernelID, after) {
    this.kernelID = kernelID;
    this.kernelLabel.textContent = kernelID.slice(0, 8);
    this.kernelLabel.title = kernelID;
    const channel = new KernelChannel(this.runtime, kernelID, { sessionID: this.sessionID, after });
    this.sessionID = channel.sessionID;
    channel.addEventListener("message", (event) => this.route(event.detail));
    channel.addEventListener("state", (event) => this.linkChanged(event.detail));
    this.channel = channel;
    this.save();
    channel.connect();
  }

  /** The journal position to catch up from: before the earliest cell run still shown. */
  catchUpPoint(lastSeq) {
    const runs = this.cells.filter((cell) => cell.msgID).map((cell) => cell.afterSeq);
    return runs.length ? Math.min(...runs) : lastSeq;
  }

  async exists(kernelID) {
    try {
      await this.runtime.get(`/api/kernels/${encodeURIComponent(kernelID)}`);
      return true;
    } catch (error) {
      if (error.status === 404) return false;
      throw error;
    }
  }

  /** Outputs of a kernel that no longer runs, read from the journal's HTTP API. */
  async replayFromJournal(kernelID, after) {
    if (!this.cells.some((cell) => cell.msgID)) return;
    let cursor = after;
    try {
      for (;;) {
        const page = await this.runtime.get(`/spin/v1/kernels/${encodeURIComponent(kernelID)}/journal?after=${cursor}`);
        if (!Array.isArray(page) || !page.length) break;
        for (const message of page) this.route(message);
        cursor = page[page.length - 1].metadata.spin_seq;
      }
      say(this.message, "The previous kernel is gone: its outputs were restored from the journal, and a new kernel is started.");
    } catch (error) {
      say(this.message, `The previous kernel is gone and its outputs could not be read: ${error.message}`, "error");
    }
  }

  linkChanged({ state, message }) {
    this.linkState.textContent = { open: "connected", connecting: "connecting…", reconnecting: "reconnecting…" }[state] || state;
    this.linkState.dataset.state = state;
    if (state === "open") {
      say(this.message, "");
      // As every Jupyter client does on connect: also makes a fresh kernel report idle.
      this.channel.send("shell", "kernel_info_request", {});
    }
    else if (state === "gone") this.useKernel(null);
    else say(this.message, message, state === "refused" ? "error" : "info");
  }

  /** Sends every message of our cells to the cell that asked for it. */
  route(message) {
    if (message.channel === "iopub" && message.msg_type === "status") this.setBusy(message.content.execution_state);
    if (message.msg_type === "kernel_info_reply") this.kernelLabel.title = `${this.kernelID} · ${message.content.banner || ""}`;
    const parent = message.parent_header && message.parent_header.msg_id;
    const cell = parent && this.cells.find((c) => c.msgID === parent);
    if (!cell) return;
    const content = message.content || {};
    switch (message.msg_type) {
      case "execute_input":
        this.started(cell);
        break;
      case "status":
        if (content.execution_state === "busy") this.started(cell);
        break;
      case "execute_reply":
        this.finish(cell, content);
        break;
      default:
        if (message.channel === "iopub") cell.outputs.handle(message);
    }
  }

  /**
   * A cell's run began. iopub and shell are separate channels with no order between
   * them, so a cell's `busy` or `execute_input` can come after its `execute_reply`:
   * a finished cell stays finished.
   */
  started(cell) {
    if (!FINISHED.has(cell.node.dataset.state)) cell.setState("running", "[*]", "running");
  }

  finish(cell, content) {
    const count = content.execution_count ?? " ";
    if (content.status === "ok") cell.setState("done", `[${count}]`, "finished");
    else if (content.status === "aborted") cell.setState("aborted", "[–]", "not run: an earlier cell failed");
    else cell.setState("error", `[${count}]`, "failed");
  }

  setBusy(state) {
    this.busy.textContent = state || "unknown";
    this.busy.dataset.state = state || "unknown";
  }

  run(cell) {
    if (!this.channel) return;
    cell.outputs.clear();
    cell.afterSeq = this.channel.lastSeq ?? 0;
    cell.msgID = this.channel.send("shell", "execute_request", {
      code: cell.source.value, silent: false, store_history: true, user_expressions: {},
      allow_stdin: false, stop_on_error: true,
    }, cell.spinMetadata());
    cell.setState("queued", "[*]", "queued");
    this.save();
  }

  runAll() {
    for (const cell of this.cells) this.run(cell);
  }

  async interrupt() {
    try {
      await this.runtime.post(`/api/kernels/${encodeURIComponent(this.kernelID)}/interrupt`);
      say(this.message, "Interrupt sent.");
    } catch (error) {
      say(this.message, `Interrupt failed: ${error.message}`, "error");
    }
  }

  add(saved, focus = false, position = this.cells.length) {
    const cell = new Cell(this, saved);
    this.cells.splice(position, 0, cell);
    this.renumber();
    if (focus) cell.source.focus();
    this.save();
    return cell;
  }

  remove(cell) {
    this.cells = this.cells.filter((c) => c !== cell);
    if (!this.cells.length) this.add({});
    this.renumber();
    this.save();
  }

  move(cell, delta) {
    const from = this.cells.indexOf(cell);
    const to = from + delta;
    if (to < 0 || to >= this.cells.length) return;
    this.cells.splice(from, 1);
    this.cells.splice(to, 0, cell);
    this.renumber();
    this.save();
  }

  /** Shift+Enter: focus the next cell, adding one at the end. */
  focusAfter(cell) {
    const index = this.cells.indexOf(cell);
    const next = this.cells[index + 1] || this.add({ type: cell.type, connection: cell.connectionSelect.value });
    next.source.focus();
  }

  renumber() {
    this.list.replaceChildren(...this.cells.map((cell) => cell.node));
    this.cells.forEach((cell, index) => cell.setIndex(index));
  }

  setConnections(connections) {
    this.connections = connections;
    for (const cell of this.cells) cell.refreshConnections(connections);
  }

  save() {
    if (!this.cells || this.loading) return;
    sessionStorage.setItem(STORE_KEY, JSON.stringify({
      kernelID: this.kernelID, sessionID: this.sessionID, lastSeq: this.channel ? this.channel.lastSeq : 0,
      cells: this.cells.map((cell) => cell.serialize()),
    }));
  }
}
