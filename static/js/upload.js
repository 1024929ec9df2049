// Upload page: drag-and-drop highlight, a byte progress bar, and a warning before the page is
// left while files are still being sent (a reload there cancelled the upload without a word);
// the form still works without the script. On the upload and documents pages every "已上传"
// message follows its document's row in the list, which htmx polls while anything is pending.
(function () {
  // The message's colour for a row's status; anything else (queued, parsing, OCR) is "info".
  const ALERT_FOR = { parsed: "alert-success", failed: "alert-danger", needs_details: "alert-warning", needs_ocr: "alert-warning" };
  const ALERTS = ["alert-success", "alert-info", "alert-warning", "alert-danger"];

  function syncMessages() {
    document.querySelectorAll(".upload-outcome[data-document]").forEach((outcome) => {
      const row = document.getElementById("document-" + outcome.dataset.document);
      if (!row) return;
      // The file's name is the message's text up to "：已上传" (kept once the text changes).
      if (outcome.dataset.filename === undefined) {
        const text = outcome.textContent;
        outcome.dataset.filename = text.slice(0, text.lastIndexOf("：已上传"));
      }
      const error = row.dataset.error ? "：" + row.dataset.error.replace(/[。.]\s*$/, "") : "";
      outcome.textContent = outcome.dataset.filename + "：已上传，" + row.dataset.statusLabel + error + "。";
      outcome.dataset.status = row.dataset.status;
      const alert = outcome.closest(".alert");
      if (alert) {
        alert.classList.remove(...ALERTS);
        alert.classList.add(ALERT_FOR[row.dataset.status] || "alert-info");
      }
    });
  }
  syncMessages();
  // htmx replaces the list on every poll; the messages are brought level with the new rows.
  document.addEventListener("htmx:afterSettle", syncMessages);

  const form = document.getElementById("upload-form");
  if (!form) return;
  const zone = form.querySelector(".dropzone");
  const input = form.querySelector("input[type=file]");
  const bar = document.getElementById("upload-progress");
  const status = document.getElementById("upload-status");
  const button = form.querySelector("button[type=submit]");
  let uploading = false;
  window.addEventListener("beforeunload", (ev) => {
    if (!uploading) return;
    ev.preventDefault();
    ev.returnValue = ""; // the browser shows its own "leave this page?" question
  });
  ["dragenter", "dragover"].forEach((e) => zone.addEventListener(e, (ev) => { ev.preventDefault(); zone.classList.add("dragover"); }));
  ["dragleave", "drop"].forEach((e) => zone.addEventListener(e, () => zone.classList.remove("dragover")));
  zone.addEventListener("drop", (ev) => { ev.preventDefault(); input.files = ev.dataTransfer.files; showChosen(); });
  input.addEventListener("change", showChosen);
  function showChosen() { status.textContent = input.files.length ? "已选择 " + input.files.length + " 个文件" : ""; }
  function failed(text) {
    uploading = false;
    status.textContent = text;
    status.classList.add("text-danger");
    bar.hidden = true;
    button.disabled = false;
  }
  form.addEventListener("submit", (ev) => {
    if (!input.files.length || !window.XMLHttpRequest) return;
    ev.preventDefault();
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.setRequestHeader("X-Upload-Progress", "1");
    bar.hidden = false;
    status.classList.remove("text-danger");
    button.disabled = true;
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) { bar.value = (100 * e.loaded) / e.total; status.textContent = "上传中… " + Math.round(bar.value) + "%（请勿离开本页）"; } };
    xhr.onload = () => {
      if (xhr.status >= 400) {
        // Show the error page's own message (it is in Chinese) instead of leaving the page.
        const doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
        const message = doc.querySelector(".error-message");
        failed("上传失败：" + (message ? message.textContent : "HTTP " + xhr.status));
        return;
      }
      uploading = false;
      let target = window.location.href;
      try { target = JSON.parse(xhr.responseText).redirect || target; } catch (e) { /* an error page: reload */ }
      window.location = target;
    };
    xhr.onerror = () => failed("上传失败：网络错误，请重试。");
    xhr.onabort = () => failed("上传已取消。");
    uploading = true;
    xhr.send(new FormData(form));
  });
})();
