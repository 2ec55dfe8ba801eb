"""The training kit: the logic and the widget pages behind notebooks/training_*.ipynb.

Three layers, so that tests and notebooks drive the same code a click does:

* the model, pure functions that return data: the method (`method`: scale bands, table rows with their
  status for a profile), practice (`practice`: the items of a case, the reference, the comparison of a
  trainee's answer with it), the route of a case (`route`), sessions and their files (`sessions`) and the
  group's results (`results`);
* HTML from the templates under socmethod/render/templates/training/ (`words` gives every value its
  label from the rule data);
* widget pages, one module each (`method_page`, `practice_page`, `route_page`, `trainer_page`), that
  arrange ipywidgets around them for Jupyter and Voila (`controls` holds what they share).

The notebooks import this package (`from socmethod.apps import training`) and use the names below.
"""
from socmethod.apps.training.method import (
    band_of,
    bands_strip_html,
    decision_table_html,
    row_statuses,
    scales_overview_html,
    tables_overview_html,
)
from socmethod.apps.training.method_page import MethodExplorer
from socmethod.apps.training.practice import (
    NO_FORM,
    answer_problems,
    compare,
    deciding_rows_html,
    feedback_html,
    parse_ripso,
    practice_items,
    reference_html,
    reference_result,
)
from socmethod.apps.training.practice_page import PracticeView
from socmethod.apps.training.results import aggregate, download_link_html, group_report_html
from socmethod.apps.training.route import route, route_html, route_steps
from socmethod.apps.training.route_page import RouteView
from socmethod.apps.training.sessions import (
    CSV_COLUMNS,
    DEFAULT_PLAN,
    Session,
    SessionPlan,
    browser_key,
    claim_trainee,
    current_plan,
    current_session_id,
    free_session_id,
    list_sessions,
    load_plan,
    make_current,
    read_results,
    result_rows,
    results_dir,
    save_plan,
    session_status,
)
from socmethod.apps.training.trainer_page import TrainerView
from socmethod.apps.training.words import value_text

__all__ = [
    "CSV_COLUMNS", "DEFAULT_PLAN", "NO_FORM", "MethodExplorer", "PracticeView", "RouteView", "Session",
    "SessionPlan", "TrainerView", "aggregate", "answer_problems", "band_of", "bands_strip_html", "browser_key",
    "claim_trainee", "current_session_id", "free_session_id", "make_current", "session_status",
    "compare", "current_plan", "deciding_rows_html", "decision_table_html", "download_link_html", "feedback_html",
    "group_report_html", "list_sessions", "load_plan", "parse_ripso", "practice_items", "read_results",
    "reference_html", "reference_result", "result_rows", "results_dir", "route", "route_html", "route_steps",
    "row_statuses", "save_plan", "scales_overview_html", "tables_overview_html", "value_text",
]
