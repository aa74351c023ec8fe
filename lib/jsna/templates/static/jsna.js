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

/* JSNA report series: contents list, data vintages under the title, descriptions open for print. */
(function () {
  "use strict";
  function slug(text, used) {
    var base = text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "section";
    var id = base, n = 2;
    while (used[id] || document.getElementById(id)) { id = base + "-" + n++; }
    used[id] = true;
    return id;
  }
  function contents() {
    var main = document.getElementById("main");
    if (!main || !document.body.classList.contains("jsna-report")) { return; }
    var h1 = main.querySelector("h1");
    var under = document.getElementById("jsna-under-title");
    if (h1 && under) { h1.parentNode.insertBefore(under, h1.nextSibling); under.hidden = false; }
    var heads = Array.prototype.filter.call(main.querySelectorAll("h2"), function (h) {
      return !h.closest(".jsna-summary, .jsna-contents, nav");
    });
    if (heads.length < 2 || !h1) { return; }
    var used = {};
    var nav = document.createElement("nav");
    nav.className = "jsna-contents";
    nav.setAttribute("aria-labelledby", "jsna-contents-h");
    var title = document.createElement("h2");
    title.id = "jsna-contents-h";
    title.textContent = "Contents";
    var ol = document.createElement("ol");
    heads.forEach(function (h) {
      var text = h.textContent.replace(/\u00b6/g, "").trim();
      if (!h.id) { h.id = slug(text, used); }
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "#" + h.id;
      a.textContent = text;
      li.appendChild(a);
      ol.appendChild(li);
    });
    nav.appendChild(title);
    nav.appendChild(ol);
    var anchor = under && under.parentNode === h1.parentNode ? under : h1;
    anchor.parentNode.insertBefore(nav, anchor.nextSibling);
  }
  var vintagesHome = null;
  function openAll() {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) {
      if (!d.open) { d.setAttribute("data-jsna-was-closed", ""); d.open = true; }
    });
    // on paper the findings come first: the data vintages move after the methods and sources
    var under = document.getElementById("jsna-under-title"), main = document.getElementById("main");
    if (under && main && !vintagesHome) {
      vintagesHome = {parent: under.parentNode, next: under.nextSibling};
      var related = main.querySelector(".jsna-related");
      main.insertBefore(under, related && related.parentNode === main ? related : null);
      under.classList.add("jsna-printed-last");
    }
  }
  function restore() {
    Array.prototype.forEach.call(document.querySelectorAll("details[data-jsna-was-closed]"), function (d) {
      d.open = false; d.removeAttribute("data-jsna-was-closed");
    });
    var under = document.getElementById("jsna-under-title");
    if (under && vintagesHome) {
      vintagesHome.parent.insertBefore(under, vintagesHome.next);
      under.classList.remove("jsna-printed-last");
      vintagesHome = null;
    }
  }
  window.jsnaOpenForPrint = openAll;
  window.addEventListener("beforeprint", openAll);
  window.addEventListener("afterprint", restore);
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", contents); }
  else { contents(); }
})();

/* JSNA report series: a long list's filter box shows only the rows holding the words typed (offline). */
(function () {
  "use strict";
  function apply(input) {
    var box = input.closest(".jsna-long-list");
    var table = box && box.querySelector("table");
    if (!table || !table.tBodies.length) { return; }
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var rows = table.tBodies[0].rows, shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var text = rows[i].textContent.toLowerCase();
      var hit = words.every(function (w) { return text.indexOf(w) !== -1; });
      rows[i].classList.toggle("jsna-filtered-out", !hit);
      if (hit) { shown++; }
    }
    var count = box.querySelector(".jsna-filter-count");
    if (count) { count.textContent = words.length ? shown + " of " + rows.length + " rows shown" : ""; }
  }
  document.addEventListener("input", function (e) {
    if (e.target.matches && e.target.matches("input[data-jsna-filter]")) { apply(e.target); }
  });
})();

/* JSNA report series: each chart can be saved as SVG and PNG, beside its CSV link (issue 25). The
   files are made in the browser from the chart on the page (no extra weight, works offline); a chart
   drawn as a picture (a map of many areas) is saved as PNG only. Without JavaScript the links are absent. */
(function () {
  "use strict";
  function save(href, name) {
    var a = document.createElement("a");
    a.href = href; a.download = name; document.body.appendChild(a); a.click(); a.remove();
  }
  function svgText(svg) {
    var copy = svg.cloneNode(true);
    var box = (copy.getAttribute("viewBox") || "").split(/\s+/);
    if (box.length === 4) { copy.setAttribute("width", box[2] + "pt"); copy.setAttribute("height", box[3] + "pt"); }
    copy.removeAttribute("style"); copy.removeAttribute("class");
    copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
    return '<?xml version="1.0" encoding="utf-8"?>\n' + new XMLSerializer().serializeToString(copy);
  }
  function savePng(svg, name) {
    var url = URL.createObjectURL(new Blob([svgText(svg)], { type: "image/svg+xml" }));
    var img = new Image();
    img.onload = function () {
      var scale = 2, canvas = document.createElement("canvas");
      canvas.width = img.width * scale; canvas.height = img.height * scale;
      var ctx = canvas.getContext("2d");
      ctx.fillStyle = "#ffffff"; ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
      URL.revokeObjectURL(url);
      canvas.toBlob(function (blob) { var u = URL.createObjectURL(blob); save(u, name); setTimeout(function () { URL.revokeObjectURL(u); }, 1000); }, "image/png");
    };
    img.src = url;
  }
  function link(text, label, onclick) {
    var a = document.createElement("a");
    a.href = "#"; a.textContent = text; a.setAttribute("aria-label", label);
    a.addEventListener("click", function (e) { e.preventDefault(); onclick(); });
    return a;
  }
  function add(fig) {
    var graphic = fig.querySelector(".jsna-chart");
    var p = fig.nextElementSibling;
    while (p && !(p.classList && p.classList.contains("jsna-data-link"))) {
      if (p.tagName === "FIGURE") { return; }
      p = p.nextElementSibling;
    }
    var csv = p && p.querySelector("a[data-jsna-csv]");
    if (!graphic || !csv) { return; }
    var base = csv.getAttribute("data-jsna-csv").replace(/\.csv$/, "");
    var span = document.createElement("span");
    span.className = "jsna-chart-downloads";
    span.appendChild(document.createTextNode(" Save the chart: "));
    if (graphic.tagName.toLowerCase() === "svg") {
      span.appendChild(link("SVG", "Save the chart as SVG", function () {
        var u = URL.createObjectURL(new Blob([svgText(graphic)], { type: "image/svg+xml" }));
        save(u, base + ".svg"); setTimeout(function () { URL.revokeObjectURL(u); }, 1000);
      }));
      span.appendChild(document.createTextNode(" "));
      span.appendChild(link("PNG", "Save the chart as PNG", function () { savePng(graphic, base + ".png"); }));
    } else {
      span.appendChild(link("PNG", "Save the chart as PNG", function () { save(graphic.getAttribute("src"), base + ".png"); }));
    }
    p.appendChild(span);
  }
  function init() { Array.prototype.forEach.call(document.querySelectorAll("figure.jsna-figure"), add); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
