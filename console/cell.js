// One notebook cell: type and connection selectors, source, run state, outputs.

import { el } from "./dom.js";
import { OutputArea } from "./outputs.js";

export const CELL_TYPES = [
  { value: "python", label: "Python" },
  { value: "sql", label: "SQL" },
  { value: "shell", label: "Shell" },
  { value: "http", label: "HTTP" },
];

const PLACEHOLDERS = {
  python: "print('hello')",
  sql: "SELECT 1 AS answer",
  shell: "echo hello from $(hostname)",
  http: "GET https://example.com/api/items\nAccept: application/json",
};

let counter = 0;

/** The connection choices for a cell type, from the runtime's connections list. */
export function connectionChoices(type, connections) {
  const named = (types) => connections.filter((c) => types.includes(c.type) && c.name !== "runtime-host" && c.name !== "local")
    .map((c) => ({ value: c.name, label: `${c.name} (${c.type})` }));
  switch (type) {
    case "sql": return named(["postgres", "sqlite"]);
    case "shell": return [{ value: "local", label: "Runtime (local shell)" }, { value: "runtime-host", label: "Runtime Host" }, ...named(["ssh"])];
    case "http": return [{ value: "", label: "(none)" }, ...named(["http"])];
    default: return [];
  }
}

export class Cell {
  constructor(notebook, saved = {}) {
    counter += 1;
    this.notebook = notebook;
    this.key = saved.key || `c${Date.now().toString(36)}${counter}`;
    this.msgID = saved.msgID || null;
    this.afterSeq = saved.afterSeq || 0;
    this.build(saved);
  }

  build(saved) {
    const id = this.key;
    this.typeSelect = el("select", { id: `${id}-type`, onchange: () => this.typeChanged() },
      CELL_TYPES.map((t) => el("option", { value: t.value }, t.label)));
    this.typeSelect.value = saved.type || "python";
    this.connectionSelect = el("select", { id: `${id}-conn`, onchange: () => this.notebook.save() });
    this.connectionLabel = el("label", { for: `${id}-conn`, class: "field" }, "Connection ", this.connectionSelect);
    this.variableInput = el("input", { id: `${id}-var`, type: "text", size: 12, placeholder: "optional", spellcheck: "false",
      oninput: () => this.notebook.save() });
    this.variableInput.value = saved.variable || "";
    this.variableLabel = el("label", { for: `${id}-var`, class: "field" }, "Variable ", this.variableInput);
    this.stateBadge = el("span", { class: "cell-state", dataset: { state: "new" } }, "[ ]");
    this.source = el("textarea", { id: `${id}-src`, class: "source", rows: 3, spellcheck: "false", autocomplete: "off",
      oninput: () => { this.fit(); this.notebook.save(); }, onkeydown: (event) => this.keydown(event) });
    this.source.value = saved.source || "";
    this.outputNode = el("div", { class: "outputs", "aria-live": "polite", "aria-label": "Output" });
    this.outputs = new OutputArea(this.outputNode);
    const button = (verb, label, className, onclick) =>
      el("button", { type: "button", class: className, dataset: { verb }, onclick }, label);
    this.buttons = [
      button("Run", "Run", "run", () => this.notebook.run(this)),
      button("Move up", "Up", "quiet", () => this.notebook.move(this, -1)),
      button("Move down", "Down", "quiet", () => this.notebook.move(this, 1)),
      button("Delete", "Delete", "quiet danger", () => this.notebook.remove(this)),
    ];
    this.node = el("section", { class: "cell", dataset: { cell: id } },
      el("div", { class: "cell-bar" },
        this.stateBadge,
        el("label", { for: `${id}-type`, class: "field" }, "Type ", this.typeSelect),
        this.connectionLabel, this.variableLabel,
        el("span", { class: "spacer" }),
        this.buttons),
      el("label", { for: `${id}-src`, class: "visually-hidden" }, "Source"),
      this.source, this.outputNode);
    this.savedConnection = saved.connection;
    this.typeChanged(false);
    this.fit();
  }

  /** Numbers the cell's labels by its position. */
  setIndex(index) {
    this.index = index;
    this.node.setAttribute("aria-label", `Cell ${index + 1}`);
    this.source.setAttribute("aria-label", `Cell ${index + 1} source (Shift+Enter runs it)`);
    for (const button of this.buttons) button.setAttribute("aria-label", `${button.dataset.verb} cell ${index + 1}`);
  }

  get type() { return this.typeSelect.value; }

  typeChanged(save = true) {
    const type = this.type;
    this.source.placeholder = PLACEHOLDERS[type];
    this.variableLabel.hidden = !(type === "sql" || type === "http");
    this.refreshConnections(this.notebook.connections);
    if (save) this.notebook.save();
  }

  refreshConnections(connections) {
    const current = this.connectionSelect.value || this.savedConnection || "";
    const choices = connectionChoices(this.type, connections);
    if (current && !choices.some((c) => c.value === current)) choices.push({ value: current, label: `${current} (not listed)` });
    if (this.type === "sql" && !choices.length) choices.push({ value: "", label: "(no SQL connections: add one under Connections)" });
    this.connectionSelect.replaceChildren(...choices.map((c) => el("option", { value: c.value }, c.label)));
    if (current) this.connectionSelect.value = current;
    this.connectionLabel.hidden = this.type === "python";
  }

  /** `metadata.spin` for a typed cell (SPEC §5); nothing for Python. */
  spinMetadata() {
    if (this.type === "python") return {};
    const spin = { cell_type: this.type };
    const connection = this.connectionSelect.value;
    if (connection) spin.connection = connection;
    const variable = this.variableInput.value.trim();
    if (variable && !this.variableLabel.hidden) spin.variable = variable;
    return { spin };
  }

  keydown(event) {
    if (event.key === "Enter" && (event.shiftKey || event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      this.notebook.run(this);
      if (event.shiftKey) this.notebook.focusAfter(this);
    }
  }

  fit() {
    this.source.rows = Math.min(30, Math.max(2, this.source.value.split("\n").length));
  }

  setState(state, text, label = state) {
    this.stateBadge.dataset.state = state;
    this.stateBadge.textContent = text;
    this.stateBadge.title = label;
    this.stateBadge.setAttribute("aria-label", `Cell state: ${label}`);
    this.node.dataset.state = state;
  }

  serialize() {
    return {
      key: this.key, type: this.type, connection: this.connectionSelect.value, variable: this.variableInput.value,
      source: this.source.value, msgID: this.msgID, afterSeq: this.afterSeq,
    };
  }
}
