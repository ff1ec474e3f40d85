// Admin import page: upload with XHR and show real progress of the upload, validation and insert phases
// from the server's NDJSON stream. Every text from the server is inserted with textContent.
(function () {
  "use strict";
  var form = document.getElementById("import-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) { return; }
  var box = document.getElementById("import-progress");
  var bar = document.getElementById("import-bar");
  var phase = document.getElementById("import-phase");
  var result = document.getElementById("import-result");
  var PHASES = { validate: "校验中", insert: "写入中", index: "提交并更新索引与匹配推荐…" };

  function setBar(label, done, total, cls) {
    var pct = total ? Math.round((done * 100) / total) : 0;
    phase.textContent = label + (total ? "（" + done + " / " + total + "）" : "");
    bar.style.width = pct + "%";
    bar.textContent = pct + "%";
    bar.className = "progress-bar" + (cls ? " " + cls : "");
    bar.parentNode.setAttribute("aria-valuenow", String(pct));
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function showReport(report) {
    result.textContent = "";
    if (report.errors.length === 0) {
      var msg = "已导入 " + report.created + " 条" + (report.published ? "，均已发布。" : "，进入待审核队列。");
      if (report.new_organizations.length) { msg += "新建已认证单位：" + report.new_organizations.join("、") + "。"; }
      result.appendChild(el("div", "alert alert-success", msg));
      setBar("完成", 1, 1, "bg-success");
      return;
    }
    result.appendChild(el("div", "alert alert-danger", report.errors.length + " 处错误，未导入任何数据（共 " +
      report.total + " 行）。请修改后重新上传。"));
    var table = el("table", "table table-sm table-striped");
    var head = el("tr");
    ["行号", "列", "原因"].forEach(function (h) { head.appendChild(el("th", null, h)); });
    table.appendChild(el("thead")).appendChild(head);
    var body = table.appendChild(el("tbody"));
    report.errors.forEach(function (e) {
      var tr = body.appendChild(el("tr"));
      [String(e.row), e.column, e.message].forEach(function (t) { tr.appendChild(el("td", null, t)); });
    });
    var wrap = el("div", "table-responsive");
    wrap.appendChild(table);
    result.appendChild(wrap);
    setBar("校验未通过", 1, 1, "bg-danger");
  }

  function showError(message) {
    result.textContent = "";
    result.appendChild(el("div", "alert alert-danger", message));
    setBar("失败", 1, 1, "bg-danger");
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var xhr = new XMLHttpRequest();
    var seen = 0;
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    box.classList.remove("d-none");
    result.textContent = "";
    setBar("上传中", 0, 0);
    xhr.open("POST", form.getAttribute("action") || window.location.pathname);
    xhr.setRequestHeader("Accept", "application/x-ndjson");
    xhr.upload.onprogress = function (e) { if (e.lengthComputable) { setBar("上传中", e.loaded, e.total); } };
    function consume() {
      var text = xhr.responseText;
      var end = text.lastIndexOf("\n");
      if (end < seen) { return; }
      text.slice(seen, end).split("\n").forEach(function (line) {
        if (!line.trim()) { return; }
        var msg = JSON.parse(line);
        if (msg.phase === "done") { showReport(msg.report); }
        else if (msg.phase === "failed") { showError(msg.message); }
        else if (msg.phase === "index") {
          setBar("", 1, 1, "progress-bar-striped progress-bar-animated");
          phase.textContent = PHASES.index;
        }
        else { setBar(PHASES[msg.phase] || msg.phase, msg.done, msg.total); }
      });
      seen = end + 1;
    }
    xhr.onprogress = function () { if (xhr.status === 200) { consume(); } };
    xhr.onload = function () {
      button.disabled = false;
      if (xhr.status === 200) { consume(); return; }
      var message = "导入失败（" + xhr.status + "）";
      try { message = JSON.parse(xhr.responseText).error.message; } catch (ignore) { /* not JSON */ }
      try {
        var fields = JSON.parse(xhr.responseText).error.fields || {};
        Object.keys(fields).forEach(function (k) { message += "；" + fields[k]; });
      } catch (ignore) { /* not JSON */ }
      showError(message);
    };
    xhr.onerror = function () { button.disabled = false; showError("网络错误，请重试"); };
    xhr.send(new FormData(form));
  });
}());
