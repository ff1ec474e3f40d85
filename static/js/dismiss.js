// Dismissing a proposal (templates/_macros/matching.html). A row's [data-dismiss-dialog] link leads to the dismiss
// page (GET /matches/<id>/dismiss, the same form without JavaScript); here it opens the page's one
// <dialog id="dismiss-dialog"> instead, its form posting to the link's path and naming the row's titles. The note is
// required for 其他.
(function () {
  "use strict";
  var NOTE_REQUIRED_FOR = "其他";  // matching/feedback.py NOTE_REQUIRED_FOR; the server checks it too

  function syncNote(form) {
    var reason = form.querySelector("[data-dismiss-reason]");
    var note = form.querySelector("[data-dismiss-note]");
    if (reason && note) { note.required = reason.value === NOTE_REQUIRED_FOR; }
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-dismiss-reason]")) { syncNote(event.target.form); }
  });

  var dialog = document.getElementById("dismiss-dialog");
  if (!dialog || typeof dialog.showModal !== "function") { return; }  // the links then open the dismiss page
  var form = dialog.querySelector("form");
  var subject = dialog.querySelector("[data-dismiss-subject]");

  // The clicked row's titles ([data-proposal-title] within its [data-proposal]), as text.
  function showSubject(row) {
    var titles = row ? Array.prototype.map.call(row.querySelectorAll("[data-proposal-title]"),
      function (a) { return a.textContent.trim(); }) : [];
    subject.textContent = titles.join(" ↔ ");
    subject.hidden = titles.length === 0;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-dismiss-dialog]");
    if (!link) { return; }
    event.preventDefault();
    form.reset();
    syncNote(form);
    form.action = link.pathname;
    showSubject(link.closest("[data-proposal]"));
    dialog.showModal();
    form.querySelector("[data-dismiss-reason]").focus();
  });
  dialog.querySelector("[data-dismiss-cancel]").addEventListener("click", function () { dialog.close(); });
}());
