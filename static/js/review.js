// Review pages: the flag dialog, folding the functional tree, and the source-page box.
(function () {
  // Flag a row or a whole table: fill the dialog's hidden fields and open it.
  const dialog = document.getElementById("flag-dialog");
  if (dialog) {
    document.addEventListener("click", (ev) => {
      const button = ev.target.closest(".flag-row");
      if (!button) return;
      document.getElementById("flag-table").value = button.dataset.table;
      document.getElementById("flag-row").value = button.dataset.row;
      document.getElementById("flag-label").textContent = button.dataset.label;
      document.getElementById("flag-label-input").value = button.dataset.label;
      dialog.showModal();
      document.getElementById("flag-note").focus();
    });
    document.getElementById("flag-cancel").addEventListener("click", () => dialog.close());
  }

  // Functional classification as a tree: a 类 or 款 row folds the rows whose code it prefixes.
  document.querySelectorAll(".tree table").forEach((table) => {
    const rows = Array.from(table.querySelectorAll("tbody tr[data-code]"));
    const hasChildren = (code) => rows.some((r) => r.dataset.code !== code && r.dataset.code.startsWith(code));
    rows.forEach((row) => {
      const code = row.dataset.code;
      if (!code || !hasChildren(code)) return;
      const cell = row.querySelector(".tree-name");
      const toggle = document.createElement("button");
      toggle.type = "button";
      toggle.className = "tree-toggle";
      toggle.textContent = "▾";
      toggle.setAttribute("aria-expanded", "true");
      cell.prepend(toggle);
      toggle.addEventListener("click", () => {
        const open = toggle.getAttribute("aria-expanded") !== "true";
        toggle.setAttribute("aria-expanded", String(open));
        toggle.textContent = open ? "▾" : "▸";
        rows.forEach((r) => {
          if (r !== row && r.dataset.code && r.dataset.code.startsWith(code)) r.hidden = !open;
        });
      });
    });
  });
  document.querySelectorAll(".tree-toggle-all").forEach((button) => {
    button.addEventListener("click", () => {
      const section = button.closest("section");
      section.querySelectorAll("tr[data-level='class'] .tree-toggle").forEach((t) => t.click());
    });
  });

  // Source page: the row's box, placed in percent of the page so it scales with the image.
  const box = document.getElementById("source-box");
  if (box) {
    ["left", "top", "width", "height"].forEach((k) => { box.style[k] = box.dataset[k] + "%"; });
    // Until the page image has loaded it has no height, and the box would sit at the top.
    const image = box.parentElement.querySelector("img");
    const show = () => box.scrollIntoView({ block: "center" });
    if (image && !image.complete) image.addEventListener("load", show, { once: true });
    else show();
  }

  // A link to a cell (#t12-r3) highlights that row for a moment.
  const target = window.location.hash && document.getElementById(window.location.hash.slice(1));
  if (target) target.classList.add("targeted");
})();
