// A minimal client of the runtime as another site would write it.
const $ = (id) => document.getElementById(id);
const log = (line) => { $("log").textContent += `${line}\n`; };

function base64url(text) {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function finish(outcome, opened, protocol) {
  const result = $("result");
  result.dataset.outcome = outcome;
  result.dataset.opened = String(opened);
  result.dataset.protocol = protocol || "";
  result.dataset.done = "true";
  result.textContent = outcome;
}

// v1.kernel.websocket.jupyter.org: u64 LE count, u64 LE offsets, channel and message parts.
function encodeV1(channel, message) {
  const parts = [channel, JSON.stringify(message.header), JSON.stringify(message.parent_header),
    JSON.stringify(message.metadata), JSON.stringify(message.content)].map((p) => new TextEncoder().encode(p));
  const count = parts.length + 1;
  const head = 8 * (count + 1);
  const total = head + parts.reduce((sum, p) => sum + p.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(count), true);
  let offset = head;
  parts.forEach((part, index) => {
    view.setBigUint64(8 * (index + 1), BigInt(offset), true);
    out.set(part, offset);
    offset += part.length;
  });
  view.setBigUint64(8 * count, BigInt(offset), true);
  return out;
}

function decodeV1(buffer) {
  const view = new DataView(buffer);
  const count = Number(view.getBigUint64(0, true));
  const offsets = [];
  for (let i = 0; i < count; i += 1) offsets.push(Number(view.getBigUint64(8 * (i + 1), true)));
  const text = (i) => new TextDecoder().decode(new Uint8Array(buffer, offsets[i], (offsets[i + 1] ?? buffer.byteLength) - offsets[i]));
  return { channel: text(0), header: JSON.parse(text(1)), parent_header: JSON.parse(text(2)), content: JSON.parse(text(4)) };
}

async function run(event) {
  event.preventDefault();
  const runtime = $("runtime").value.replace(/\/+$/, "");
  const token = $("token").value;
  let kernel = $("kernel").value;
  if (!kernel) {
    try {
      const answer = await fetch(`${runtime}/api/kernels`, {
        method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: "{}",
      });
      kernel = (await answer.json()).id;
      log(`started kernel ${kernel}`);
    } catch (error) {
      log(`refused: fetch failed (${error.message})`);
      return finish("refused", false);
    }
  }
  const url = `${runtime.replace(/^http/, "ws")}/api/kernels/${kernel}/channels?session_id=probe-${Date.now()}`;
  const socket = new WebSocket(url, ["v1.kernel.websocket.jupyter.org", `spin.token.${base64url(token)}`]);
  socket.binaryType = "arraybuffer";
  let opened = false;
  const msgID = `probe-${Math.random().toString(16).slice(2)}`;
  const timer = setTimeout(() => { log("timed out"); finish("timeout", opened, socket.protocol); }, 60000);
  socket.onopen = () => {
    opened = true;
    log(`open, protocol ${socket.protocol}`);
    const header = { msg_id: msgID, msg_type: "execute_request", session: "probe", username: "probe", date: new Date().toISOString(), version: "5.3" };
    socket.send(encodeV1("shell", { header, parent_header: {}, metadata: {}, content: { code: "print('probe', 6 * 7)", silent: false } }));
  };
  socket.onmessage = (message) => {
    const decoded = decodeV1(message.data);
    if (decoded.parent_header.msg_id !== msgID) return;
    log(`${decoded.channel} ${decoded.header.msg_type}`);
    if (decoded.header.msg_type === "stream") $("output").textContent += decoded.content.text;
    if (decoded.header.msg_type === "execute_reply") {
      clearTimeout(timer);
      finish(decoded.content.status === "ok" ? "ok" : "error", opened, socket.protocol);
      socket.close(1000);
    }
  };
  socket.onerror = () => log("error event");
  socket.onclose = (close) => {
    log(`closed, code ${close.code}`);
    if (!opened) {
      clearTimeout(timer);
      log(`refused: the WebSocket closed with code ${close.code} before it opened`);
      finish("refused", false);
    }
  };
}

$("form").addEventListener("submit", run);
