// The light page's one script (no framework). The page works without it: the form is posted and the
// server answers with the next questions or the result (the buttons stay: hiding them once the script has
// run would shift the page under the reader's eyes). With it, the same form is posted to the API as
// answers change and the server's own fragments replace the urgent help, the questions (when the person's
// category changes) and the result, so both ways show what the same templates say; it shows and hides the
// questions an earlier answer leaves out (the server names them), and unticks the other answers of a
// question when one that stands alone («Не знаю») is ticked, and that one when another is. It also makes
// the summary's print button print.
(function () {
  "use strict";
  // GOV.UK's error summary: focused when the page comes, so a screen reader reads it first; its links (and
  // «Изменить» in the answers to check) bring the question's text into view with its answer focused, not
  // the answer alone at the top of the screen with its question scrolled away above it.
  var summary = document.getElementById("sm-error-summary");
  if (summary) {
    // After the page's own scroll to #sm-result, which takes focus back to the document.
    window.addEventListener("load", function () { summary.focus(); });
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href^='#']") : null;
    var input = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!input || !/^(INPUT|SELECT|TEXTAREA)$/.test(input.tagName)) return;
    var fieldset = input.closest("fieldset");
    var legend = fieldset && fieldset.querySelector("legend");
    var label = legend || document.querySelector("label[for='" + input.id + "']") || input;
    event.preventDefault();
    label.scrollIntoView();
    input.focus({ preventScroll: true });
  });
  var printButtons = document.querySelectorAll("[data-print]");
  for (var i = 0; i < printButtons.length; i++) {
    printButtons[i].hidden = false;
    printButtons[i].addEventListener("click", function () { window.print(); });
  }
  var form = document.getElementById("sm-form");
  if (!form || !window.fetch || !window.URLSearchParams || !window.FormData) return;
  var api = form.getAttribute("data-api");
  var status = document.getElementById("sm-status");
  var checked = form.querySelector("input[name=category]:checked");
  var category = checked ? checked.value : null;
  var lastStatus = null;
  var lastResult = null;
  var sent = 0;
  var timer = null;

  // A fragment is put in only when the server's text of it changed. Comparing with innerHTML would not
  // do: the browser's serialisation never equals the server's text, so every refresh rebuilt the result,
  // and the blur of a field as a button is tapped (its `change`) replaced that button under the finger.
  var put = {};
  function replace(id, html) {
    var el = document.getElementById(id);
    if (!el || put[id] === html) return;
    el.innerHTML = html;
    put[id] = html;
  }

  function showErrors(errors) {
    ["income", "members"].forEach(function (name) {
      var field = document.getElementById("f-" + name + "-field");
      var input = document.getElementById("f-" + name);
      var box = document.getElementById("f-" + name + "-error");
      if (!field || !input || !box) return;
      var message = errors[name] || "";
      box.querySelector(".sm-error-text").textContent = message;
      box.hidden = !message;
      field.classList.toggle("sm-field--error", !!message);
      if (message) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
    });
  }

  function refresh() {
    var mine = ++sent;
    var body = new URLSearchParams(new FormData(form));
    if (category) body.append("shown", category);    // those questions are on the page: not sent again
    fetch(api, { method: "POST", body: body, credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (data) {
        if (mine !== sent) return;          // a later answer is on its way
        replace("sm-urgent", data.fragments.urgent);
        if (data.fragments.questions !== null) replace("sm-questions", data.fragments.questions);
        category = data.category;
        var changed = data.fragments.result !== lastResult;
        lastResult = data.fragments.result;
        replace("sm-result-body", data.fragments.result);
        showErrors(data.errors);
        showAsked(data.hidden || []);
        // Say so whenever a complete result changes (cleared first, so the same words are read again).
        if (status && data.status === "complete" && (changed || lastStatus !== "complete")) {
          status.textContent = "";
          setTimeout(function () { status.textContent = status.getAttribute("data-updated"); }, 50);
        }
        lastStatus = data.status;
      })
      .catch(function () { /* the buttons still post the form: the page stays usable */ });
  }

  // A question an earlier answer leaves out: hidden at once when that answer changes (data-unless
  // "key=answer,answer …", from the same data as the server's decision), then as the server says.
  function leftOut(field) {
    return field.getAttribute("data-unless").split(" ").some(function (rule) {
      var parts = rule.split("=");
      var chosen = form.querySelector("input[name='" + parts[0] + "']:checked");
      return !!chosen && parts[1].split(",").indexOf(chosen.value) >= 0;
    });
  }

  function showAsked(hidden) {
    var conditional = form.querySelectorAll("[data-unless]");
    for (var i = 0; i < conditional.length; i++) {
      conditional[i].hidden = hidden ? hidden.indexOf(conditional[i].id) >= 0 : leftOut(conditional[i]);
    }
  }

  // A ticked answer that stands alone and the others of its question exclude each other (GOV.UK's
  // "exclusive" checkboxes).
  function untickOthers(box) {
    if (box.type !== "checkbox" || !box.checked) return;
    var alone = box.hasAttribute("data-exclusive");
    var same = form.querySelectorAll("input[type=checkbox]");
    for (var i = 0; i < same.length; i++) {
      var other = same[i];
      if (other !== box && other.name === box.name && other.checked && (alone || other.hasAttribute("data-exclusive"))) {
        other.checked = false;
      }
    }
  }

  form.addEventListener("change", function (event) {
    untickOthers(event.target);
    showAsked(null);
    clearTimeout(timer);
    refresh();
  });
  form.addEventListener("input", function (event) {
    if (event.target.type !== "text") return;
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });
})();
