// exist web UI: loads each enricher panel of a lookup page on its own, so a
// slow enricher never blocks the page. The fragments are rendered and escaped
// by the server; nothing from a feed is ever turned into markup here.
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
