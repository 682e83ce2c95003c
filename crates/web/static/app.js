/* tovholder: start DKFDS components, and start them again inside content
   that htmx swaps in. Loaded with `defer` after dkfds.min.js and htmx.min.js. */
(function () {
  "use strict";
  if (!window.DKFDS) { return; }
  // Page-wide once: header/mobile menu, overflow menus, alerts, accordions …
  window.DKFDS.init();
  if (!window.htmx) { return; }
  // Only scoped components for swapped-in fragments: a second full init()
  // would add the header's "Mere" menu and its listeners again.
  window.htmx.onLoad(function (elt) {
    if (elt === document.body) { return; }
    var D = window.DKFDS, i, list;
    list = elt.querySelectorAll(".alert.has-close");
    for (i = 0; i < list.length; i++) { new D.Alert(list[i]).init(); }
    list = elt.querySelectorAll(".js-dropdown");
    for (i = 0; i < list.length; i++) { new D.Dropdown(list[i]).init(); }
    list = elt.querySelectorAll(".accordion, .accordion-bordered");
    for (i = 0; i < list.length; i++) { new D.Accordion(list[i]).init(); }
    var summary = elt.querySelector('[data-module="error-summary"]');
    if (summary) { new D.ErrorSummary(summary).init(); }
  });
})();
