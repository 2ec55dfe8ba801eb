"""socmethod: St Petersburg's social-service needs-assessment methodology (order 405-р) as rules-as-data.

    >>> import socmethod
    >>> socmethod.assess({...})          # one case -> recommendations, explained

The package is layered; each layer imports only those before it (tests/test_architecture.py checks):
    core        errors, data files, schema checks, the rule set, scales, case format, engine, vectorised engine
    procedure   deadlines, documents, urgent services, cost, contraindications
    io          case files, registers, batch output, the training case bank
    analysis    change files, the input space and its gaps, the impact of a change
    render      the Jinja2 templates and what fills them (printable forms, reports, summaries)
    apps        the calculator, training and workbench pages (ipywidgets)
    cli         the `socmethod` command (nothing imports it)
    serving     the Voila servers, the classroom
"""
from socmethod.core.engine import assess, assess_or_error, evaluate_profile
from socmethod.core.errors import KitError
from socmethod.core.ruleset import bundled_ruleset, load_ruleset

__all__ = ["assess", "assess_or_error", "evaluate_profile", "KitError", "bundled_ruleset", "load_ruleset"]
__version__ = "0.1.0"
