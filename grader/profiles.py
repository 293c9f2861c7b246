"""Hypothesis settings profiles, chosen with ``--hypothesis-profile``.

- ``learner`` (the default): few examples, quick feedback while working.
- ``ci``: more examples, no example database, for the kit's own runs.
- ``grading``: derandomized, so a grade never depends on luck: the same
  submission sees the same examples every time. No shrinking: a grade needs
  to know that a check failed, not the smallest input that fails it.

Hypothesis costs about 0.6 s to import and the public suites never use it, so
nothing here imports it at module level. ``setup_hypothesis`` is registered as
a ``hypothesis`` entry point: hypothesis calls it when something first imports
hypothesis, before any ``@given`` captures its settings. It registers the
profiles and loads the one the plugin chose through ``PROFILE_ENV``.
"""

from __future__ import annotations

import os

DEFAULT_PROFILE = "learner"
PROFILE_ENV = "FROMSCRATCH_HYPOTHESIS_PROFILE"


def setup_hypothesis() -> None:
    """Register the kit's profiles and load the chosen one (``PROFILE_ENV``, if set)."""
    from hypothesis import HealthCheck, Phase, settings

    quiet = [HealthCheck.too_slow, HealthCheck.data_too_large]
    # derandomize is always explicit: hypothesis's own defaults turn derandomized when it sees
    # a CI environment variable, and then --seed would silently stop mattering.
    settings.register_profile("learner", max_examples=15, deadline=None, derandomize=False,
                              suppress_health_check=quiet)
    settings.register_profile("ci", max_examples=60, deadline=None, database=None, derandomize=False,
                              suppress_health_check=quiet, print_blob=True)
    settings.register_profile("grading", max_examples=40, deadline=None, database=None,
                              derandomize=True, suppress_health_check=quiet,
                              phases=[Phase.explicit, Phase.reuse, Phase.generate])
    if chosen := os.environ.get(PROFILE_ENV):
        settings.load_profile(chosen)
