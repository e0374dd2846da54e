// Asks before destructive forms are sent: <form data-confirm="…">.
// Kept in a file because the content security policy allows no inline script.
document.addEventListener("submit", function (e) {
  var msg = e.target.getAttribute && e.target.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) {
    e.preventDefault();
  }
});

// On a form page, uploading or deleting evidence reloads the page: warn
// when something typed has not been saved yet.
(function () {
  var dirty = false;
  document.addEventListener("input", function (e) {
    if (e.target.form && e.target.form.id === "form-main") { dirty = true; }
  });
  document.addEventListener("submit", function (e) {
    var f = e.target;
    if (f.id === "form-main") { dirty = false; return; }
    if (dirty && f.classList && f.classList.contains("inline-upload") && !e.defaultPrevented &&
        !window.confirm("有未保存的填写内容，继续将丢失这些修改。请先点“保存草稿”。仍要继续？")) {
      e.preventDefault();
    }
  });
})();
