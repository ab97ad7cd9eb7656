// Entry point: sign-in, tabs, periodic refresh of the panels.

import { Runtime, RuntimeError, initialRuntimeURL } from "./api.js";
import { ConnectionsPanel } from "./connections.js";
import { say } from "./dom.js";
import { KernelsPanel } from "./kernels.js";
import { Notebook } from "./notebook.js";
import { StatusPanel } from "./status.js";

const $ = (selector) => document.querySelector(selector);
const REFRESH_MILLIS = 5000;
const NOTICE_KEY = "spin.console.notice";
let tabShown = () => {};

function showLogin(message = "", kind = "error") {
  $("#app").hidden = true;
  $("#status").hidden = true;
  $("#sign-out").hidden = true;
  $("#login").hidden = false;
  try {
    $("#login-runtime").value = initialRuntimeURL();
  } catch (error) {
    $("#login-runtime").value = location.origin;
  }
  say($("#login-message"), message, kind);
  $("#login-token").focus();
}

async function signIn(event) {
  event.preventDefault();
  const token = $("#login-token").value.trim();
  const message = $("#login-message");
  if (!token) return say(message, "Enter the runtime's token.", "error");
  let runtime;
  try {
    runtime = new Runtime($("#login-runtime").value || location.origin, token);
    say(message, "Checking the token…", "info");
    await runtime.get("/api/status");
  } catch (error) {
    say(message, error instanceof RuntimeError ? error.message : String(error), "error");
    $("#login-token").select();
    return undefined;
  }
  runtime.remember();
  $("#login-token").value = "";
  return start(runtime);
}

function setupTabs(onShow = () => {}) {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  const select = (tab) => {
    for (const other of tabs) {
      const selected = other === tab;
      other.setAttribute("aria-selected", String(selected));
      other.tabIndex = selected ? 0 : -1;
      document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
    }
    tab.focus();
    onShow(tab.id.replace("tab-", ""));
  };
  tabs.forEach((tab, index) => {
    tab.addEventListener("click", () => select(tab));
    tab.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (step) select(tabs[(index + step + tabs.length) % tabs.length]);
    });
  });
}

async function start(runtime) {
  $("#login").hidden = true;
  $("#app").hidden = false;
  $("#status").hidden = false;
  $("#sign-out").hidden = false;
  const root = $("#app");
  const status = new StatusPanel(runtime, document);
  const notebook = new Notebook(runtime, root);
  const kernels = new KernelsPanel(runtime, root, { onOpen: (id) => notebook.useKernel(id) });
  const connections = new ConnectionsPanel(runtime, root, { onChange: (list) => notebook.setConnections(list) });
  const problem = await status.refresh();
  if (problem && problem.status === 401) {
    Runtime.forget();
    return showLogin(problem.message);
  }
  tabShown = (name) => ({ kernels, connections })[name]?.refresh();
  await connections.refresh();
  await notebook.start();
  await Promise.all([kernels.refresh(), status.refresh()]);
  const timer = setInterval(async () => {
    const failure = await status.refresh();
    if (failure && failure.status === 401) {
      clearInterval(timer);
      Runtime.forget();
      sessionStorage.setItem(NOTICE_KEY, "The runtime no longer accepts the token of this tab (401). Sign in again.");
      location.reload(); // back to the sign-in form
      return;
    }
    if (!$("#view-kernels").hidden) kernels.refresh();
  }, REFRESH_MILLIS);
  return undefined;
}

function main() {
  setupTabs((name) => tabShown(name));
  $("#login-form").addEventListener("submit", signIn);
  $("#sign-out").addEventListener("click", () => {
    Runtime.forget();
    location.reload();
  });
  let runtime = null;
  try {
    runtime = Runtime.restore();
  } catch (error) {
    return showLogin(error.message);
  }
  if (runtime) return start(runtime);
  if (new URLSearchParams(location.search).has("runtime")) $("#login-advanced").open = true;
  const notice = sessionStorage.getItem(NOTICE_KEY) || "";
  sessionStorage.removeItem(NOTICE_KEY);
  return showLogin(notice);
}

main();
