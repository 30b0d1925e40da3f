// Offline search over the book: the index (assets/search-index.js) is a script, not a
// fetched file, so it works from file://. Results are built with textContent only, so
// nothing in the index is ever interpreted as HTML. Without JavaScript the box stays hidden.
(function () {
  "use strict";
  var entries = window.UNROLLED_SEARCH;
  var box = document.querySelector(".search");
  var input = document.getElementById("search");
  var list = document.getElementById("search-results");
  if (!entries || !box || !input || !list) return;
  box.hidden = false;

  function terms(text) {
    return text.toLowerCase().split(/\s+/).filter(function (t) { return t.length > 0; });
  }

  function score(entry, words) {
    var title = (entry.section + " " + entry.chapter).toLowerCase();
    var text = entry.text.toLowerCase();
    var total = 0;
    for (var i = 0; i < words.length; i++) {
      var inTitle = title.indexOf(words[i]) >= 0;
      var inText = text.indexOf(words[i]) >= 0;
      if (!inTitle && !inText) return 0;
      total += (inTitle ? 5 : 0) + (inText ? 1 : 0);
    }
    return total;
  }

  function snippet(text, word) {
    var at = text.toLowerCase().indexOf(word);
    if (at < 0) return text.slice(0, 140);
    var start = Math.max(0, at - 50);
    return (start > 0 ? "…" : "") + text.slice(start, start + 150) + "…";
  }

  function show() {
    var words = terms(input.value);
    list.textContent = "";
    if (words.length === 0) return;
    var found = entries
      .map(function (entry) { return { entry: entry, score: score(entry, words) }; })
      .filter(function (r) { return r.score > 0; })
      .sort(function (a, b) { return b.score - a.score; })
      .slice(0, 12);
    if (found.length === 0) {
      var none = document.createElement("li");
      none.textContent = "No section mentions “" + input.value + "”.";
      none.style.padding = ".5rem .75rem";
      list.appendChild(none);
      return;
    }
    found.forEach(function (r) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = r.entry.url;
      var where = document.createElement("span");
      where.className = "where";
      where.textContent = r.entry.chapter;
      var title = document.createElement("strong");
      title.textContent = r.entry.section;
      var text = document.createElement("span");
      text.className = "snippet";
      text.textContent = snippet(r.entry.text, words[0]);
      link.appendChild(where);
      link.appendChild(title);
      link.appendChild(text);
      item.appendChild(link);
      list.appendChild(item);
    });
  }

  input.addEventListener("input", show);
  input.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { input.value = ""; show(); }
  });
  document.addEventListener("click", function (event) {
    if (!box.contains(event.target)) list.textContent = "";
  });
})();
