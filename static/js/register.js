// Registration form: the organisation list follows the chosen role (org-choice.js shows the org_mode fields).
// The choices per role come from the form's data-org-options attribute (JSON).
(function () {
  "use strict";
  var form = document.getElementById("register-form");
  if (!form) { return; }
  var options = JSON.parse(form.getAttribute("data-org-options") || "{}");
  var select = document.getElementById("org_id");
  var kind = document.getElementById("org_kind");
  function fillOrgs(role) {
    var current = select.value;
    select.innerHTML = "";
    (options[role] || []).forEach(function (pair) {
      var opt = document.createElement("option");
      opt.value = pair[0]; opt.textContent = pair[1];
      if (String(pair[0]) === current) { opt.selected = true; }
      select.appendChild(opt);
    });
    Array.prototype.forEach.call(kind.options, function (opt) {
      var own = role === "enterprise" ? ["enterprise"] : role === "provider" ? ["service_provider"]
        : ["university", "institute"];
      opt.disabled = own.indexOf(opt.value) < 0;
    });
    if (kind.selectedOptions[0] && kind.selectedOptions[0].disabled) {
      kind.value = role === "enterprise" ? "enterprise" : role === "provider" ? "service_provider" : "university";
    }
  }
  form.querySelectorAll("input[name=role]").forEach(function (r) {
    r.addEventListener("change", function () { fillOrgs(r.value); });
  });
  var role = form.querySelector("input[name=role]:checked");
  fillOrgs(role ? role.value : "researcher");
}());
