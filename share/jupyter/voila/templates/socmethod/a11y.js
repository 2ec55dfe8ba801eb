/* socmethod: tie each question of the calculator to its answers, for screen readers and the keyboard.
 *
 * ipywidgets draws a question's text (an HTML widget) and its answers (RadioButtons, Text, Dropdown) as
 * unrelated elements: a screen reader tabbing to an answer does not hear which question it answers, and
 * its radio buttons have no `name`, so each is a group of one. socmethod.apps.public.calculator wraps every question in
 * a box of class `sm-question` holding one `.sm-qtext` (the question), optionally `.sm-hint` and
 * `.sm-qerror` (the hint and the error message beside the field); this script, run by the page template
 * (Voila) and injected into the static edition (tools/build_site.py), links them with ARIA:
 *   - a box of checkboxes becomes role=group, labelled by the question and described by the hint;
 *   - a radio box becomes role=radiogroup with the same label, and its radios share a `name`, so Tab
 *     enters the group once and the arrow keys move between answers, as in any form;
 *   - a text field or list is labelled by the question and described by the hint and the error.
 * Widgets are drawn and redrawn at any time (the questions change with the answers), so a
 * MutationObserver re-applies this; every step is idempotent.
 */
(function () {
  var counter = 0;
  function id(el, prefix) {
    if (!el.id) { counter += 1; el.id = prefix + counter; }
    return el.id;
  }
  function link(box) {
    var text = box.querySelector('.sm-qtext');
    if (!text) { return; }
    var labelled = id(text, 'sm-q');
    var described = [];
    box.querySelectorAll('.sm-hint').forEach(function (h) { described.push(id(h, 'sm-h')); });
    var fields = box.querySelectorAll('input[type=text], input[type=number], textarea, select');
    var radios = box.querySelectorAll('.widget-radio-box');
    if (!fields.length && !radios.length) {
      // A set of checkboxes: the box is their group (for a single field or radio group the label goes on
      // the control itself, so the question is not read twice).
      box.setAttribute('role', 'group');
      box.setAttribute('aria-labelledby', labelled);
      if (described.length) { box.setAttribute('aria-describedby', described.join(' ')); }
    }
    var errors = [];
    box.querySelectorAll('.sm-qerror').forEach(function (e) { errors.push(id(e, 'sm-e')); });
    radios.forEach(function (group) {
      group.setAttribute('role', 'radiogroup');
      group.setAttribute('aria-labelledby', labelled);
      if (described.length) { group.setAttribute('aria-describedby', described.join(' ')); }
      group.querySelectorAll('input[type=radio]').forEach(function (r) {
        if (r.name !== labelled) { r.name = labelled; }
      });
    });
    fields.forEach(function (field) {
      field.setAttribute('aria-labelledby', labelled);
      // The same words again as aria-label: axe-core does not resolve the labelling text of a text field
      // ipywidgets draws (label-title-only); a screen reader reads the labelledby text first anyway.
      field.setAttribute('aria-label', text.textContent.trim());
      var by = described.concat(errors);
      if (by.length) { field.setAttribute('aria-describedby', by.join(' ')); }
      else { field.removeAttribute('aria-describedby'); }
    });
  }
  var pending = false;
  function linkAll() {
    pending = false;
    document.querySelectorAll('.sm-question').forEach(link);
  }
  function schedule() {
    if (!pending) { pending = true; window.requestAnimationFrame(linkAll); }
  }
  function start() {
    new MutationObserver(schedule).observe(document.body, {childList: true, subtree: true});
    schedule();
  }
  window.smLinkQuestions = linkAll;
  if (document.body) { start(); } else { document.addEventListener('DOMContentLoaded', start); }
})();
