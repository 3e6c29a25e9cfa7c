// The query page: pick a bundled query or write one, run it against /sparql, show a table.
// Plain DOM code, no framework and nothing loaded from the internet (issue 7). Every value is
// inserted with textContent, so labels and literals are shown as text, never as markup.
"use strict";

const config = JSON.parse(document.getElementById("config").textContent);
const editor = document.getElementById("editor");
const picker = document.getElementById("bundled");
const runButton = document.getElementById("run");
const statusLine = document.getElementById("status");
const problem = document.getElementById("problem");
const results = document.getElementById("results");
const downloads = document.getElementById("downloads");

for (const q of config.queries) {
  const option = document.createElement("option");
  option.value = q.name;
  option.textContent = q.title;
  picker.appendChild(option);
}

function choose(name) {
  const q = config.queries.find((item) => item.name === name);
  if (!q) return;
  picker.value = name;
  editor.value = q.text;
  problem.textContent = q.problem || "";
}

picker.addEventListener("change", () => choose(picker.value));

function shorten(iri) {
  let best = null;
  for (const [prefix, ns] of Object.entries(config.prefixes)) {
    if (iri.startsWith(ns) && (!best || ns.length > best[1].length)) {
      const local = iri.slice(ns.length);
      if (/^[\w.-]*$/.test(local) && !local.endsWith(".")) best = [prefix, ns, local];
    }
  }
  return best ? `${best[0]}:${best[2]}` : iri;
}

function href(iri) {
  for (const base of config.bases) {
    if (iri.startsWith(base + "/")) return iri.slice(base.length);
  }
  return /^https?:\/\//.test(iri) ? iri : null;
}

function cell(term) {
  const td = document.createElement("td");
  if (!term) return td;
  if (term.type === "uri") {
    const target = href(term.value);
    const node = document.createElement(target ? "a" : "span");
    if (target) node.href = target;
    node.title = term.value;
    node.textContent = shorten(term.value);
    td.appendChild(node);
  } else if (term.type === "bnode") {
    td.textContent = "_:" + term.value;
  } else {
    td.textContent = term.value;
    const note = term["xml:lang"] || (term.datatype ? shorten(term.datatype) : "");
    if (note) {
      const small = document.createElement("span");
      small.className = "muted";
      small.textContent = " " + note;
      td.appendChild(small);
    }
  }
  return td;
}

function table(data) {
  if (data.boolean !== undefined) {
    const p = document.createElement("p");
    p.textContent = "ASK: " + data.boolean;
    return p;
  }
  const t = document.createElement("table");
  t.className = "results";
  const head = t.createTHead().insertRow();
  for (const name of data.head.vars) {
    const th = document.createElement("th");
    th.textContent = "?" + name;
    head.appendChild(th);
  }
  const body = t.createTBody();
  for (const binding of data.results.bindings) {
    const row = body.insertRow();
    for (const name of data.head.vars) row.appendChild(cell(binding[name]));
  }
  return t;
}

function downloadLinks(query) {
  downloads.textContent = "Download: ";
  for (const fmt of ["csv", "tsv", "json", "xml", "turtle", "jsonld"]) {
    const a = document.createElement("a");
    a.href = `${config.endpoint}?query=${encodeURIComponent(query)}&format=${fmt}`;
    a.download = `results.${fmt === "turtle" ? "ttl" : fmt}`;
    a.textContent = fmt;
    downloads.appendChild(a);
    downloads.appendChild(document.createTextNode(" "));
  }
}

async function run() {
  const query = editor.value;
  statusLine.textContent = "Running…";
  results.textContent = "";
  downloads.textContent = "";
  const started = performance.now();
  let response;
  try {
    response = await fetch(config.endpoint, {
      method: "POST",
      headers: {
        "Content-Type": "application/sparql-query",
        Accept: "application/sparql-results+json, text/turtle;q=0.9",
      },
      body: query,
    });
  } catch (err) {
    statusLine.textContent = "The server did not answer: " + err;
    return;
  }
  const text = await response.text();
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  if (!response.ok) {
    statusLine.textContent = `Error ${response.status} after ${seconds} s`;
    const pre = document.createElement("pre");
    pre.className = "error";
    pre.textContent = text;
    results.appendChild(pre);
    return;
  }
  const type = response.headers.get("content-type") || "";
  if (type.startsWith("application/sparql-results+json")) {
    const data = JSON.parse(text);
    const rows = data.results ? data.results.bindings.length : 1;
    statusLine.textContent = `${rows} row${rows === 1 ? "" : "s"} in ${seconds} s`;
    results.appendChild(table(data));
  } else {
    statusLine.textContent = `Graph result in ${seconds} s`;
    const pre = document.createElement("pre");
    pre.className = "graph";
    pre.textContent = text;
    results.appendChild(pre);
  }
  downloadLinks(query);
}

runButton.addEventListener("click", run);
editor.addEventListener("keydown", (event) => {
  if ((event.ctrlKey || event.metaKey) && event.key === "Enter") run();
});

// /query?name=NAME preselects a bundled query; &run=1 also runs it (links and tests use this).
const params = new URLSearchParams(window.location.search);
if (params.get("name")) choose(params.get("name"));
if (params.get("run")) runButton.click();
