// Renders Jupyter outputs into a cell's output area. Cell data is hostile:
// everything goes in through textContent, DOM-built tables and data: images,
// never through innerHTML.

import { el } from "./dom.js";

const ANSI = /\u001b\[[0-9;?]*[ -\/]*[@-~]|\u001b\][^\u0007\u001b]*(\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

/** Removes terminal colour and control sequences (tracebacks carry them). */
export function stripANSI(text) {
  return String(text).replace(ANSI, "");
}

const IMAGE_TYPES = ["image/png", "image/jpeg", "image/gif"];

export class OutputArea {
  constructor(node) {
    this.node = node;
    this.pendingClear = false;
    this.displays = new Map();
  }

  clear() {
    this.node.replaceChildren();
    this.displays.clear();
    this.pendingClear = false;
  }

  /** Handles one iopub message addressed to this cell. */
  handle(message) {
    const content = message.content || {};
    switch (message.msg_type) {
      case "stream": return this.add(() => this.stream(content));
      case "error": return this.add(() => this.error(content));
      case "execute_result":
      case "display_data": return this.add(() => this.display(content));
      case "update_display_data": return this.update(content);
      case "clear_output":
        if (content.wait) this.pendingClear = true;
        else this.clear();
        return undefined;
      default: return undefined;
    }
  }

  add(render) {
    if (this.pendingClear) this.clear();
    return render();
  }

  stream(content) {
    const name = content.name === "stderr" ? "stderr" : "stdout";
    const last = this.node.lastElementChild;
    const text = stripANSI(content.text || "");
    if (last && last.dataset.stream === name) {
      last.textContent = applyCarriageReturns(last.textContent + text);
      return;
    }
    this.node.append(el("pre", { class: `output stream ${name}`, dataset: { stream: name } }, applyCarriageReturns(text)));
  }

  error(content) {
    const traceback = (content.traceback || []).map(stripANSI).join("\n");
    const summary = `${content.ename || "Error"}: ${content.evalue || ""}`;
    this.node.append(el("pre", { class: "output error", role: "alert" }, traceback || summary));
  }

  display(content) {
    const node = el("div", { class: "output display" }, renderBundle(content.data || {}));
    const id = content.transient && content.transient.display_id;
    if (id) this.displays.set(id, [...(this.displays.get(id) || []), node]);
    this.node.append(node);
  }

  update(content) {
    const id = content.transient && content.transient.display_id;
    for (const node of this.displays.get(id) || []) node.replaceChildren(renderBundle(content.data || {}));
  }
}

/** Keeps what a terminal would show after `\r` (progress bars). */
function applyCarriageReturns(text) {
  if (!text.includes("\r")) return text;
  return text.split("\n").map((line) => {
    const parts = line.split("\r").filter((part, index, all) => part !== "" || index === all.length - 1);
    return parts.length ? parts[parts.length - 1] : "";
  }).join("\n");
}

/** The richest safe representation of a MIME bundle. */
export function renderBundle(data) {
  const resource = data["application/vnd.dataresource+json"];
  if (resource && resource.schema && Array.isArray(resource.data)) return dataTable(resource);
  for (const type of IMAGE_TYPES) {
    if (typeof data[type] === "string") return image(type, data[type], data["text/plain"]);
  }
  if (typeof data["image/svg+xml"] === "string") {
    return image("image/svg+xml", btoa(unescape(encodeURIComponent(data["image/svg+xml"]))), data["text/plain"]);
  }
  if (data["application/json"] !== undefined) {
    return el("pre", { class: "json" }, JSON.stringify(data["application/json"], null, 2));
  }
  if (data["text/plain"] !== undefined) return el("pre", { class: "text" }, stripANSI(joined(data["text/plain"])));
  if (data["text/markdown"] !== undefined) return el("pre", { class: "text" }, joined(data["text/markdown"]));
  if (data["text/html"] !== undefined) {
    return el("div", {},
      el("p", { class: "note" }, "HTML output (shown as source; the console does not render HTML from cells):"),
      el("pre", { class: "text" }, joined(data["text/html"])));
  }
  return el("p", { class: "note" }, `Output of type ${Object.keys(data).join(", ") || "(none)"} cannot be shown here.`);
}

function joined(value) {
  return Array.isArray(value) ? value.join("") : String(value);
}

function image(type, base64, alt) {
  const clean = String(base64).replace(/\s+/g, "");
  return el("img", { class: "image", src: `data:${type};base64,${clean}`, alt: alt ? joined(alt) : "Image output" });
}

/** A table from Table Schema data (`application/vnd.dataresource+json`), built with DOM APIs. */
export function dataTable(resource) {
  const fields = (resource.schema.fields || []).map((field) => String(field.name));
  const names = fields.length ? fields : Object.keys(resource.data[0] || {});
  const head = el("thead", {}, el("tr", {}, names.map((name) => el("th", { scope: "col" }, name))));
  const body = el("tbody", {}, resource.data.map((row) =>
    el("tr", {}, names.map((name) => el("td", {}, cellText(Array.isArray(row) ? row[names.indexOf(name)] : row[name]))))));
  const count = resource.data.length;
  return el("div", { class: "table-wrap" },
    el("table", { class: "result-table" },
      el("caption", {}, `${count} row${count === 1 ? "" : "s"}`), head, body));
}

function cellText(value) {
  if (value === null || value === undefined) return "NULL";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}
