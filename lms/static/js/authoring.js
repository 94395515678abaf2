// Authoring enhancements: live preview, a small formatting toolbar, inserting images at the
// cursor, and a warning before leaving the page with unsaved changes (an upload reloads it).
// Without this file the editor still works: "Xem trước" and "Lưu" do the same.
(function () {
  "use strict";
  var form = document.querySelector("form[data-preview-url]");
  var source = document.getElementById("body");
  if (!form || !source) { return; }
  var preview = document.querySelector("[data-preview] .lesson-body");
  var problem = document.querySelector("[data-preview-problem]");
  var token = form.querySelector("input[name=csrf_token]");
  var timer = null;
  var sent = 0;

  function refresh() {
    timer = null;
    var mine = ++sent;
    var body = new URLSearchParams();
    body.append("csrf_token", token ? token.value : "");
    body.append("body", source.value);
    fetch(form.getAttribute("data-preview-url"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (r) {
      if (!r.ok) { throw new Error(r.status); }
      return r.json();
    }).then(function (data) {
      if (mine !== sent) { return; }
      // The HTML comes from the server's renderer and sanitiser: the same as learners get.
      preview.innerHTML = data.html;
      if (problem) { problem.textContent = data.problem || ""; problem.hidden = !data.problem; }
    }).catch(function () {
      if (problem) { problem.textContent = "Chưa cập nhật được bản xem trước; bấm “Xem trước”."; problem.hidden = false; }
    });
  }
  function schedule() { if (timer) { clearTimeout(timer); } timer = setTimeout(refresh, 500); }
  source.addEventListener("input", schedule);

  // Leaving the page (an upload form, a link) would lose what was typed since the last save:
  // the browser asks first. Saving or previewing through the lesson's own form does not.
  function written() {
    return Array.prototype.map.call(form.querySelectorAll("input[type=text], input[type=number], textarea"),
      function (field) { return field.value; }).join("\u0000");
  }
  var saved = written();
  var leaving = false;
  form.addEventListener("submit", function () { leaving = true; });
  window.addEventListener("beforeunload", function (event) {
    if (leaving || written() === saved) { return; }
    event.preventDefault();
    event.returnValue = "";
  });
  form.setAttribute("data-ready", "");

  function insert(before, after, placeholder) {
    var start = source.selectionStart, end = source.selectionEnd;
    var picked = source.value.slice(start, end) || placeholder;
    source.setRangeText(before + picked + after, start, end, "end");
    source.focus();
    schedule();
  }
  var toolbar = document.querySelector("[data-toolbar]");
  if (toolbar) {
    toolbar.hidden = false;
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-md]");
      if (!button) { return; }
      var kind = button.getAttribute("data-md");
      if (kind === "bold") { insert("**", "**", "chữ đậm"); }
      else if (kind === "italic") { insert("*", "*", "chữ nghiêng"); }
      else if (kind === "heading") { insert("\n## ", "\n", "Tiêu đề"); }
      else if (kind === "list") { insert("\n- ", "\n", "mục"); }
      else if (kind === "link") { insert("[", "](https://)", "chữ của liên kết"); }
    });
  }
  document.querySelectorAll("button[data-insert]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      source.setRangeText(button.getAttribute("data-insert"), source.selectionStart, source.selectionEnd, "end");
      source.focus();
      schedule();
    });
  });
})();
