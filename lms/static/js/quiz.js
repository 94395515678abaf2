// Quiz page enhancements: autosave, keeping answers through a lost connection, a countdown.
// Without this file the "Lưu câu trả lời" and "Nộp bài" buttons do the same work.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form) { return; }
  var statusEl = document.querySelector("[data-save-status]");
  var banner = document.querySelector("[data-offline-banner]");
  var storeKey = "attempt-" + form.getAttribute("data-attempt");
  var timer = null;
  function msg(name) { return form.getAttribute("data-msg-" + name) || ""; }
  var locale = form.getAttribute("data-locale") === "en" ? "en-GB" : "vi-VN";
  var pending = false;

  function entries() {
    var data = [];
    new FormData(form).forEach(function (value, key) { data.push([key, value]); });
    return data;
  }
  function remember() {
    try { localStorage.setItem(storeKey, JSON.stringify(entries())); } catch (e) { /* storage full or off */ }
  }
  function forget() { try { localStorage.removeItem(storeKey); } catch (e) { /* ignore */ } }
  function show(text) { if (statusEl) { statusEl.textContent = text; } }
  function offline(on) { if (banner) { banner.hidden = !on; } }

  function send() {
    timer = null;
    var body = new URLSearchParams();
    entries().forEach(function (pair) { body.append(pair[0], pair[1]); });
    pending = true;
    show(msg("saving"));
    return fetch(form.action, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      pending = false;
      offline(false);
      if (response.status === 409) {
        forget();
        show(msg("closed"));
        return;
      }
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json().then(function (data) {
        forget();
        var when = data.saved_at ? new Date(data.saved_at) : new Date();
        show(msg("saved") + " " + when.toLocaleTimeString(locale));
      });
    }).catch(function () {
      pending = false;
      remember();
      offline(true);
      show(msg("kept"));
    });
  }
  function schedule() {
    remember();
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(send, 700);
  }

  // Answers kept from a lost connection (or a closed tab) are put back and sent again.
  try {
    var kept = JSON.parse(localStorage.getItem(storeKey) || "null");
    if (kept) {
      var byName = {};
      kept.forEach(function (pair) { (byName[pair[0]] = byName[pair[0]] || []).push(pair[1]); });
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || el.name === "csrf_token" || el.name === "present" || !(el.name in byName)) { return; }
        var values = byName[el.name];
        if (el.type === "radio" || el.type === "checkbox") { el.checked = values.indexOf(el.value) !== -1; }
        else { el.value = values[0]; }
      });
      send();
    }
  } catch (e) { /* nothing kept */ }

  form.addEventListener("change", schedule);
  form.addEventListener("input", function (event) {
    if (event.target.type === "text") { schedule(); }
  });
  window.addEventListener("online", function () { if (!pending) { send(); } });
  window.addEventListener("offline", function () { offline(true); });
  setInterval(function () {
    if (banner && !banner.hidden && !pending) { send(); }
  }, 10000);
  form.addEventListener("submit", function (event) {
    if (!navigator.onLine) {
      event.preventDefault();
      remember();
      offline(true);
      show(msg("offline-submit"));
    } else {
      forget();
    }
  });
  // Marks the page as enhanced: autosave and offline keeping are now listening.
  form.setAttribute("data-ready", "");

  // A countdown to the deadline kept by the server.
  var deadlineEl = document.getElementById("deadline");
  if (deadlineEl) {
    var deadline = new Date(deadlineEl.getAttribute("data-deadline")).getTime();
    var box = deadlineEl.querySelector(".countdown");
    var out = deadlineEl.querySelector("[data-countdown]");
    box.hidden = false;
    var tick = function () {
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      var m = Math.floor(left / 60), s = left % 60;
      out.textContent = m + " " + msg("minutes") + " " + (s < 10 ? "0" : "") + s + " " + msg("seconds");
      if (left === 60 || left === 10) { box.setAttribute("aria-live", "assertive"); }
      if (left === 0) {
        clearInterval(handle);
        show(msg("time-up"));
        var submitButton = form.querySelector("[data-submit]");
        if (submitButton) { form.action = submitButton.getAttribute("formaction"); form.submit(); }
      }
    };
    var handle = setInterval(tick, 1000);
    tick();
  }
})();
