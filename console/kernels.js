// Kernels: state, connections, last activity; interrupt, restart, shut down.

import { el, relativeTime, say } from "./dom.js";

export class KernelsPanel {
  constructor(runtime, root, { onOpen } = {}) {
    this.runtime = runtime;
    this.body = root.querySelector("#kernels-body");
    this.message = root.querySelector("#kernels-message");
    this.onOpen = onOpen;
    root.querySelector("#kernels-refresh").addEventListener("click", () => this.refresh());
    root.querySelector("#kernels-start").addEventListener("click", () => this.act("start"));
  }

  async refresh() {
    let kernels;
    try {
      kernels = await this.runtime.get("/api/kernels");
    } catch (error) {
      say(this.message, `Could not list kernels: ${error.message}`, "error");
      return;
    }
    if (!kernels.length) {
      this.body.replaceChildren(el("tr", {}, el("td", { colspan: 6, class: "empty" }, "No kernels are running.")));
      return;
    }
    this.body.replaceChildren(...kernels.map((kernel) => this.row(kernel)));
  }

  row(kernel) {
    const short = kernel.id.slice(0, 8);
    const button = (label, action, extra = {}) => el("button", {
      type: "button", class: "small", "aria-label": `${label} kernel ${short}`, onclick: () => this.act(action, kernel), ...extra,
    }, label);
    return el("tr", { dataset: { kernel: kernel.id } },
      el("td", {}, el("code", { title: kernel.id }, short)),
      el("td", {}, kernel.name),
      el("td", {}, el("span", { class: "state", dataset: { state: kernel.execution_state } }, kernel.execution_state)),
      el("td", { class: "num" }, String(kernel.connections)),
      el("td", { title: kernel.last_activity }, relativeTime(kernel.last_activity)),
      el("td", { class: "actions" },
        button("Open", "open"), button("Interrupt", "interrupt"), button("Restart", "restart"),
        button("Shut down", "shutdown", { class: "small danger" })));
  }

  async act(action, kernel) {
    const path = kernel ? `/api/kernels/${encodeURIComponent(kernel.id)}` : "/api/kernels";
    const short = kernel ? kernel.id.slice(0, 8) : "";
    try {
      switch (action) {
        case "open": this.onOpen?.(kernel.id); say(this.message, `The notebook now uses kernel ${short}.`); return;
        case "start": await this.runtime.post(path, {}); say(this.message, "Kernel started."); break;
        case "interrupt": await this.runtime.post(`${path}/interrupt`); say(this.message, `Interrupt sent to ${short}.`); break;
        case "restart": await this.runtime.post(`${path}/restart`); say(this.message, `Kernel ${short} restarted.`); break;
        case "shutdown":
          if (!window.confirm(`Shut down kernel ${short}? Its variables are lost.`)) return;
          await this.runtime.delete(path);
          say(this.message, `Kernel ${short} shut down.`);
          break;
        default: return;
      }
    } catch (error) {
      say(this.message, `${action} failed: ${error.message}`, "error");
    }
    await this.refresh();
  }
}
