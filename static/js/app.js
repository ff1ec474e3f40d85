// Behaviour shared by every page. The Content-Security-Policy forbids inline script and on*= handlers, so
// templates declare behaviour with data- attributes and this file binds it.
(function () {
  "use strict";
  // <form data-confirm="…"> or <button data-confirm="…">: ask before submitting; cancel keeps the page.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var message = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
}());
