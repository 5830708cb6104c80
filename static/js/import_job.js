// The import job page: polls the job's status while it runs, then reloads with the results.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.dataset.running !== "1") return;
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (s) {
      document.getElementById("job-state").textContent = s.state_label;
      var waiting = document.getElementById("job-waiting");
      if (waiting) { waiting.textContent = s.waiting; waiting.hidden = !s.waiting; }
      var total = document.getElementById("rows-total");
      if (total) { total.textContent = s.rows_total.toLocaleString(); }
      document.getElementById("rows-read").textContent = s.rows_read.toLocaleString();
      document.getElementById("rows-error").textContent = s.rows_error.toLocaleString();
      document.getElementById("rows-skipped").textContent = s.rows_skipped.toLocaleString();
      document.getElementById("rows-written").textContent = s.rows_written.toLocaleString();
      document.getElementById("job-message").textContent = s.message;
      var absent = document.getElementById("worker-absent");
      if (absent) { absent.hidden = !s.worker_absent; }
      var bar = document.getElementById("job-bar");
      bar.setAttribute("aria-valuenow", s.percent);
      bar.firstElementChild.style.width = s.percent + "%";
      if (s.running) { setTimeout(poll, 1000); } else { window.location.reload(); }
    }).catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
