"""The shared hypothesis strategies draw what their names promise."""

import numpy as np
from hypothesis import given

from grader import strategies as gs


@given(x=gs.float_arrays(gs.shapes(max_dims=2), bound=3.0, away_from_zero=0.5))
def test_float_arrays_are_bounded_and_keep_away_from_zero(x):
    assert x.dtype == np.float64 and np.all(np.abs(x) <= 3.0) and np.all(np.abs(x) >= 0.5)


@given(x=gs.float_arrays((4,), dtype=np.float32))
def test_float_arrays_honour_dtype_and_shape(x):
    assert x.dtype == np.float32 and x.shape == (4,) and np.all(np.isfinite(x))


@given(batch=gs.large_logits())
def test_classification_batches_are_consistent(batch):
    logits, labels = batch
    assert logits.ndim == 2 and labels.shape == (logits.shape[0],) and labels.dtype == np.int64
    assert np.all((labels >= 0) & (labels < logits.shape[1])) and np.all(np.abs(logits) <= 1e4)
