"""qlib's expression dialect (Alpha158, Alpha360, user feature strings): ``Mean($close, 5)``.

Fields are written ``$close``; names are qlib's operator classes (case-insensitive, as everywhere). qlib computes
every rolling window with ``min_periods=1`` over the valid values (partial windows during warm-up), so this
dialect's default NaN policy is ``skip`` (docs/semantics.md, "NaN policy"). ``Rank($x, N)`` is qlib's rolling
percentile rank (alphalang's ``ts_rank``), not the cross-sectional rank; ``Greater``/``Less`` are elementwise.
``Corr`` is NaN where either input's window standard deviation is within 2e-5 of 0, as qlib masks it,
``Rsquare`` where its input's is.
``Mask``, ``ChangeInstrument`` and ``TResample`` read other instruments or frequencies (``ops.unsupported``).

Example:
    >>> DIALECT.names["ref"], DIALECT.names["greater"], DIALECT.names["rank"]
    ('delay', 'max', 'ts_rank')
"""

from alphalang.dialects import Dialect

DIALECT = Dialect(
    "qlib",
    "qlib expressions: $fields, qlib's operator names, partial windows over valid values (min_periods=1)",
    spelled_as="qlib",
    renames={
        "Ref": "delay", "Mean": "ts_mean", "Sum": "ts_sum", "Std": "ts_std", "Var": "ts_var", "Skew": "ts_skew",
        "Kurt": "ts_kurt", "Max": "ts_max", "Min": "ts_min", "Slope": "ts_slope", "Rsquare": "qlib_rsquare",
        "Resi": "ts_resid", "Rank": "ts_rank", "Cov": "ts_cov", "Delta": "delta", "IdxMax": "ts_argmax",
        "IdxMin": "ts_argmin", "If": "cond", "Power": "pow", "Gt": "gt", "Ge": "ge", "Lt": "lt", "Le": "le",
        "Eq": "eq", "Ne": "ne", "And": "and", "Or": "or", "Not": "not", "Abs": "abs", "Sign": "sign", "Log": "log",
        "Corr": "qlib_corr",
    },
    prelude="def qlib_corr(x, y, d) = (ts_std(x, d) <= 0.00002 || ts_std(y, d) <= 0.00002) ? nan : ts_corr(x, y, d)\n"
    "def qlib_rsquare(x, d) = ts_std(x, d) <= 0.00002 ? nan : ts_rsquare(x, d)\n",
    nan="skip",
    extension="qlib",
)
