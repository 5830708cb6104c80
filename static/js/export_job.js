// The background export page: polls the job's status while it runs, then reloads with the download.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.dataset.running !== "1") return;
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (s) {
      document.getElementById("job-state").textContent = s.state_label;
      document.getElementById("rows-total").textContent = s.rows_total.toLocaleString();
      document.getElementById("rows-written").textContent = s.rows_written.toLocaleString();
      document.getElementById("job-message").textContent = s.message;
      var bar = document.getElementById("job-bar");
      bar.setAttribute("aria-valuenow", s.percent);
      bar.firstElementChild.style.width = s.percent + "%";
      if (s.running) { setTimeout(poll, 2000); } else { window.location.reload(); }
    }).catch(function () { setTimeout(poll, 4000); });
  }
  setTimeout(poll, 2000);
})();
