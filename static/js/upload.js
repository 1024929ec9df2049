// Upload page: drag-and-drop highlight and a byte progress bar; the form still works without it.
(function () {
  const form = document.getElementById("upload-form");
  if (!form) return;
  const zone = form.querySelector(".dropzone");
  const input = form.querySelector("input[type=file]");
  const bar = document.getElementById("upload-progress");
  const status = document.getElementById("upload-status");
  ["dragenter", "dragover"].forEach((e) => zone.addEventListener(e, (ev) => { ev.preventDefault(); zone.classList.add("dragover"); }));
  ["dragleave", "drop"].forEach((e) => zone.addEventListener(e, () => zone.classList.remove("dragover")));
  zone.addEventListener("drop", (ev) => { ev.preventDefault(); input.files = ev.dataTransfer.files; showChosen(); });
  input.addEventListener("change", showChosen);
  function showChosen() { status.textContent = input.files.length ? "已选择 " + input.files.length + " 个文件" : ""; }
  form.addEventListener("submit", (ev) => {
    if (!input.files.length || !window.XMLHttpRequest) return;
    ev.preventDefault();
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.setRequestHeader("X-Upload-Progress", "1");
    bar.hidden = false;
    form.querySelector("button[type=submit]").disabled = true;
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) { bar.value = (100 * e.loaded) / e.total; status.textContent = "上传中… " + Math.round(bar.value) + "%"; } };
    xhr.onload = () => {
      if (xhr.status >= 400) {
        // Show the error page's own message (it is in Chinese) instead of leaving the page.
        const doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
        const message = doc.querySelector(".error-message");
        status.textContent = "上传失败：" + (message ? message.textContent : "HTTP " + xhr.status);
        status.classList.add("text-danger");
        bar.hidden = true;
        form.querySelector("button[type=submit]").disabled = false;
        return;
      }
      let target = window.location.href;
      try { target = JSON.parse(xhr.responseText).redirect || target; } catch (e) { /* an error page: reload */ }
      window.location = target;
    };
    xhr.onerror = () => { status.textContent = "上传失败：网络错误，请重试。"; form.querySelector("button[type=submit]").disabled = false; };
    xhr.send(new FormData(form));
  });
})();
