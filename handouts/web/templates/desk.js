// The front desk: search as you type, choose or tick handouts, preview, print or download and record.
"use strict";
(function () {
  const $ = (selector) => document.querySelector(selector);
  const rows = Array.from(document.querySelectorAll("tr.entry"));
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const state = { topics: [] };

  function words(text) {
    return text.toLowerCase().split(/[^a-z0-9\u00c0-\u024f]+/).filter(Boolean);
  }

  function filter() {
    const wanted = words($("#search").value);
    const reader = $("#filter-reader").value;
    const lang = $("#filter-lang").value;
    let shown = 0;
    for (const row of rows) {
      const haystack = row.dataset.words;
      const ok = row.dataset.lang === lang
        && (!reader || row.dataset.audiences.split(" ").includes(reader))
        && wanted.every((w) => haystack.includes(w));
      row.hidden = !ok;
      if (ok) shown += 1;
    }
    $("#found").textContent = shown === 1 ? "1 handout" : `${shown} handouts`;
  }

  function rowsFor(topics) {
    const lang = $("#filter-lang").value;
    return topics.map((id) => rows.find((r) => r.dataset.id === id && r.dataset.lang === lang)).filter(Boolean);
  }

  function served() {
    const set = new Set();
    for (const row of rowsFor(state.topics)) row.dataset.audiences.split(" ").forEach((a) => set.add(a));
    return set;
  }

  function audience() {
    const checked = document.querySelector('input[name="audience"]:checked');
    return checked ? checked.value : "";
  }

  function params() {
    const query = new URLSearchParams();
    state.topics.forEach((t) => query.append("topic", t));
    query.set("audience", audience());
    query.set("lang", $("#filter-lang").value);
    query.set("page_size", $("#page-size").value);
    if ($("#large-print").checked) query.set("large_print", "1");
    return query;
  }

  function show() {
    const chosen = rowsFor(state.topics);
    rows.forEach((r) => r.classList.toggle("selected", chosen.includes(r)));
    const form = $("#give-form");
    if (!chosen.length) {
      $("#chosen-title").textContent = "Nothing chosen yet";
      form.hidden = true;
      $("#preview").hidden = true;
      return;
    }
    $("#chosen-title").textContent = chosen.length === 1
      ? chosen[0].dataset.title
      : `Packet of ${chosen.length}: ${chosen.map((r) => r.dataset.title).join(", ")}`;
    $("#chosen-help").hidden = true;
    form.hidden = false;
    const readers = served();
    const preferred = $("#filter-reader").value;
    for (const radio of document.querySelectorAll('input[name="audience"]')) {
      radio.disabled = !readers.has(radio.value);
      if (radio.disabled) radio.checked = false;
    }
    if (!audience()) {
      const pick = readers.has(preferred) ? preferred : Array.from(readers)[0];
      const radio = document.querySelector(`input[name="audience"][value="${pick}"]`);
      if (radio) radio.checked = true;
    }
    const single = chosen.length === 1;
    const online = $("#online");
    online.hidden = !single;
    if (single) online.href = `/${$("#filter-lang").value}/${audience()}/${state.topics[0]}`;
    preview();
  }

  function preview() {
    const frame = $("#preview");
    frame.hidden = false;
    frame.src = `/preview?${params()}`;
    $("#message").textContent = "";
  }

  async function give(action) {
    const message = $("#message");
    message.className = "";
    message.textContent = "Recording…";
    const body = {
      topics: state.topics, audience: audience(), lang: $("#filter-lang").value,
      page_size: $("#page-size").value, large_print: $("#large-print").checked,
      count: Number($("#count").value || 1),
    };
    let answer;
    try {
      const response = await fetch("/api/give", {
        method: "POST", credentials: "same-origin",
        headers: { "content-type": "application/json", "x-csrf-token": csrf },
        body: JSON.stringify(body),
      });
      answer = await response.json();
      if (!response.ok) throw new Error(answer.error || response.statusText);
    } catch (error) {
      message.className = "error";
      message.textContent = `Not printed and not recorded: ${error.message}`;
      return;
    }
    message.textContent = answer.message;
    if (action === "print") {
      printPdf(answer.pdf);
    } else {
      const link = document.createElement("a");
      link.href = answer.download;
      link.download = answer.file;
      document.body.appendChild(link);
      link.click();
      link.remove();
    }
  }

  // Load the PDF into a hidden frame and open the browser's print dialog for it.
  function printPdf(url) {
    const frame = $("#print-frame");
    frame.onload = () => {
      try {
        frame.contentWindow.focus();
        frame.contentWindow.print();
      } catch (error) {
        window.open(url, "_blank", "noopener");
      }
    };
    frame.src = url;
  }

  function choose(id, keepTicks) {
    state.topics = [id];
    if (!keepTicks) document.querySelectorAll("input.tick").forEach((t) => { t.checked = false; });
    show();
  }

  for (const row of rows) {
    row.querySelector("button.choose").addEventListener("click", () => choose(row.dataset.id));
    row.querySelector("input.tick").addEventListener("change", (event) => {
      const id = row.dataset.id;
      state.topics = state.topics.filter((t) => t !== id);
      if (event.target.checked) state.topics.push(id);
      const ticked = rowsFor(state.topics).filter((r) => r.querySelector("input.tick").checked);
      state.topics = ticked.map((r) => r.dataset.id);
      show();
    });
  }
  const preset = $("#preset");
  if (preset) {
    preset.addEventListener("change", () => {
      const topics = preset.value.split(" ").filter(Boolean);
      const lang = $("#filter-lang").value;
      for (const row of rows) {
        row.querySelector("input.tick").checked = row.dataset.lang === lang && topics.includes(row.dataset.id);
      }
      state.topics = topics.filter((t) => rowsFor([t]).length);
      show();
    });
  }
  $("#search").addEventListener("input", filter);
  $("#filter-reader").addEventListener("change", filter);
  $("#filter-lang").addEventListener("change", () => { state.topics = []; filter(); show(); });
  for (const input of document.querySelectorAll('#give-form input[name="audience"], #large-print, #page-size')) {
    input.addEventListener("change", show);
  }
  $("#print").addEventListener("click", () => give("print"));
  $("#download").addEventListener("click", () => give("download"));
  filter();

  // The editor's live preview: with --watch, a saved file shows in the open preview within a second.
  if (document.body.dataset.watch === "on") {
    let digest = document.body.dataset.digest;
    setInterval(async () => {
      try {
        const response = await fetch("/api/changes", { cache: "no-store", credentials: "same-origin" });
        const now = (await response.json()).digest;
        if (now !== digest) {
          digest = now;
          if (state.topics.length) preview();
        }
      } catch (error) { /* the desk is restarting; try again */ }
    }, 300);
  }
}());
