// Lentera's one small optional script (served as quiz.js, the name it started with). Every
// page works without it. It does two things:
// 1. On the quiz page, every change is saved in the background, so a dropped connection
//    loses nothing.
// 2. A lesson's table wider than the screen scrolls inside its own box; the script makes
//    that box reachable and scrollable by keyboard (a focusable, named region). Lesson HTML
//    comes from the course renderer, which cannot add the attributes itself yet.
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
(function () {
  "use strict";
  var boxes = document.querySelectorAll("[data-table-label]");
  function mark() {
    for (var b = 0; b < boxes.length; b++) {
      var tables = boxes[b].querySelectorAll("table");
      for (var i = 0; i < tables.length; i++) {
        var t = tables[i];
        if (t.scrollWidth > t.clientWidth + 1) {
          var caption = t.querySelector("caption");
          t.setAttribute("tabindex", "0");
          t.setAttribute("role", "region");
          t.setAttribute("aria-label", caption ? caption.textContent : boxes[b].getAttribute("data-table-label") + " " + (i + 1));
        } else if (t.getAttribute("role") === "region") {
          t.removeAttribute("tabindex");
          t.removeAttribute("role");
          t.removeAttribute("aria-label");
        }
      }
    }
  }
  if (!boxes.length) { return; }
  mark();
  var later = null;
  window.addEventListener("resize", function () {
    if (later) { clearTimeout(later); }
    later = setTimeout(mark, 200);
  });
})();
