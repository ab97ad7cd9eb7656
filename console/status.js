// Runtime version, readiness and uptime (GET /api, /readyz, /api/status).

import { formatDuration, relativeTime } from "./dom.js";

export class StatusPanel {
  constructor(runtime, root) {
    this.runtime = runtime;
    this.fields = {
      runtime: root.querySelector("#st-runtime"),
      version: root.querySelector("#st-version"),
      ready: root.querySelector("#st-ready"),
      uptime: root.querySelector("#st-uptime"),
      activity: root.querySelector("#st-activity"),
      kernels: root.querySelector("#st-kernels"),
    };
  }

  async refresh() {
    const f = this.fields;
    f.runtime.textContent = this.runtime.base;
    const [api, ready, status] = await Promise.allSettled([
      this.runtime.get("/api"), this.runtime.open("/readyz"), this.runtime.get("/api/status"),
    ]);
    f.version.textContent = api.status === "fulfilled" ? api.value.version : "unknown";
    if (ready.status === "fulfilled") {
      const ok = ready.value.status === 200;
      const body = ready.value.body || {};
      const reason = body.error ? body.error.message : "";
      f.ready.textContent = ok ? "ready" : `not ready${reason ? `: ${reason}` : ""}`;
      f.ready.dataset.state = ok ? "ok" : "bad";
    } else {
      f.ready.textContent = "unreachable";
      f.ready.dataset.state = "bad";
    }
    if (status.status === "fulfilled") {
      const started = Date.parse(status.value.started);
      f.uptime.textContent = Number.isNaN(started) ? "unknown" : formatDuration(Date.now() - started);
      f.uptime.title = `started ${status.value.started}`;
      f.activity.textContent = relativeTime(status.value.last_activity);
      f.kernels.textContent = `${status.value.kernels} (${status.value.connections} connections)`;
    }
    return status.status === "fulfilled" ? null : status.reason;
  }
}
