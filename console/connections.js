// Connections (SPEC §6): list, add/edit with write-only secret fields, test, delete.

import { el, say } from "./dom.js";

const API = "/spin/v1/connections";

/** Fields per type; `secret` ones are write-only, `multiline` ones are textareas. */
export const CONNECTION_TYPES = {
  postgres: [
    { name: "url", label: "URL", hint: "postgres://user@host:5432/db?sslmode=require (or the fields below)" },
    { name: "host" }, { name: "port", number: true }, { name: "user" }, { name: "password", secret: true },
    { name: "database" }, { name: "sslmode", label: "SSL mode", hint: "disable, require, verify-full…" },
  ],
  sqlite: [{ name: "path", hint: "relative paths are under $SPIN_HOME/var/data" }],
  ssh: [
    { name: "host" }, { name: "port", number: true, hint: "22" }, { name: "username" },
    { name: "private_key", label: "Private key", secret: true, multiline: true },
    { name: "passphrase", secret: true },
    { name: "host_key_fingerprint", label: "Host key fingerprint", hint: "SHA256:… (empty: pinned on first use)" },
  ],
  http: [
    { name: "base_url", label: "Base URL" },
    { name: "headers", multiline: true, hint: "one Header: value per line" },
  ],
};

function labelOf(field) {
  return field.label || field.name.charAt(0).toUpperCase() + field.name.slice(1);
}

export class ConnectionsPanel {
  constructor(runtime, root, { onChange } = {}) {
    this.runtime = runtime;
    this.onChange = onChange;
    this.tableBody = root.querySelector("#connections-body");
    this.message = root.querySelector("#connections-message");
    this.form = root.querySelector("#connection-form");
    this.formTitle = root.querySelector("#connection-form-title");
    this.nameInput = root.querySelector("#cf-name");
    this.typeSelect = root.querySelector("#cf-type");
    this.fieldsNode = root.querySelector("#cf-fields");
    this.typeSelect.replaceChildren(...Object.keys(CONNECTION_TYPES).map((t) => el("option", { value: t }, t)));
    this.typeSelect.addEventListener("change", () => this.renderFields(null));
    root.querySelector("#connections-add").addEventListener("click", () => this.edit(null));
    root.querySelector("#connections-refresh").addEventListener("click", () => this.refresh());
    root.querySelector("#cf-cancel").addEventListener("click", () => { this.form.hidden = true; });
    this.form.addEventListener("submit", (event) => { event.preventDefault(); this.save(); });
    this.connections = [];
  }

  async refresh() {
    try {
      const answer = await this.runtime.get(API);
      this.connections = (answer && answer.connections) || [];
      this.available = true;
    } catch (error) {
      this.connections = [];
      this.available = false;
      const text = error.status === 404
        ? "This runtime does not offer the connections API yet (GET /spin/v1/connections answered 404). SQL, Shell over SSH and HTTP connections need a runtime with cell processors."
        : `Could not list connections: ${error.message}`;
      say(this.message, text, "error");
    }
    this.render();
    this.onChange?.(this.connections);
  }

  render() {
    if (!this.connections.length) {
      const text = this.available ? "No connections yet. The shell's local connection always exists." : "—";
      this.tableBody.replaceChildren(el("tr", {}, el("td", { colspan: 5, class: "empty" }, text)));
      return;
    }
    this.tableBody.replaceChildren(...this.connections.map((c) => this.row(c)));
  }

  row(connection) {
    const name = connection.name;
    const button = (label, action, extra = {}) => el("button", {
      type: "button", class: "small", "aria-label": `${label} connection ${name}`, onclick: action, ...extra }, label);
    const summary = connection.url || connection.path || connection.base_url ||
      [connection.username || connection.user, connection.host].filter(Boolean).join("@") || "";
    const secrets = connection.secrets_set || [];
    return el("tr", { dataset: { connection: name } },
      el("td", {}, name),
      el("td", {}, connection.type || ""),
      el("td", { class: "summary" }, summary),
      el("td", {}, secrets.length ? secrets.map((s) => `${s}: set`).join(", ") : "none"),
      el("td", { class: "actions" }, connection.builtin ? [button("Test", () => this.test(name)), " built in"] : [
        button("Edit", () => this.edit(connection)),
        button("Test", () => this.test(name)),
        button("Delete", () => this.remove(name), { class: "small danger" })]));
  }

  edit(connection) {
    this.form.hidden = false;
    this.editing = connection;
    this.formTitle.textContent = connection ? `Edit connection ${connection.name}` : "Add a connection";
    this.nameInput.value = connection ? connection.name : "";
    this.nameInput.readOnly = Boolean(connection);
    this.typeSelect.value = connection && CONNECTION_TYPES[connection.type] ? connection.type : "sqlite";
    this.renderFields(connection);
    (connection ? this.typeSelect : this.nameInput).focus();
  }

  renderFields(connection) {
    const secretsSet = (connection && connection.secrets_set) || [];
    this.fieldsNode.replaceChildren(...CONNECTION_TYPES[this.typeSelect.value].map((field) => {
      const id = `cf-${field.name}`;
      const attributes = { id, name: field.name, spellcheck: "false", autocomplete: field.secret ? "new-password" : "off" };
      let placeholder = field.hint || "";
      if (field.secret) placeholder = secretsSet.includes(field.name) ? "set (leave empty to keep)" : "not set";
      attributes.placeholder = placeholder;
      const input = field.multiline
        ? el("textarea", { ...attributes, rows: field.secret ? 4 : 3 })
        : el("input", { ...attributes, type: field.secret ? "password" : "text", ...(field.number ? { inputmode: "numeric" } : {}) });
      if (!field.secret && connection && connection[field.name] !== undefined) input.value = fieldText(field, connection[field.name]);
      return el("div", { class: "form-row" }, el("label", { for: id }, labelOf(field), field.secret ? " (write-only)" : ""), input);
    }));
  }

  /** The PUT body: non-empty fields; secrets only when typed (empty keeps the stored one). */
  requestBody() {
    const body = { type: this.typeSelect.value };
    for (const field of CONNECTION_TYPES[body.type]) {
      const value = this.fieldsNode.querySelector(`[name="${field.name}"]`).value.trim();
      if (!value) continue;
      // A number, or a {{runtime_env:NAME}} placeholder kept as text.
      if (field.number) body[field.name] = /^[0-9]+$/.test(value) ? Number(value) : value;
      else if (field.name === "headers") body.headers = parseHeaders(value);
      else body[field.name] = field.name === "private_key" ? `${value}\n` : value;
    }
    return body;
  }

  async save() {
    const name = this.nameInput.value.trim();
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) {
      say(this.message, "A connection name uses letters, digits, '.', '_' and '-' only.", "error");
      this.nameInput.focus();
      return;
    }
    try {
      await this.runtime.put(`${API}/${encodeURIComponent(name)}`, this.requestBody());
      this.form.hidden = true;
      say(this.message, `Connection ${name} saved.`);
    } catch (error) {
      say(this.message, `Could not save ${name}: ${error.message}`, "error");
      return;
    }
    await this.refresh();
  }

  async test(name) {
    say(this.message, `Testing ${name}…`);
    try {
      const answer = await this.runtime.post(`${API}/${encodeURIComponent(name)}/test`);
      const failed = answer && answer.ok === false;
      const detail = answer && (answer.message || answer.detail) ? `: ${answer.message || answer.detail}` : ".";
      say(this.message, `${failed ? "Test of" : "Test passed for"} ${name}${failed ? " failed" : ""}${detail}`, failed ? "error" : "ok");
    } catch (error) {
      say(this.message, `Test of ${name} failed: ${error.message}`, "error");
    }
  }

  async remove(name) {
    if (!window.confirm(`Delete connection ${name}?`)) return;
    try {
      await this.runtime.delete(`${API}/${encodeURIComponent(name)}`);
      say(this.message, `Connection ${name} deleted.`);
    } catch (error) {
      say(this.message, `Could not delete ${name}: ${error.message}`, "error");
    }
    await this.refresh();
  }
}

function fieldText(field, value) {
  if (field.name === "headers" && value && typeof value === "object") {
    return Object.entries(value).map(([k, v]) => `${k}: ${v}`).join("\n");
  }
  return String(value);
}

function parseHeaders(text) {
  const headers = {};
  for (const line of text.split("\n")) {
    const at = line.indexOf(":");
    if (at > 0) headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return headers;
}
