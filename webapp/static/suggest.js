// Search-as-you-type: fills a <datalist> for the search box from /api/suggest. The form works without it.
(function () {
  "use strict";
  var input = document.getElementById("q");
  if (!input || !window.fetch) { return; }
  var list = document.createElement("datalist");
  list.id = "q-suggestions";
  input.setAttribute("list", list.id);
  input.parentNode.appendChild(list);
  var timer = null;
  var latest = 0;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value;
      var ticket = ++latest;
      if (q.trim().length < 2) { list.replaceChildren(); return; }
      fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(q))
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (items) {
          if (ticket !== latest) { return; }
          list.replaceChildren.apply(list, items.map(function (item) {
            var option = document.createElement("option");
            option.value = item.text;  // text, never HTML
            return option;
          }));
        })
        .catch(function () {});
    }, 150);
  });
})();
