// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // A province select fills its commune select without reloading the page.
  document.querySelectorAll("select[data-commune-target]").forEach(function (province) {
    var commune = document.getElementById(province.getAttribute("data-commune-target"));
    if (!commune) { return; }
    var msg = function (name, fallback) { return province.getAttribute("data-msg-" + name) || fallback; };
    province.addEventListener("change", function () {
      var code = province.value;
      commune.innerHTML = "";
      var placeholder = document.createElement("option");
      placeholder.value = "";
      placeholder.textContent = code ? msg("loading", "…") : msg("pick-province", "—");
      commune.appendChild(placeholder);
      if (!code) { return; }
      fetch("/dia-ban/" + encodeURIComponent(code) + "/xa.json", { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (items) {
          placeholder.textContent = msg("pick", "—");
          items.forEach(function (item) {
            var option = document.createElement("option");
            option.value = item.code;
            option.textContent = item.name;
            commune.appendChild(option);
          });
        })
        .catch(function () { placeholder.textContent = msg("failed", "!"); });
    });
  });
})();
// A commune select fills its village and unit selects (the commune's own lists).
(function () {
  "use strict";
  document.querySelectorAll("select[data-local-targets]").forEach(function (commune) {
    var targets = commune.getAttribute("data-local-targets").split(" ").map(function (id) {
      return document.getElementById(id);
    });
    if (targets.some(function (t) { return !t; })) { return; }
    var msg = function (name) { return commune.getAttribute("data-msg-" + name) || "—"; };
    var reset = function (text) {
      targets.forEach(function (select) {
        select.innerHTML = "";
        var option = document.createElement("option");
        option.value = "";
        option.textContent = text;
        select.appendChild(option);
      });
    };
    var load = function () {
      var code = commune.value;
      reset(code ? msg("loading") : msg("none"));
      if (!code) { return; }
      fetch("/thong-ke/dia-ban/" + encodeURIComponent(code) + ".json", { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (lists) {
          reset(msg("none"));
          [lists.villages, lists.units].forEach(function (items, index) {
            items.forEach(function (item) {
              var option = document.createElement("option");
              option.value = String(item.id);
              option.textContent = item.name;
              targets[index].appendChild(option);
            });
          });
        })
        .catch(function () { reset(msg("none")); });
    };
    commune.addEventListener("change", load);
    var province = document.querySelector('select[data-commune-target="' + commune.id + '"]');
    if (province) { province.addEventListener("change", function () { reset(msg("none")); }); }
  });
})();
