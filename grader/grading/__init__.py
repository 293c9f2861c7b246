"""Grading a cohort: collect, sanitize, run, score, report (see docs/instructor.md)."""
