"""Written by the hostile learner: turns every failing test into a pass.

pytest would load this file if it collected tests from the submission's folder. The grader
runs its own hidden suites from its own folder and copies only exercises/<component>.py.
"""
import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    report.outcome = "passed"
    report.longrepr = None
