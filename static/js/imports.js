// Admin import job page: poll the job's JSON status URL (data-status-url) until it is finished, showing the
// phase and progress, then render the report. Every text from the server is inserted with textContent.
// Without JavaScript the page shows the status and a refresh link.
(function () {
  "use strict";
  var form = document.getElementById("import-form");
  if (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      button.textContent = "上传中…";
    });
  }
  var box = document.getElementById("import-job");
  if (!box || box.getAttribute("data-finished") === "true" || !window.fetch) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("import-bar");
  var phase = document.getElementById("import-phase");
  var result = document.getElementById("import-result");
  var refresh = document.getElementById("import-refresh");
  var delay = 500;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function showProgress(job) {
    var counts = job.total && !job.finished ? "（" + job.done + " / " + job.total + "）" : "";
    phase.textContent = job.status_label + "：" + job.phase_label + counts;
    bar.max = job.total || 1;
    bar.value = job.finished ? bar.max : job.done;
  }

  function showReport(job) {
    var report = job.report;
    result.textContent = "";
    if (refresh) { refresh.remove(); }
    if (job.status === "succeeded") {
      var msg = "已导入 " + report.created + " 条" + (report.published ? "，均已发布。" : "，进入待审核队列。");
      if (report.new_organizations.length) { msg += "新建已认证单位：" + report.new_organizations.join("、") + "。"; }
      result.appendChild(el("div", "alert alert-success", msg));
      return;
    }
    var errors = (report && report.errors) || [];
    result.appendChild(el("div", "alert alert-danger", job.message + (errors.length ? "请修改后重新上传。" : "")));
    if (!errors.length) { return; }
    var table = el("table", "table table-sm table-striped");
    table.id = "import-errors";
    var head = el("tr");
    ["行号", "列", "原因"].forEach(function (h) { head.appendChild(el("th", null, h)); });
    table.appendChild(el("thead")).appendChild(head);
    var body = table.appendChild(el("tbody"));
    errors.forEach(function (e) {
      var tr = body.appendChild(el("tr"));
      [String(e.row), e.column, e.message].forEach(function (t) { tr.appendChild(el("td", null, t)); });
    });
    var wrap = el("div", "table-responsive");
    wrap.appendChild(table);
    result.appendChild(wrap);
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        showProgress(data.job);
        if (data.job.finished) {
          box.setAttribute("data-finished", "true");
          showReport(data.job);
          return;
        }
        delay = Math.min(delay * 1.5, 3000);
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        phase.textContent = "暂时无法获取状态，稍后自动重试…";
        window.setTimeout(poll, 5000);
      });
  }
  window.setTimeout(poll, delay);
}());
