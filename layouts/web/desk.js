// The front desk's few enhancements; every page works without them (search then submits ?q=).
(function () {
  "use strict";

  function normalise(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().split(/\s+/).filter(Boolean);
  }

  // Filter the library's tiles as you type: every word must appear in the title or text.
  var search = document.querySelector("input[data-filter]");
  if (search) {
    var list = document.querySelector(search.getAttribute("data-filter"));
    var tiles = Array.prototype.slice.call(list.children);
    var count = document.getElementById("count");
    var none = document.getElementById("none");
    var timer = null;
    var filter = function () {
      var words = normalise(search.value);
      var shown = 0;
      tiles.forEach(function (tile) {
        var text = tile.getAttribute("data-search");
        var match = words.every(function (w) { return text.indexOf(w) !== -1; });
        tile.hidden = !match;
        if (match) { shown += 1; }
      });
      none.hidden = shown > 0;
      clearTimeout(timer);  // announce once typing pauses, not at every key
      timer = setTimeout(function () {
        count.textContent = words.length ? shown + " of " + tiles.length + " handouts match" : tiles.length + " handouts";
      }, 300);
    };
    search.addEventListener("input", filter);
  }

  // Move-up and move-down buttons for the packet's order; the Order numbers follow.
  document.querySelectorAll("[data-order]").forEach(function (list) {
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    list.after(status);
    var renumber = function () {
      Array.prototype.forEach.call(list.children, function (row, i) {
        row.querySelector("input[type=number]").value = i + 1;
      });
    };
    Array.prototype.forEach.call(list.children, function (row) {
      var title = row.getAttribute("data-title");
      var buttons = document.createElement("span");
      buttons.className = "move";
      [["up", "Move up"], ["down", "Move down"]].forEach(function (pair) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "small";
        button.textContent = pair[1];
        button.setAttribute("aria-label", pair[1] + ": " + title);
        button.addEventListener("click", function () {
          var other = pair[0] === "up" ? row.previousElementSibling : row.nextElementSibling;
          if (!other) { return; }
          if (pair[0] === "up") { list.insertBefore(row, other); } else { list.insertBefore(other, row); }
          renumber();
          button.focus();
          var position = Array.prototype.indexOf.call(list.children, row) + 1;
          status.textContent = title + " is now number " + position + " of " + list.children.length + ".";
        });
        buttons.appendChild(button);
      });
      row.appendChild(buttons);
    });
  });

  // Print a handout straight from the library: load its PDF in a hidden frame and open the print dialog.
  document.querySelectorAll("a[data-print]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var old = document.getElementById("print-frame");
      if (old) { old.remove(); }
      var frame = document.createElement("iframe");
      frame.id = "print-frame";
      frame.className = "print-frame";
      frame.title = "Printing";
      frame.src = link.href;
      frame.addEventListener("load", function () {
        try { frame.contentWindow.focus(); frame.contentWindow.print(); }
        catch (e) { window.location.href = link.href; }
      });
      document.body.appendChild(frame);
    });
  });

  // After a refused form, put the keyboard on the message.
  var alert = document.getElementById("form-error");
  if (alert) { alert.focus(); }
}());
