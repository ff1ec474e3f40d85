// Shows the "existing organization" or the "new organization" fields, by the chosen org_mode.
(function () {
  function showOrgMode() {
    var mode = document.querySelector("input[name=org_mode]:checked");
    var isNew = mode && mode.value === "new";
    document.getElementById("org-existing").hidden = isNew;
    document.getElementById("org-new").hidden = !isNew;
  }
  document.querySelectorAll("input[name=org_mode]").forEach(function (r) { r.addEventListener("change", showOrgMode); });
  showOrgMode();
})();
