// Small DOM helpers. Text always goes in through textContent, never innerHTML.

/** Creates an element: el("button", {class: "x", onclick: f}, "text", child). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      node.addEventListener(name.slice(2), value);
    } else if (name === "class") {
      node.className = value;
    } else if (name === "dataset") {
      Object.assign(node.dataset, value);
    } else if (value === true) {
      node.setAttribute(name, "");
    } else {
      node.setAttribute(name, String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces all children of `node`. */
export function replaceChildren(node, ...children) {
  node.replaceChildren();
  append(node, children);
}

/** "3 s ago", "5 min ago" from an ISO time; the ISO time itself when it does not parse. */
export function relativeTime(iso, now = Date.now()) {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return iso || "—";
  return `${formatDuration(Math.max(0, now - then))} ago`;
}

/** 90061000 → "1 d 1 h 1 min". */
export function formatDuration(millis) {
  const seconds = Math.floor(millis / 1000);
  if (seconds < 60) return `${seconds} s`;
  const parts = [];
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days) parts.push(`${days} d`);
  if (hours) parts.push(`${hours} h`);
  if (minutes || !parts.length) parts.push(`${minutes} min`);
  return parts.join(" ");
}

/** Shows `message` in a status element (role=status/alert set in the HTML). */
export function say(node, message, kind = "info") {
  node.textContent = message;
  node.dataset.kind = kind;
  node.hidden = !message;
}
