// The keyboard (docs/board.md, "Keyboard"): / searches, j and k walk a list, o or Enter opens,
// ? shows the keys. A page names what its other keys do with data-key on an element (a list of
// keys): a field is focused (data-key-choose-<key> names a radio button to tick first), a
// button or link is clicked. Keys are ignored while typing in a field; Esc leaves it, Ctrl+Enter
// sends its form. Everything works without this script.
(function () {
  "use strict";
  var help = document.getElementById("keys-help");
  var helpButton = document.getElementById("keys-help-button");
  var current = -1;

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function items() { return Array.prototype.slice.call(document.querySelectorAll("[data-list] [data-item]")); }

  function move(step) {
    var list = items();
    if (list.length === 0) return;
    current = Math.max(0, Math.min(list.length - 1, current + step));
    list.forEach(function (item, index) { item.classList.toggle("key-current", index === current); });
    var link = list[current].querySelector("a");
    if (link) link.focus(); else list[current].scrollIntoView({ block: "nearest" });
  }

  function open() {
    var list = items();
    var item = list[current] || (document.activeElement && document.activeElement.closest("[data-item]"));
    var link = item && item.querySelector("a");
    if (link) window.location.href = link.href;
  }

  function act(key) {
    if (!/^[a-z\/]$/.test(key)) return false;
    var target = document.querySelector('[data-key~="' + key + '"]');
    if (!target) return false;
    var choose = target.getAttribute("data-key-choose-" + (key === "/" ? "search" : key));
    if (choose) {
      var radio = document.getElementById(choose);
      if (radio) radio.checked = true;
    }
    if (typing(target)) { target.focus(); target.scrollIntoView({ block: "center" }); } else { target.click(); }
    return true;
  }

  function showHelp() {
    if (help && typeof help.showModal === "function" && !help.open) help.showModal();
  }

  if (helpButton && help) {
    helpButton.hidden = false;
    helpButton.addEventListener("click", showHelp);
  }

  document.addEventListener("keydown", function (event) {
    if (typing(event.target)) {
      // Ctrl+Enter (⌘+Enter) sends the form one is writing in.
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.form) {
        event.preventDefault();
        if (event.target.form.requestSubmit) event.target.form.requestSubmit(); else event.target.form.submit();
      }
      if (event.key === "Escape") event.target.blur();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (help && help.open) return;
    var handled = true;
    switch (event.key) {
      case "/": handled = act("/"); break;
      case "j": move(1); break;
      case "k": move(-1); break;
      case "o": open(); break;
      case "Enter": handled = current >= 0 && !(document.activeElement && document.activeElement.tagName === "A"); if (handled) open(); break;
      case "?": showHelp(); break;
      default: handled = event.key.length === 1 && act(event.key);
    }
    if (handled) event.preventDefault();
  });
})();
