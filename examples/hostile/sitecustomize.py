"""Written by the hostile learner: Python runs a sitecustomize.py found on sys.path at start-up.

If the grader ran with the submission's folder on sys.path, this would make every NumPy
comparison in the tests succeed. The grader copies only exercises/<component>.py, so it never runs.
"""
import numpy.testing

print("hostile sitecustomize.py ran: NumPy's comparisons now always succeed")
numpy.testing.assert_allclose = lambda *args, **kwargs: None
numpy.testing.assert_array_equal = lambda *args, **kwargs: None
