// The runtime's public API (SPEC §3–§6): base URL, token, JSON requests.

const TOKEN_KEY = "spin.console.token";
const RUNTIME_KEY = "spin.console.runtime";

/** An error answer of the runtime, or a failure to reach it at all. */
export class RuntimeError extends Error {
  constructor(message, { status = 0, code = "", cause } = {}) {
    super(message, { cause });
    this.status = status;
    this.code = code;
  }
}

/** base64url without padding, of the UTF-8 bytes of `text`. */
export function base64url(text) {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The runtime's address: `?runtime=`, then what was used in this tab, then this page's origin. */
export function initialRuntimeURL() {
  const fromQuery = new URLSearchParams(location.search).get("runtime");
  return normalizeBase(fromQuery || sessionStorage.getItem(RUNTIME_KEY) || location.origin);
}

function normalizeBase(url) {
  const parsed = new URL(url, location.href);
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new RuntimeError(`The runtime address must start with http:// or https:// (got ${parsed.protocol}).`);
  }
  return parsed.origin + parsed.pathname.replace(/\/+$/, "");
}

export class Runtime {
  constructor(base, token) {
    this.base = normalizeBase(base);
    this.token = token;
  }

  /** The runtime remembered in this tab's sessionStorage, if any. */
  static restore() {
    const token = sessionStorage.getItem(TOKEN_KEY);
    return token ? new Runtime(initialRuntimeURL(), token) : null;
  }

  remember() {
    sessionStorage.setItem(TOKEN_KEY, this.token);
    sessionStorage.setItem(RUNTIME_KEY, this.base);
  }

  static forget() {
    sessionStorage.removeItem(TOKEN_KEY);
  }

  /** ws(s):// URL for a path on the runtime. */
  webSocketURL(path) {
    const url = new URL(this.base + path);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    return url.href;
  }

  /** Subprotocols for a kernel WebSocket: the JSON form, and the token beside it (never selected). */
  webSocketProtocols() {
    return ["spin.json", `spin.token.${base64url(this.token)}`];
  }

  /** GET without the token (open routes such as /readyz). */
  async open(path) {
    let response;
    try {
      response = await fetch(this.base + path, { cache: "no-store" });
    } catch (error) {
      throw unreachable(this.base, error);
    }
    return { status: response.status, body: await readBody(response) };
  }

  /** A request with the token; resolves to the parsed body, throws RuntimeError on 4xx/5xx. */
  async request(method, path, body) {
    const headers = { Authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(this.base + path, {
        method, headers, cache: "no-store",
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw unreachable(this.base, error);
    }
    const parsed = await readBody(response);
    if (!response.ok) throw answerError(response, parsed);
    return parsed;
  }

  get(path) { return this.request("GET", path); }
  post(path, body) { return this.request("POST", path, body); }
  put(path, body) { return this.request("PUT", path, body); }
  delete(path) { return this.request("DELETE", path); }
}

async function readBody(response) {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function answerError(response, body) {
  const error = body && typeof body === "object" ? body.error || {} : {};
  const code = error.code || "";
  let message = error.message || `The runtime answered ${response.status} ${response.statusText}.`;
  if (response.status === 401) {
    message = "The runtime rejected this token (401 Unauthorized). Check the value of SPIN_TOKEN and sign in again.";
  } else if (response.status === 429) {
    const wait = response.headers.get("Retry-After");
    message = `Too many wrong tokens from this address; the runtime refuses sign-ins${wait ? ` for ${wait} s` : " for a while"}.`;
  }
  return new RuntimeError(message, { status: response.status, code });
}

function unreachable(base, cause) {
  return new RuntimeError(
    `Could not reach the runtime at ${base}. It may be down, or it may not allow this page's origin ` +
    `(${location.origin}) in SPIN_ALLOWED_ORIGINS.`,
    { status: 0, code: "unreachable", cause },
  );
}
