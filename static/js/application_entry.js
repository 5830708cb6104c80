/* The entry form: live resident ID check as you type, and adding members by keyboard. */
(function () {
  "use strict";
  var form = document.getElementById("entry-form");
  if (!form) return;
  var checkUrl = form.dataset.idCheckUrl;
  var members = document.getElementById("members");
  var template = document.getElementById("member-template");
  var total = form.querySelector("input[name='members-TOTAL_FORMS']");

  function sibling(input, field) {
    return form.querySelector("[name='" + input.name.replace(/id_number$/, field) + "']");
  }

  function show(input, text, kind) {
    var box = input.closest(".f").querySelector(".id-live");
    if (!box) return;
    box.textContent = text;
    box.className = "id-live " + (kind || "");
  }

  function check(input) {
    var value = input.value.trim();
    if (!value) { show(input, ""); return; }
    var asked = value;
    // POST: an ID number never travels in a URL (the web server's log keeps URLs)
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    var body = new URLSearchParams();
    body.append("id_number", value);
    fetch(checkUrl, { method: "POST", credentials: "same-origin", body: body,
      headers: { "Accept": "application/json", "X-CSRFToken": token ? token.value : "" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (input.value.trim() !== asked) return;  // the clerk typed on meanwhile
        if (!data.valid) { show(input, data.message, "bad"); return; }
        var sex = sibling(input, "sex"), birth = sibling(input, "birth_date");
        // fill what is blank, or what we filled before from an earlier number; never what the clerk typed
        [[sex, data.sex], [birth, data.birth_date]].forEach(function (pair) {
          var el = pair[0];
          if (el && (!el.value || el.dataset.auto)) { el.value = pair[1]; el.dataset.auto = "1"; }
        });
        if (data.duplicate) { show(input, data.duplicate.message, "bad dup"); return; }
        show(input, data.message + (data.upgraded ? " → " + data.number : ""), "ok");
      })
      .catch(function () { show(input, ""); });
  }

  // 户号: a household already registered at the station is found and its data filled in
  var lookupUrl = form.dataset.householdLookupUrl;
  var householdNumber = form.querySelector("[name='household-number']");
  function lookUpHousehold() {
    var number = householdNumber.value.trim();
    var station = form.querySelector("[name='household-station']");
    var box = form.querySelector(".household-live");
    if (!number || (station && !station.value)) { box.textContent = ""; return; }
    var url = lookupUrl + "?number=" + encodeURIComponent(number) + (station ? "&station=" + station.value : "");
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (!data.found) { box.textContent = ""; return; }
        Object.keys(data.household).forEach(function (field) {
          var input = form.querySelector("[name='household-" + field + "']");
          if (input && field !== "number" && (!input.value || input.tagName === "SELECT")) input.value = data.household[field];
        });
        box.textContent = data.message;
      })
      .catch(function () { box.textContent = ""; });
  }
  if (householdNumber) householdNumber.addEventListener("change", lookUpHousehold);
  var stationSelect = form.querySelector("[name='household-station']");
  if (stationSelect) stationSelect.addEventListener("change", lookUpHousehold);

  var timers = new WeakMap();
  form.addEventListener("input", function (e) {
    var input = e.target;
    if (!input.classList || !input.classList.contains("id-number")) return;
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(function () { check(input); }, 300));
  });
  form.addEventListener("change", function (e) {
    if (e.target.classList && e.target.classList.contains("id-number")) check(e.target);
    if (/-(sex|birth_date)$/.test(e.target.name || "")) delete e.target.dataset.auto;  // typed by the clerk
  });

  function renumber() {
    var cards = members.querySelectorAll("[data-member]");
    cards.forEach(function (card, i) {
      card.querySelectorAll("[name],[id],[for]").forEach(function (el) {
        ["name", "id", "for"].forEach(function (attr) {
          var v = el.getAttribute(attr);
          if (v) el.setAttribute(attr, v.replace(/members-(\d+|__prefix__)-/, "members-" + i + "-"));
        });
      });
      var no = card.querySelector(".member-no");
      if (no) no.textContent = i + 1;
    });
    total.value = cards.length;
  }

  function addMember() {
    var previous = members.querySelectorAll("[data-member]");
    var last = previous[previous.length - 1];
    var fragment = template.content.cloneNode(true);
    members.appendChild(fragment);
    renumber();
    var cards = members.querySelectorAll("[data-member]");
    var card = cards[cards.length - 1];
    if (last) {  // the same household usually moves to the same address, in the same category
      ["destination_address", "category"].forEach(function (field) {
        var from = last.querySelector("[name$='-" + field + "']"), to = card.querySelector("[name$='-" + field + "']");
        if (from && to) to.value = from.value;
      });
    }
    card.querySelector("[name$='-name']").focus();
  }

  document.getElementById("add-member").addEventListener("click", addMember);
  members.addEventListener("click", function (e) {
    if (e.target.classList.contains("remove-member")) {
      e.target.closest("[data-member]").remove();
      renumber();
    }
  });
  // Enter moves on to the next field (ID card readers end with Enter); Ctrl+Enter submits.
  function nextField(from) {
    var fields = Array.prototype.filter.call(
      form.querySelectorAll("input:not([type=hidden]), select, textarea, button"),
      function (el) { return !el.disabled && el.offsetParent !== null; });
    var i = fields.indexOf(from);
    return i >= 0 ? fields[i + 1] : null;
  }
  document.addEventListener("keydown", function (e) {
    if (e.altKey && (e.key === "n" || e.key === "N" || e.code === "KeyN")) { e.preventDefault(); addMember(); return; }
    if (e.key !== "Enter") return;
    if (e.ctrlKey || e.metaKey) { e.preventDefault(); form.requestSubmit(); return; }
    var t = e.target;
    if (form.contains(t) && (t.tagName === "SELECT" || (t.tagName === "INPUT" && t.type !== "submit"))) {
      e.preventDefault();
      var next = nextField(t);
      if (next) next.focus();
    }
  });
  // after a failed submit: the cursor goes to the first field to fix, and the numbers are checked again
  var firstError = form.querySelector(".has-error input, .has-error select");
  if (firstError) firstError.focus();
  form.querySelectorAll(".id-number").forEach(function (input) { if (input.value) check(input); });
})();
