/* JSNA report series: sortable tables (click or Enter/Space on a column header). No dependencies. */
(function () {
  "use strict";
  function key(cell) {
    var raw = cell.getAttribute("data-sort");
    if (raw === null) { raw = cell.textContent.trim(); }
    var num = raw === "" ? NaN : Number(raw);
    return { empty: raw === "", num: num, text: raw.toLowerCase() };
  }
  function compare(a, b) {
    if (a.empty || b.empty) { return a.empty === b.empty ? 0 : (a.empty ? 1 : -1); }
    if (!isNaN(a.num) && !isNaN(b.num)) { return a.num - b.num; }
    return a.text < b.text ? -1 : (a.text > b.text ? 1 : 0);
  }
  function sortBy(table, th, col) {
    var asc = th.getAttribute("aria-sort") !== "ascending";
    var heads = table.tHead.rows[0].cells;
    for (var i = 0; i < heads.length; i++) { heads[i].removeAttribute("aria-sort"); }
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (r1, r2) {
      var c = compare(key(r1.cells[col]), key(r2.cells[col]));
      return asc ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  function init(table) {
    if (!table.tHead || !table.tBodies.length) { return; }
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      if (th.querySelector("button")) { return; }
      var btn = document.createElement("button");
      btn.type = "button";
      while (th.firstChild) { btn.appendChild(th.firstChild); }
      th.appendChild(btn);
      btn.addEventListener("click", function () { sortBy(table, th, col); });
    });
  }
  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), init);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
