// The reply box's reply texts (docs/board.md, "Canned replies"): "Insert" puts the chosen text,
// already filled in for the ticket, where the cursor is in the reply box instead of loading the
// page again. Without this script the page loads again with the text in the box.
(function () {
  "use strict";
  var form = document.getElementById("canned-form");
  var choice = document.getElementById("canned-choice");
  var box = document.getElementById("reply-body");
  if (!form || !choice || !box) return;
  form.addEventListener("submit", function (event) {
    var option = choice.options[choice.selectedIndex];
    if (!option) return;
    event.preventDefault();
    var text = option.getAttribute("data-text") || "";
    var start = box.selectionStart || 0;
    var end = box.selectionEnd || 0;
    box.value = box.value.slice(0, start) + text + box.value.slice(end);
    box.focus();
    box.selectionStart = box.selectionEnd = start + text.length;
  });
})();
