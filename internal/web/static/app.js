// Asks before destructive forms are sent: <form data-confirm="…">.
// Kept in a file because the content security policy allows no inline script.
document.addEventListener("submit", function (e) {
  var msg = e.target.getAttribute && e.target.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) {
    e.preventDefault();
  }
});
