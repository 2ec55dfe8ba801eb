"""Analyses of rules and registers: change files, the input space and its gaps, the impact of a change,
and the same as pandas DataFrames (`frames`): `from socmethod.analysis import assess_frame`."""

__all__ = ["assess_frame", "compare_frame", "read_register"]


def __getattr__(name: str):
    # Lazy, so the command line's analyses do not pay for pandas unless they use frames.
    if name in __all__:
        from socmethod.analysis import frames
        return getattr(frames, name)
    raise AttributeError(f"module 'socmethod.analysis' has no attribute {name!r}")
