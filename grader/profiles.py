"""Hypothesis settings profiles, chosen with ``--hypothesis-profile``.

- ``learner`` (the default): few examples, quick feedback while working.
- ``ci``: more examples, no example database, for the kit's own runs.
- ``grading``: derandomized, so a grade never depends on luck: the same
  submission sees the same examples every time. No shrinking: a grade needs
  to know that a check failed, not the smallest input that fails it.
"""

from __future__ import annotations

from hypothesis import HealthCheck, Phase, settings

DEFAULT_PROFILE = "learner"
_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large]

settings.register_profile("learner", max_examples=15, deadline=None, suppress_health_check=_QUIET)
settings.register_profile("ci", max_examples=60, deadline=None, database=None,
                          suppress_health_check=_QUIET, print_blob=True)
settings.register_profile("grading", max_examples=40, deadline=None, database=None,
                          derandomize=True, suppress_health_check=_QUIET,
                          phases=[Phase.explicit, Phase.reuse, Phase.generate])
