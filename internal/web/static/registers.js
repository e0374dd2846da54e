// Imports a register list with a progress bar: the confirm form
// (form[data-progress]) is sent with fetch(), the server answers with
// NDJSON lines of progress as it reads the list, and the last line names
// the result page. Without this script the form posts as usual and the
// server answers with the result page when the import is done.
// Kept in a file because the content security policy allows no inline script.
document.addEventListener("submit", function (e) {
  var form = e.target;
  if (e.defaultPrevented || !form.getAttribute || !form.getAttribute("data-progress")) {
    return;
  }
  if (!window.fetch || !window.TextDecoder || !window.ReadableStream) {
    return;
  }
  e.preventDefault();
  var bar = document.getElementById(form.getAttribute("data-progress"));
  var status = document.getElementById("import-status");
  var label = document.getElementById("import-label");
  var button = form.querySelector("button");
  if (button) {
    button.disabled = true;
  }
  if (status) {
    status.hidden = false;
  }
  // Without the script's help the form still works: post it as it is.
  var fallback = function () {
    form.removeAttribute("data-progress");
    form.submit();
  };
  var show = function (m) {
    if (m.total > 0) {
      bar.max = m.total;
      bar.value = m.done;
    }
    label.textContent = (m.message ? m.message + "，" : "已读取 ") + m.rows + " 行" + (m.total > 0 ? "（" + Math.floor(m.done * 100 / m.total) + "%）" : "");
    if (m.url) {
      // Let the full bar be seen before the result page opens.
      window.setTimeout(function () { window.location.assign(m.url); }, 800);
    }
  };
  fetch(form.action, {
    method: "POST",
    body: new URLSearchParams(new FormData(form)),
    headers: { "Accept": "application/x-ndjson" },
    credentials: "same-origin"
  }).then(function (res) {
    var type = res.headers.get("Content-Type") || "";
    if (!res.ok || !res.body || type.indexOf("application/x-ndjson") !== 0) {
      fallback();
      return;
    }
    // The import runs on the server whatever happens to this answer: if
    // it breaks off, the upload's page shows how the import ended.
    fallback = function () {
      window.location.assign(form.action.replace(/\/import$/, ""));
    };
    var reader = res.body.getReader();
    var decoder = new TextDecoder();
    var buf = "";
    var pump = function () {
      return reader.read().then(function (r) {
        if (r.done) {
          return;
        }
        buf += decoder.decode(r.value, { stream: true });
        var lines = buf.split("\n");
        buf = lines.pop();
        lines.forEach(function (line) {
          if (line) {
            show(JSON.parse(line));
          }
        });
        return pump();
      });
    };
    return pump();
  }).catch(function () { fallback(); });
});
