// The dashboard's batch panel: follows the desk's event stream (/events/batch, Server-Sent
// Events) and writes what each event says into the panel. The server sends the numbers and
// times already written in the user's language; the words are in the page (from the catalogs):
// this file only shows or hides them.
(function () {
  "use strict";
  var panel = document.getElementById("batch");
  if (!panel || !window.EventSource) { return; }
  function set(name, text) {
    var el = panel.querySelector('[data-field="' + name + '"]');
    if (el) { el.textContent = text; }
  }
  var source = new EventSource(panel.getAttribute("data-stream"));
  source.addEventListener("batch", function (event) {
    var batch = JSON.parse(event.data);
    panel.querySelector(".batch-running").hidden = !batch.running;
    panel.querySelector(".batch-idle").hidden = batch.running;
    ["read", "expected", "pending", "cardsPerMinute", "lastLabel", "lastTime"].forEach(function (name) {
      set(name, batch[name]);
    });
    panel.querySelector('[data-field="lastLabel"]').setAttribute("href", batch.lastLink);
    var bar = panel.querySelector("progress");
    bar.max = batch.barMaximum;
    bar.value = batch.barValue;
  });
})();
