// The query page of `icgp serve` (kg/publish/gallery.py): YASGUI on this server's endpoint, holding the
// saved query the page was asked for (its parameters bound by the server) and running it at once.
// The page's settings come from a JSON block, so no inline script is needed (the page's Content Security
// Policy allows scripts from this server only, and connections to it alone).
"use strict";

(function () {
  var settings = JSON.parse(document.getElementById("icgp-query-settings").textContent);
  var endpoint = window.location.origin + settings.endpoint;
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    // Nothing is kept in the browser: every visit shows the query of its own address.
    persistenceId: null,
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: endpoint }]; },
      keys: [],
      renderItem: function (item) { var el = document.createElement("span"); el.textContent = item.value.endpoint; return el; }
    },
    yasqe: {
      // The class and property completers ask a web service; the prefix completer uses its own list
      // (no prefixCcApi) and the variable completer the query itself.
      autocompleters: ["prefixes", "variables"],
      prefixCcApi: null
    }
  });
  var tab = yasgui.getTab();
  tab.setEndpoint(endpoint);
  if (settings.query) {
    tab.setQuery(settings.query);
  }
  // IRIs of the served studies lead to their entity pages on this server.
  tab.getYasr().on("drawn", function () {
    var links = document.querySelectorAll("#yasgui .yasr a[href]");
    for (var i = 0; i < links.length; i++) {
      var href = links[i].getAttribute("href");
      for (var prefix in settings.sites) {
        if (href.indexOf(prefix) === 0) {
          links[i].setAttribute("href", settings.sites[prefix] + href.substring(prefix.length));
          links[i].removeAttribute("target");
          break;
        }
      }
    }
  });
  if (settings.query && settings.run) {
    tab.query();
  }
})();
