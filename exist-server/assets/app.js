// exist web UI: loads each enricher panel of a lookup page on its own, so a
// slow enricher never blocks the page; and sends the API docs page's "try"
// forms. The fragments are rendered and escaped by the server; API answers
// are shown with textContent. Nothing from a feed is ever turned into markup
// here.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  for (const panel of document.querySelectorAll("[data-panel]")) {
    if (!panel.querySelector(".loading")) continue;
    fetch(panel.dataset.panel, { credentials: "same-origin" })
      .then((r) => r.text().then((html) => ({ ok: r.ok, html })))
      .then(({ ok, html }) => {
        const doc = new DOMParser().parseFromString(html, "text/html");
        const main = doc.querySelector("main") || doc.body;
        panel.replaceChildren(...main.childNodes);
        panel.classList.add(ok ? "loaded" : "failed");
      })
      .catch((e) => {
        const p = document.createElement("p");
        p.className = "error";
        p.textContent = "could not load: " + e;
        panel.replaceChildren(p);
      });
  }
});

// The API docs page: each route's form sends one request with the token
// typed at the top of the page and shows the status and the JSON answer.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form.try");
  if (!form) return;
  event.preventDefault();
  let path = form.dataset.path;
  const query = new URLSearchParams();
  for (const input of form.querySelectorAll("input[data-name]")) {
    if (input.dataset.in === "path") {
      path = path.replace("{" + input.dataset.name + "}", encodeURIComponent(input.value));
    } else if (input.value !== "") {
      query.append(input.dataset.name, input.value);
    }
  }
  const url = path + (query.toString() ? "?" + query : "");
  const token = document.getElementById("api-token");
  const headers = token && token.value ? { Authorization: "Bearer " + token.value.trim() } : {};
  const out = form.querySelector(".answer");
  out.textContent = form.dataset.method + " " + url + " …";
  fetch(url, { method: form.dataset.method, headers, credentials: "omit" })
    .then((r) => r.text().then((body) => {
      let shown = body;
      try { shown = JSON.stringify(JSON.parse(body), null, 2); } catch (_) { /* not JSON */ }
      out.textContent = r.status + " " + r.statusText + "\n" + shown;
    }))
    .catch((e) => { out.textContent = "failed: " + e; });
});
