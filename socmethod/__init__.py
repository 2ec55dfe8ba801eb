"""socmethod: St Petersburg's social-service needs-assessment methodology (order 405-р) as rules-as-data.

    >>> import socmethod
    >>> socmethod.assess({...})          # one case -> recommendations, explained
"""
from .engine import assess, assess_or_error, evaluate_profile
from .errors import KitError
from .rules import bundled_ruleset, load_ruleset

__all__ = ["assess", "assess_or_error", "evaluate_profile", "KitError", "bundled_ruleset", "load_ruleset"]
__version__ = "0.1.0"
