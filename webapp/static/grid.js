/* The journal grid (templates journal.html, lesson.html): marks and attendance from
   the keyboard, each cell saved at once through the JSON API.

   One <input> (the editor) lives in the active cell. Idle, it is transparent and the
   cell's text shows; typing into it (a digit, «н», «б», «оп», n, b, op) starts an
   edit. Enter moves down, Tab right (Shift: back), arrows move, Delete/Backspace
   erase the cell, F2 edits what is there, Esc cancels. Leaving an edited cell saves
   it: PUT /api/v1/journal/cells (a period mark: /api/v1/journal/period-marks) with
   the page's CSRF token. Saved: the journal's text and a tick. Refused: the typed
   value stays, marked unsaved, with core's message beside the cell. */
(function () {
  "use strict";
  var grid = document.getElementById("grid");
  if (!grid || !grid.tBodies.length) return;
  var body = grid.tBodies[0];
  var heads = grid.tHead.rows[0].cells;
  var cols = [];
  for (var i = 0; i < heads.length; i++) {
    if (heads[i].hasAttribute("data-lesson") || heads[i].getAttribute("data-kind") === "pm") {
      cols.push(i);
    }
  }
  if (!cols.length || !body.rows.length) return;
  var token = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRF-Token"];
  var lang = document.documentElement.lang || "ru";
  var editor = document.createElement("input");
  editor.className = "editor";
  editor.autocomplete = "off";
  editor.spellcheck = false;
  editor.setAttribute("autocapitalize", "off");
  var active = null;
  var editing = false;

  function cellAt(r, c) { return body.rows[r].cells[cols[c]]; }
  function writable(r, c) {
    return heads[cols[c]].classList.contains("w") && !cellAt(r, c).classList.contains("x");
  }
  function shown(td) {
    var node = td.firstChild;
    return node && node.nodeType === 3 ? node.nodeValue : "";
  }
  function show(td, text) {
    var node = td.firstChild;
    if (node && node.nodeType === 3) node.nodeValue = text;
    else td.insertBefore(document.createTextNode(text), node);
  }
  // What the cell will hold once its saves are done: the last text sent, else the page's.
  function intended(td) { return td.zvonokSent !== undefined ? td.zvonokSent : shown(td); }

  function activate(r, c) {
    if (editing) commit();
    if (active) cellAt(active.r, active.c).classList.remove("active");
    active = {r: r, c: c};
    var td = cellAt(r, c);
    td.classList.add("active");
    td.appendChild(editor);
    editor.value = "";
    editor.readOnly = !writable(r, c);
    editor.focus();
  }

  function startEdit(text) {
    editing = true;
    editor.value = text;
    cellAt(active.r, active.c).classList.add("editing");
  }

  function stopEdit() {
    editing = false;
    editor.value = "";
    if (active) cellAt(active.r, active.c).classList.remove("editing");
  }

  function commit() {
    if (!editing) return;
    var td = cellAt(active.r, active.c);
    var text = editor.value.replace(/\s+/g, " ").trim();
    stopEdit();
    if (text === intended(td) && !td.classList.contains("unsaved")) {
      show(td, text);
      clearError(td);
      td.classList.remove("unsaved");
      return;
    }
    save(td, text);
  }

  function save(td, text) {
    td.zvonokSent = text;
    show(td, text);
    td.classList.remove("saved", "unsaved");
    td.classList.add("saving");
    var student = +td.parentNode.getAttribute("data-student");
    var lesson = heads[td.cellIndex].getAttribute("data-lesson");
    var period = +grid.getAttribute("data-period") || null;
    var request = lesson
      ? ["/api/v1/journal/cells", {lesson_id: +lesson, student_id: student, text: text, period_id: period}]
      : ["/api/v1/journal/period-marks", {period_id: period, student_id: student,
          subject_id: +grid.getAttribute("data-subject"), value: text}];
    // One save of a pupil's row at a time, in the order typed: each answer's average
    // then counts every earlier save of the row (saves of two cells of one row sent
    // at once could answer out of order, and an older average would stay in view).
    var row = td.parentNode;
    row.zvonokChain = (row.zvonokChain || Promise.resolve())
      .then(function () { return send("PUT", request[0], request[1]); })
      .then(function (answer) { settle(td, text, answer); });
  }

  function send(method, url, payload) {
    var headers = {"Content-Type": "application/json", "X-CSRF-Token": token, "Accept-Language": lang};
    // A closed journal's correction: the administrator's reason goes with each save.
    var reason = document.getElementById("correction-reason");
    if (reason && reason.value.trim()) {
      headers["X-Correction-Reason"] = encodeURIComponent(reason.value.trim());
    }
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: headers,
      body: JSON.stringify(payload)
    }).then(function (response) {
      return response.json().then(
        function (data) { return {ok: response.ok, data: data}; },
        function () { return {ok: false, data: null}; });
    }, function () { return {ok: false, data: null}; });
  }

  function settle(td, typed, answer) {
    td.classList.remove("saving");
    if (answer.ok) {
      var text = "text" in answer.data ? answer.data.text : answer.data.value;
      if (td.zvonokSent === typed) {  // not typed over meanwhile
        td.zvonokSent = text;
        show(td, text);
      }
      clearError(td);
      td.classList.remove("unsaved");
      td.classList.add("saved");
      td.title = grid.getAttribute("data-saved") || "";
      if ("average" in answer.data) setAverage(td.parentNode, answer.data.average);
      return;
    }
    var error = answer.data && answer.data.error;
    td.classList.add("unsaved");
    showError(td, error ? error.message : grid.getAttribute("data-offline"));
  }

  function showError(td, message) {
    clearError(td);
    var note = document.createElement("span");
    note.className = "cell-error";
    note.setAttribute("role", "alert");
    note.textContent = message;
    td.appendChild(note);
    td.title = message;
  }

  function clearError(td) {
    var note = td.querySelector(".cell-error");
    if (note) td.removeChild(note);
    td.title = "";
  }

  function setAverage(row, value) {
    var cell = row.querySelector("td.avg");
    if (!cell) return;
    var text = value === null ? "" : value.toFixed(2);
    cell.textContent = lang === "ru" ? text.replace(".", ",") : text;
  }

  function target(key, shift) {
    var r = active.r, c = active.c;
    if (key === "Enter") r += shift ? -1 : 1;
    else if (key === "ArrowUp") r -= 1;
    else if (key === "ArrowDown") r += 1;
    else if (key === "ArrowLeft") c -= 1;
    else if (key === "ArrowRight") c += 1;
    else if (key === "Tab") {
      c += shift ? -1 : 1;
      if (c < 0 || c >= cols.length) {  // past the row's end: on to the next row
        r += shift ? -1 : 1;
        c = shift ? cols.length - 1 : 0;
      }
    }
    if (r < 0 || r >= body.rows.length || c < 0 || c >= cols.length) return null;
    return [r, c];
  }

  function atEdge(left) {
    var at = left ? 0 : editor.value.length;
    return editor.selectionStart === at && editor.selectionEnd === at;
  }

  var MOVES = {Enter: 1, Tab: 1, ArrowUp: 1, ArrowDown: 1, ArrowLeft: 1, ArrowRight: 1};

  editor.addEventListener("keydown", function (event) {
    var key = event.key;
    if (event.ctrlKey || event.metaKey || event.altKey || !active) return;
    if (MOVES[key]) {
      if (editing && key === "ArrowLeft" && !atEdge(true)) return;
      if (editing && key === "ArrowRight" && !atEdge(false)) return;
      var to = target(key, event.shiftKey);
      if (!to && key === "Tab") { commit(); return; }  // Tab leaves the grid
      event.preventDefault();
      if (to) activate(to[0], to[1]); else commit();
      return;
    }
    if (key === "Escape") { event.preventDefault(); stopEdit(); return; }
    if (editing) return;
    var td = cellAt(active.r, active.c);
    if ((key === "Delete" || key === "Backspace") && writable(active.r, active.c)) {
      event.preventDefault();
      if (intended(td) !== "" || td.classList.contains("unsaved")) save(td, "");
    } else if (key === "F2" && writable(active.r, active.c)) {
      event.preventDefault();
      startEdit(shown(td));
    }
  });

  editor.addEventListener("input", function () {
    if (!editing && editor.value !== "") startEdit(editor.value);
  });
  editor.addEventListener("blur", function () { commit(); });

  body.addEventListener("click", function (event) {
    if (event.target === editor) return;
    var td = event.target.closest("td");
    if (!td || td.parentNode.parentNode !== body) return;
    var c = cols.indexOf(td.cellIndex);
    if (c >= 0) activate(td.parentNode.sectionRowIndex, c);
  });

  // Reached with Tab: the grid takes the keyboard at its first cell (or the last used).
  grid.tabIndex = 0;
  grid.addEventListener("focus", function (event) {
    if (event.relatedTarget === editor) return;
    activate(active ? active.r : 0, active ? active.c : 0);
  });

  var picker = document.getElementById("wt-select");
  if (picker) {
    grid.tHead.addEventListener("click", function (event) {
      var button = event.target.closest("button.wt");
      if (!button) return;
      var th = button.parentNode;
      picker.value = button.getAttribute("data-wt");
      picker.hidden = false;
      th.appendChild(picker);
      picker.focus();
      picker.onchange = function () {
        var url = "/api/v1/lessons/" + th.getAttribute("data-lesson") + "/work-type";
        send("PUT", url, {work_type: picker.value}).then(function (answer) {
          if (answer.ok) { window.location.reload(); return; }
          var flash = document.getElementById("flash");
          var note = document.createElement("p");
          note.className = "error";
          note.setAttribute("role", "alert");
          note.textContent = answer.data && answer.data.error
            ? answer.data.error.message : grid.getAttribute("data-offline");
          flash.replaceChildren(note);
        });
      };
    });
    picker.addEventListener("blur", function () { picker.hidden = true; });
  }
})();
