// Review pages: the flag dialog, folding the functional tree, the source-page boxes and the
// findings panel's selection and keys.
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

  // Source page: the row's box and every finding's cells, placed in percent of the page so
  // they scale with the image.
  document.querySelectorAll(".source-box").forEach((b) => {
    ["left", "top", "width", "height"].forEach((k) => { b.style[k] = b.dataset[k] + "%"; });
  });
  const box = document.getElementById("source-box") || document.querySelector(".finding-box.current");
  if (box) {
    // Until the page image has loaded it has no height, and the box would sit at the top.
    const image = box.parentElement.querySelector("img");
    const show = () => box.scrollIntoView({ block: "center" });
    if (image && !image.complete) image.addEventListener("load", show, { once: true });
    else show();
  }

  // Findings panel: select items for a bulk decision, move with j/k, decide with r/d.
  const panelItems = () => Array.from(document.querySelectorAll("#findings-panel .finding-item"));
  const selectedCount = () => {
    const count = document.getElementById("selected-count");
    if (count) count.textContent = document.querySelectorAll(".finding-select:checked").length;
  };
  document.addEventListener("change", (ev) => {
    if (ev.target.id === "select-all") {
      document.querySelectorAll(".finding-select").forEach((c) => { c.checked = ev.target.checked; });
    }
    if (ev.target.id === "select-all" || ev.target.classList.contains("finding-select")) selectedCount();
  });
  // Dismissing in bulk needs the one reason; ask before sending rather than after.
  document.addEventListener("htmx:confirm", (ev) => {
    const form = ev.target;
    if (form.id !== "bulk-form") return;
    const dismiss = ev.detail.elt === form && ev.detail.triggeringEvent && ev.detail.triggeringEvent.submitter;
    if (dismiss && dismiss.value === "dismissed" && !form.querySelector("#bulk-reason").value.trim()) {
      const reason = window.prompt("驳回理由（必填）：");
      if (!reason || !reason.trim()) { ev.preventDefault(); return; }
      form.querySelector("#bulk-reason").value = reason;
    }
  });
  let current = null;
  const select = (item) => {
    if (!item) return;
    if (current) current.classList.remove("current");
    current = item;
    item.classList.add("current");
    item.focus({ preventScroll: true });
    item.scrollIntoView({ block: "nearest" });
  };
  document.addEventListener("keydown", (ev) => {
    if (!document.getElementById("findings-panel")) return;
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.target.closest("input, textarea, select, dialog")) return;
    const items = panelItems();
    const index = current && document.body.contains(current) ? items.indexOf(current) : -1;
    const key = ev.key.toLowerCase();
    if (key === "j") select(items[Math.min(index + 1, items.length - 1)] || items[0]);
    else if (key === "k") select(items[Math.max(index - 1, 0)]);
    else if (index >= 0 && (key === "r" || key === "d")) {
      const item = items[index];
      const button = item.querySelector(`button[value=${key === "r" ? "resolved" : "dismissed"}]`);
      if (!button) return;
      if (key === "d") {
        const input = item.querySelector("input[name=reason]");
        const reason = input.value.trim() || window.prompt("驳回理由（必填）：");
        if (!reason || !reason.trim()) return;
        input.value = reason;
      }
      button.click();
    } else if (index >= 0 && key === "x") {
      const box = items[index].querySelector(".finding-select");
      if (box) { box.checked = !box.checked; selectedCount(); }
    } else return;
    ev.preventDefault();
  });
  // A decision made in place: the sign-off's open-error count and the tab's badge follow it.
  document.addEventListener("findings-changed", (ev) => {
    const override = document.getElementById("override-reason");
    if (override) override.placeholder = override.placeholder.replace(/\d+/, ev.detail.open_errors);
    const badge = document.querySelector('a[data-tab="findings"] .badge');
    if (badge) { badge.textContent = ev.detail.open; badge.hidden = !ev.detail.open; }
  });
  // After an item is swapped in place, keep it current so j/k go on from there.
  document.addEventListener("htmx:afterSwap", (ev) => {
    const item = ev.detail.target && ev.detail.target.id ? document.getElementById(ev.detail.target.id) : null;
    if (item && item.classList.contains("finding-item")) select(item);
    if (ev.detail.target && ev.detail.target.id === "findings-panel") selectedCount();
  });

  // Back to a finding the panel's filter hides (decided, say): show every status, then it.
  const wanted = /^#finding-\d+$/.test(window.location.hash) && window.location.hash.slice(1);
  if (wanted && document.getElementById("findings-panel") && !document.getElementById(wanted)) {
    const url = new URL(window.location.href);
    if (url.searchParams.get("status") !== "all") {
      url.searchParams.set("status", "all");
      window.location.replace(url.toString());
    }
  }

  // A link to a cell (#t12-r3) highlights that row for a moment.
  const target = window.location.hash && document.getElementById(window.location.hash.slice(1));
  if (target) target.classList.add("targeted");
})();
