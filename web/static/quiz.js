// Lentera's one small optional script, for the quiz attempt page only. Every page works
// without it. On the attempt form, every change is saved in the background, so a dropped
// connection loses nothing; once a save is taken, the count of answered questions on the
// page (in the navigator and above the questions) is brought up to date, as the server
// would count it after that save.
(function () {
  "use strict";
  var form = document.getElementById("attempt-form");
  if (!form || !window.fetch || !window.FormData) { return; }
  var timer = null;

  // Whether a question of the page is answered, as the server counts a saved answer: a
  // choice, a text, a number, a pair; an ordering is saved (so answered) with the page.
  function answered(fieldset) {
    var kind = fieldset.getAttribute("data-kind");
    if (kind === "ordering") { return true; }
    if (fieldset.querySelector("input[type=radio]:checked, input[type=checkbox]:checked")) { return true; }
    var fields = fieldset.querySelectorAll("input[type=text], textarea, select");
    for (var i = 0; i < fields.length; i++) {
      if (fields[i].value.trim() !== "") { return true; }
    }
    return false;
  }

  function recount() {
    var here = document.getElementById("answered-here");
    var all = document.getElementById("answered-count");
    var questions = form.querySelectorAll("fieldset.question");
    var n = 0;
    for (var i = 0; i < questions.length; i++) {
      if (answered(questions[i])) { n++; }
    }
    if (here) { here.textContent = "(" + n + "/" + here.getAttribute("data-total") + ")"; }
    if (all) { all.textContent = String(Number(all.getAttribute("data-elsewhere")) + n); }
  }

  function save() {
    var data = new URLSearchParams(new FormData(form));
    data.set("action", "simpan");
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "x-lentera-autosave": "1" }
    }).then(function (res) {
      // 204: everything on the page was taken. A refused answer (422) is shown when the
      // form is sent; the counts stay as they were until then.
      if (res.status === 204) { recount(); }
    }).catch(function () { /* offline: the next change or the submit button tries again */ });
  }

  form.addEventListener("change", function () {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(save, 400);
  });
})();
