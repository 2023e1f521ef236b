(function () {
  "use strict";
  var list = document.getElementById("finding-list");
  var form = document.getElementById("filters");
  if (list && form) {
    var findings = Array.prototype.slice.call(list.querySelectorAll(".finding"));
    var search = document.getElementById("finding-search");
    var shown = document.getElementById("visible-count");
    var none = document.getElementById("no-match");
    var checked = function (name) {
      var values = {};
      form.querySelectorAll('input[name="' + name + '"]').forEach(function (box) {
        values[box.value] = box.checked;
      });
      return values;
    };
    var apply = function () {
      var categories = checked("category");
      var severities = checked("severity");
      var query = search.value.trim().toLowerCase();
      var count = 0;
      findings.forEach(function (el) {
        var visible = categories[el.dataset.category] !== false &&
          severities[el.dataset.severity] !== false &&
          (!query || el.dataset.search.indexOf(query) !== -1);
        el.hidden = !visible;
        if (visible) { count += 1; }
      });
      shown.textContent = String(count);
      none.hidden = count > 0;
    };
    form.addEventListener("change", apply);
    search.addEventListener("input", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
    document.querySelectorAll(".tile").forEach(function (tile) {
      tile.addEventListener("click", function () {
        var path = tile.getAttribute("data-path");
        if (!path) { return; }
        search.value = path.toLowerCase();
        apply();
      });
    });
    apply();
  }

  var fallbackCopy = function (text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (ignored) { ok = false; }
    document.body.removeChild(area);
    return ok;
  };
  var selectText = function (node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  };
  document.querySelectorAll("button.copy").forEach(function (button) {
    button.addEventListener("click", function () {
      var code = document.getElementById(button.getAttribute("data-copy"));
      var text = code.textContent;
      var done = function (state, label) {
        button.setAttribute("data-state", state);
        button.textContent = label;
        window.setTimeout(function () { button.textContent = "Copy"; }, 2000);
      };
      var fallback = function () {
        if (fallbackCopy(text)) { done("copied", "Copied"); }
        else { selectText(code); done("selected", "Press Ctrl+C"); }
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () { done("copied", "Copied"); }, fallback);
      } else {
        fallback();
      }
    });
  });
}());
