/* A counter under every field with a length limit (webapp/limits.py sets its data-*).
 * Counts as the server does (Unicode code points, a line break as one); over the
 * limit the counter says by how much and the form refuses to be sent, with that
 * message. Nothing is cut: the server refuses too (core/limits.py). No dependency. */
(function () {
  "use strict";
  var numbers = new Intl.NumberFormat(document.documentElement.lang || "ru");

  function length(text) {
    return Array.from(text.replace(/\r\n/g, "\n")).length;
  }

  function attach(field) {
    if (field.dataset.counted) return;
    field.dataset.counted = "yes";
    var note = document.createElement("small");
    note.className = "limit-counter";
    note.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", note);
    function update() {
      var count = length(field.value);
      var over = count - Number(field.dataset.limit);
      var text = field.dataset.counter.replace("{count}", numbers.format(count));
      if (over > 0) {
        text += " " + field.dataset.over.replace("{over}", numbers.format(over));
      }
      note.textContent = text;
      note.classList.toggle("over", over > 0);
      field.setCustomValidity(over > 0 ? text : "");
    }
    field.addEventListener("input", update);
    update();
  }

  function scan(root) {
    if (root.matches && root.matches("[data-limit]")) attach(root);
    root.querySelectorAll("[data-limit]").forEach(attach);
  }

  document.addEventListener("DOMContentLoaded", function () { scan(document); });
  document.addEventListener("htmx:load", function (event) { scan(event.detail.elt); });
})();
