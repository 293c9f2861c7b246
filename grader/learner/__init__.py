"""The learner's commands: list, check, hint, watch, compare, solution, reset."""
