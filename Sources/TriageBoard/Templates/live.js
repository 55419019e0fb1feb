// Live pages (docs/ARCHITECTURE.md, "Live pages"). A page that wants them says so on <body>:
// data-live="all" (any ticket's change matters) or data-live="<ticket id>", and data-live-url for
// where to read it again. Its live parts carry an id and data-live-part. On each change the script
// reads the page again and swaps in the parts that differ, leaving alone a part the person is
// typing in. Every signed-in page's header has the bell: a `bell` event reads its count again.
// Without this script the pages work the same and reload when asked.
(function () {
  "use strict";
  var body = document.body;
  var scope = body.getAttribute("data-live");
  var status = document.getElementById("live-status");
  var bell = document.getElementById("bell-count");
  var bellWords = document.getElementById("bell-words");
  if (!window.EventSource || !window.fetch || !window.DOMParser) return;
  if (!scope && !bell) return;
  var url = body.getAttribute("data-live-url") || window.location.pathname + window.location.search;
  var reading = false;
  var again = false;

  function say(text) { if (status) status.textContent = text; }

  // A part the person has touched (typed, ticked, chose) or is in keeps what they did.
  function touched(part) {
    if (part.contains(document.activeElement) && document.activeElement !== body) return true;
    var fields = part.querySelectorAll("input, textarea, select");
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      if (field.type === "hidden") continue;
      if (field.type === "checkbox" || field.type === "radio") {
        if (field.checked !== field.defaultChecked) return true;
      } else if (field.tagName === "SELECT") {
        for (var j = 0; j < field.options.length; j++) {
          if (field.options[j].selected !== field.options[j].defaultSelected) return true;
        }
      } else if (field.value !== field.defaultValue) {
        return true;
      }
    }
    return false;
  }

  function swap(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    var parts = document.querySelectorAll("[data-live-part]");
    for (var i = 0; i < parts.length; i++) {
      var part = parts[i];
      var next = fresh.getElementById(part.id);
      if (!next || next.innerHTML === part.innerHTML || touched(part)) continue;
      part.innerHTML = next.innerHTML;
    }
  }

  function read() {
    if (reading) { again = true; return; }
    reading = true;
    fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      // A session that ended sends the page to the login form: go there too.
      if (response.redirected && new URL(response.url).pathname === "/board/login") {
        window.location.assign(response.url);
        return null;
      }
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (html) {
        swap(html);
        var clock = document.querySelector("#clock time");
        say("Live: updated" + (clock ? " " + clock.textContent : ""));
      }
    }).catch(function () {
      say("Live: could not read the page again; it will try at the next change");
    }).then(function () {
      reading = false;
      if (again) { again = false; read(); }
    });
  }

  function ring() {
    if (!bell) return;
    // A session that ended answers with a redirect to the sign-in form: not followed, so the
    // form's cookie in this browser stays the one its page holds.
    fetch("/board/notifications/unread", { credentials: "same-origin", cache: "no-store", redirect: "manual" }).then(function (response) {
      return response.ok && response.type !== "opaqueredirect" ? response.json() : null;
    }).then(function (data) {
      if (!data) return;
      bell.textContent = String(data.unread);
      bell.hidden = data.unread === 0;
      if (bellWords) bellWords.textContent = data.unread === 0 ? "" : " unread";
    }).catch(function () {});
  }

  var source = new EventSource("/board/live");
  source.addEventListener("bell", ring);
  source.addEventListener("open", function () {
    body.setAttribute("data-live-open", "");
    say("Live: on");
  });
  source.addEventListener("error", function () { say("Live: reconnecting…"); });
  source.addEventListener("ended", function () {
    source.close();
    window.location.reload();
  });
  source.addEventListener("change", function (event) {
    if (!scope) return;
    var tickets = JSON.parse(event.data).tickets;
    if (scope !== "all" && tickets !== null && tickets.indexOf(Number(scope)) < 0) return;
    read();
  });
})();
