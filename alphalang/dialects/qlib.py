"""qlib's expression dialect (Alpha158, Alpha360, user feature strings): ``Mean($close, 5)``.

Fields are written ``$close``; names are qlib's operator classes (case-insensitive, as everywhere). qlib computes
every rolling window with ``min_periods=1`` over the valid values (partial windows during warm-up), so this
dialect's default NaN policy is ``skip`` (docs/semantics.md, "NaN policy"). ``Rank($x, N)`` is qlib's rolling
percentile rank (alphalang's ``ts_rank``), not the cross-sectional rank; ``Greater``/``Less`` are elementwise.
Comparisons (``>`` or ``Gt``) are pandas': a NaN operand compares false (``!=`` true), so ``Mean($close >
Ref($close, 1), 5)`` counts a halted day as a down day, as qlib does.
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
        "IdxMin": "ts_argmin", "If": "cond", "Power": "pow", "And": "and", "Or": "or", "Not": "not",
        **{name: f"qlib_{name.lower()}" for name in ("Gt", "Ge", "Lt", "Le", "Eq", "Ne")},
        "Abs": "abs", "Sign": "sign", "Log": "log",
        "Corr": "qlib_corr",
    },
    prelude="def qlib_corr(x, y, d) = (ts_std(x, d) <= 0.00002 || ts_std(y, d) <= 0.00002) ? nan : ts_corr(x, y, d)\n"
    "def qlib_rsquare(x, d) = ts_std(x, d) <= 0.00002 ? nan : ts_rsquare(x, d)\n"
    # pandas comparisons: a NaN operand compares false (!= true), where alphalang's give NaN
    "def qlib_gt(a, b) = fillna(a > b, 0)\ndef qlib_ge(a, b) = fillna(a >= b, 0)\n"
    "def qlib_lt(a, b) = fillna(a < b, 0)\ndef qlib_le(a, b) = fillna(a <= b, 0)\n"
    "def qlib_eq(a, b) = fillna(a == b, 0)\ndef qlib_ne(a, b) = fillna(a != b, 1)\n",
    nan="skip",
    extension="qlib",
)
