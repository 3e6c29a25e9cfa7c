// The query page: Yasgui (vendored in ./yasgui, nothing loaded from elsewhere) set up for this
// server's endpoint, with the bundled queries, their parameters, the project prefixes, a small
// chart, and download links that offer only the formats the result can take.
"use strict";

const config = JSON.parse(document.getElementById("config").textContent);
const endpoint = new URL(config.endpoint, window.location.href).href;
const picker = document.getElementById("bundled");
const problem = document.getElementById("problem");
const form = document.getElementById("parameters");
const statusLine = document.getElementById("status");
const downloads = document.getElementById("downloads");
const byName = new Map(config.queries.map((q) => [q.name, q]));
// Tab id → { query: a bundled query, values: its parameters as typed }.
const bundledTabs = new Map();

const prologue = Object.entries(config.prefixes)
  .filter(([prefix]) => ["kg", "id", "rdfs"].includes(prefix))
  .map(([prefix, ns]) => `PREFIX ${prefix}: <${ns}>`)
  .join("\n");
const starter = `${prologue}

SELECT ?entity ?label WHERE {
  ?entity rdfs:label ?label .
}
ORDER BY ?label
LIMIT 25`;

// Prefix completion from the project's own prefixes: the stock completer asks prefix.cc, which
// this page may not reach (its Content-Security-Policy allows this server only).
Yasgui.Yasqe.forkAutocompleter("prefixes", {
  name: "projectPrefixes",
  persistenceId: null,
  get: () =>
    Promise.resolve(
      Object.entries(config.prefixes)
        .map(([prefix, ns]) => `${prefix}: <${ns}>`)
        .sort(),
    ),
});

function shorten(term) {
  if (!term) return "";
  if (term.type !== "uri") return term.value;
  let best = null;
  for (const [prefix, ns] of Object.entries(config.prefixes)) {
    if (term.value.startsWith(ns) && (!best || ns.length > best[1].length)) best = [prefix, ns];
  }
  return best ? `${best[0]}:${term.value.slice(best[1].length)}` : term.value;
}

// A bar chart of the first numeric column against the first other column: drawn as SVG with
// DOM calls (values are set as text, never parsed as markup). The package ships no chart plugin.
class ChartPlugin {
  constructor(yasr) {
    this.yasr = yasr;
    this.priority = 5;
    this.label = "Chart";
  }

  columns() {
    const results = this.yasr.results;
    if (!results || !results.getVariables || results.getBoolean?.() !== undefined) return null;
    const vars = results.getVariables() || [];
    const rows = results.getBindings() || [];
    if (!rows.length) return null;
    const numeric = vars.find((v) =>
      rows.every((row) => row[v] && row[v].type === "literal" && isFinite(Number(row[v].value))),
    );
    const label = vars.find((v) => v !== numeric);
    return numeric && label ? { numeric, label, rows } : null;
  }

  canHandleResults() {
    return this.columns() !== null;
  }

  getIcon() {
    const icon = document.createElement("span");
    icon.textContent = "▥";
    return icon;
  }

  draw() {
    const { numeric, label, rows } = this.columns();
    const shown = rows.slice(0, 50);
    const max = Math.max(...shown.map((row) => Number(row[numeric].value)), 0) || 1;
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    const barHeight = 22;
    const width = 760;
    const left = 260;
    svg.setAttribute("viewBox", `0 0 ${width} ${shown.length * barHeight + 10}`);
    svg.setAttribute("class", "chart");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", `?${numeric} by ?${label}`);
    shown.forEach((row, i) => {
      const value = Number(row[numeric].value);
      const y = i * barHeight + 5;
      const name = document.createElementNS(ns, "text");
      name.setAttribute("x", left - 8);
      name.setAttribute("y", y + 15);
      name.setAttribute("text-anchor", "end");
      const text = shorten(row[label]);
      name.textContent = text.length > 40 ? text.slice(0, 39) + "…" : text;
      const bar = document.createElementNS(ns, "rect");
      bar.setAttribute("x", left);
      bar.setAttribute("y", y + 3);
      bar.setAttribute("height", barHeight - 6);
      bar.setAttribute("width", Math.max(1, ((width - left - 60) * value) / max));
      const amount = document.createElementNS(ns, "text");
      amount.setAttribute("x", left + Math.max(1, ((width - left - 60) * value) / max) + 6);
      amount.setAttribute("y", y + 15);
      amount.textContent = row[numeric].value;
      svg.append(name, bar, amount);
    });
    this.yasr.resultsEl.appendChild(svg);
  }
}
Yasgui.Yasr.registerPlugin("chart", ChartPlugin);

// Result IRIs that this server describes link to their local pages, as on the other pages
// (Yasr links every IRI to itself, in a new window). The table redraws on paging and sorting,
// so links are rewritten whenever rows are added.
const yasguiElement = document.getElementById("yasgui");
function localise() {
  for (const a of yasguiElement.querySelectorAll("a.iri")) {
    const iri = a.getAttribute("href") || "";
    const base = config.bases.find((b) => iri.startsWith(b + "/"));
    if (!base) continue;
    a.setAttribute("href", iri.slice(base.length));
    a.removeAttribute("target");
    a.title = iri;
  }
}
new MutationObserver(localise).observe(yasguiElement, { childList: true, subtree: true });

const yasgui = new Yasgui(yasguiElement, {
  requestConfig: {
    endpoint,
    method: "POST",
    acceptHeaderSelect: "application/sparql-results+json",
    acceptHeaderGraph: "text/turtle",
  },
  copyEndpointOnNewTab: true,
  endpointCatalogueOptions: { getData: () => [{ endpoint }] },
  // Tabs start from this page's state (and a shared link's), not from an earlier visit.
  persistenceId: null,
  populateFromUrl: true,
  tabName: "Query",
  yasqe: { value: starter, autocompleters: ["projectPrefixes", "variables"] },
  yasr: {
    prefixes: config.prefixes,
    pluginOrder: ["table", "chart", "response"],
    defaultPlugin: "table",
  },
});

function argsOf(entry) {
  return entry.query.parameters
    .filter((p) => entry.values[p.name] !== undefined && entry.values[p.name] !== "")
    .map((p) => ({ name: "$" + p.name, value: entry.values[p.name] }));
}

function showParameters(tab) {
  const entry = tab && bundledTabs.get(tab.getId());
  form.textContent = "";
  problem.textContent = entry ? entry.query.problem || "" : "";
  form.hidden = !entry || entry.query.parameters.length === 0;
  if (!entry) return;
  for (const p of entry.query.parameters) {
    const label = document.createElement("label");
    label.textContent = `${p.name} (${p.type}) `;
    const input = document.createElement("input");
    input.name = p.name;
    input.defaultValue = entry.values[p.name] ?? "";
    input.placeholder = p.default ?? "";
    input.title = p.description || "";
    input.addEventListener("input", () => {
      entry.values[p.name] = input.value;
      tab.setRequestConfig({ args: argsOf(entry) });
    });
    label.appendChild(input);
    form.appendChild(label);
  }
}

function openBundled(name, values = {}) {
  const query = byName.get(name);
  if (!query) return null;
  const defaults = Object.fromEntries(query.parameters.map((p) => [p.name, p.default ?? ""]));
  const entry = { query, values: { ...defaults, ...values } };
  const tab = yasgui.addTab(true, {
    name: query.title,
    yasqe: { value: query.text },
    requestConfig: { ...yasgui.config.requestConfig, endpoint, args: argsOf(entry) },
  });
  bundledTabs.set(tab.getId(), entry);
  showParameters(tab);
  return tab;
}

for (const q of config.queries) {
  const option = document.createElement("option");
  option.value = q.name;
  option.textContent = q.title;
  picker.appendChild(option);
}
picker.addEventListener("change", () => {
  if (picker.value) openBundled(picker.value);
  picker.value = "";
});

function downloadLinks(tab) {
  downloads.textContent = "";
  const kind = tab.getYasqe().getQueryType();
  const offers = kind === "CONSTRUCT" || kind === "DESCRIBE" ? config.downloads.graph : config.downloads.rows;
  downloads.append("Download the result: ");
  const entry = bundledTabs.get(tab.getId());
  for (const [name, mime] of offers) {
    const url = new URL(config.endpoint, window.location.href);
    url.searchParams.set("query", tab.getQuery());
    url.searchParams.set("format", name);
    for (const arg of entry ? argsOf(entry) : []) url.searchParams.set(arg.name, arg.value);
    const a = document.createElement("a");
    a.href = url.pathname + url.search;
    a.type = mime;
    a.textContent = name;
    downloads.append(a, " ");
  }
}

yasgui.on("tabSelect", (_instance, tabId) => {
  downloads.textContent = "";
  showParameters(yasgui.getTab(tabId));
});
yasgui.on("queryResponse", (_instance, tab) => {
  // A tab announces the response before it hands it to its Yasr: read the result after that.
  queueMicrotask(() => {
    const results = tab.getYasr().results;
    const rows = results && results.getBindings ? results.getBindings() : null;
    const answer = results && results.getBoolean ? results.getBoolean() : undefined;
    statusLine.textContent = rows
      ? `${rows.length} row${rows.length === 1 ? "" : "s"}`
      : answer !== undefined
        ? `ASK: ${answer}`
        : "Graph result";
    downloadLinks(tab);
  });
});

// /query?name=NAME opens a bundled query (home-page links use this), with ?$param=value for its
// parameters; &run=1 also runs it. /query?query=TEXT&run=1 runs a query as typed; &view=chart
// (or table, response) picks how the result is shown.
const params = new URLSearchParams(window.location.search);
let start = yasgui.getTab();
if (params.get("name")) {
  const values = {};
  for (const [key, value] of params) if (key.startsWith("$")) values[key.slice(1)] = value;
  start = openBundled(params.get("name"), values) || start;
} else if (params.get("query")) {
  start.setQuery(params.get("query"));
}
if (params.get("view") && start) start.getYasr().selectPlugin(params.get("view"));
if (params.get("run") && start) start.getYasqe().query();
