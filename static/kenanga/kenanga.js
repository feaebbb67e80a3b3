/* Kenanga: small behaviours switched on by data attributes. Every page works without them. */
(function () {
  "use strict";

  /* A running count of the criteria ticked on the visit form. */
  document.querySelectorAll("[data-met-counter]").forEach(function (counter) {
    var form = counter.closest("form");
    var out = counter.querySelector("[data-count]");
    function update() {
      out.textContent = form.querySelectorAll('input[name="met"]:checked').length;
    }
    form.addEventListener("change", function (event) {
      if (event.target.name === "met") update();
    });
    update();
  });

  /* Kecamatan then desa: choosing a kecamatan narrows the desa list to its villages. Without
     JavaScript both lists are complete and the server checks that they agree. */
  document.querySelectorAll("select[data-district-for]").forEach(function (district) {
    var village = document.getElementById(district.getAttribute("data-district-for"));
    if (!village) return;
    var all = Array.prototype.map.call(village.options, function (o) {
      return { value: o.value, text: o.text, district: o.getAttribute("data-district") };
    });
    function narrow() {
      var chosen = district.value;
      var keep = village.value;
      var ts = village.tomselect;
      if (ts) { ts.clear(true); ts.clearOptions(); }
      village.innerHTML = "";
      all.forEach(function (o) {
        if (!o.value || !chosen || o.district === chosen) {
          var option = new Option(o.text, o.value, false, o.value === keep);
          option.setAttribute("data-district", o.district || "");
          village.add(option);
          if (ts && o.value) ts.addOption({ value: o.value, text: o.text });
        }
      });
      if (ts) { ts.refreshOptions(false); if (keep && village.querySelector('option[value="' + keep + '"]')) ts.setValue(keep, true); }
    }
    district.addEventListener("change", narrow);
    if (district.value) narrow();
  });
  /* Searchable selects (Tom Select, served by us). A select with data-search-url loads its
     options from that address as the user types; others search their own options. */
  if (window.TomSelect) {
    document.querySelectorAll("select[data-searchable]").forEach(function (select) {
      var url = select.getAttribute("data-search-url");
      var options = {
        maxOptions: 50,
        allowEmptyOption: true,
        render: {
          no_results: function () {
            return '<div class="no-results">' + (select.getAttribute("data-no-results") || "—") + "</div>";
          },
        },
      };
      if (url) {
        options.valueField = "id";
        options.labelField = "text";
        options.searchField = ["text"];
        options.shouldLoad = function (query) { return query.length >= 2; };
        options.load = function (query, callback) {
          fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(query), {
            headers: { "X-Requested-With": "fetch" },
            credentials: "same-origin",
          })
            .then(function (response) { return response.json(); })
            .then(function (data) { callback(data.results); })
            .catch(function () { callback(); });
        };
      }
      new window.TomSelect(select, options);
    });
  }

})();
