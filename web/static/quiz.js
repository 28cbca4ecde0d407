// Lentera's one small optional script, for the quiz attempt page only. Every page works
// without it. On the attempt form, every change is saved in the background, so a dropped
// connection loses nothing.
(function () {
  "use strict";
  var form = document.getElementById("attempt-form");
  if (!form || !window.fetch || !window.FormData) { return; }
  var timer = null;
  function save() {
    var data = new URLSearchParams(new FormData(form));
    data.set("action", "simpan");
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "x-lentera-autosave": "1" }
    }).catch(function () { /* offline: the next change or the submit button tries again */ });
  }
  form.addEventListener("change", function () {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(save, 400);
  });
})();
