// Progressive enhancement only: every page works without this file.
// The fact filters of a story page switch rows in place instead of reloading the page.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var nav = document.querySelector("nav.show");
  if (!nav) { return; }
  nav.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-show]");
    if (!link) { return; }
    event.preventDefault();
    var show = link.getAttribute("data-show");
    document.querySelectorAll("tr.fact-row").forEach(function (row) {
      row.hidden = !row.classList.contains("is-" + show);
    });
    nav.querySelectorAll("a[data-show]").forEach(function (a) {
      if (a === link) { a.setAttribute("aria-current", "true"); } else { a.removeAttribute("aria-current"); }
    });
    history.replaceState(null, "", "?show=" + encodeURIComponent(show) + "#facts");
  });
});
