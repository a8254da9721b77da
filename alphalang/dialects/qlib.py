"""qlib's expression dialect (Alpha158, Alpha360, user feature strings): ``Mean($close, 5)``.

Fields are written ``$close``; names are qlib's operator classes (case-insensitive, as everywhere). qlib computes
every rolling window with ``min_periods=1`` over the valid values (partial windows during warm-up), so this
dialect's default NaN policy is ``skip`` (docs/semantics.md, "NaN policy"). ``Rank($x, N)`` is qlib's rolling
percentile rank (alphalang's ``ts_rank``), not the cross-sectional rank; ``Greater``/``Less`` are elementwise.
An instrument's series starts at its first valid ``$close`` (qlib has no rows before a listing; a panel has NaN
rows). Comparisons (``>`` or ``Gt``) are pandas': a NaN operand compares false (``!=`` true), so ``Mean($close >
Ref($close, 1), 5)`` counts a halted day as a down day, as qlib does, and rows before the listing are no rows.
``IdxMax``/``IdxMin`` count positions within the window's rows since listing and answer a window's first NaN
(numpy's argmax treats NaN as the extreme), as qlib's ``rolling(N, min_periods=1).apply(argmax + 1)`` does.
``Corr`` is NaN where either input's window standard deviation is within 2e-5 of 0, as qlib masks it,
``Rsquare`` where its input's is.
``Mask``, ``ChangeInstrument`` and ``TResample`` read other instruments or frequencies (``ops.unsupported``).

Example:
    >>> DIALECT.names["ref"], DIALECT.names["greater"], DIALECT.names["rank"]
    ('delay', 'max', 'ts_rank')
"""

from alphalang.dialects import Dialect

_COMPARISONS = ("gt", "ge", "lt", "le", "eq", "ne")  # registry comparisons, qlib's Gt ... Ne

DIALECT = Dialect(
    "qlib",
    "qlib expressions: $fields, qlib's operator names, partial windows over valid values (min_periods=1)",
    spelled_as="qlib",
    renames={
        "Ref": "delay", "Mean": "ts_mean", "Sum": "ts_sum", "Std": "ts_std", "Var": "ts_var", "Skew": "ts_skew",
        "Kurt": "ts_kurt", "Max": "ts_max", "Min": "ts_min", "Slope": "ts_slope", "Rsquare": "qlib_rsquare",
        "Resi": "ts_resid", "Rank": "ts_rank", "Cov": "ts_cov", "Delta": "delta", "IdxMax": "qlib_idxmax",
        "IdxMin": "qlib_idxmin", "If": "cond", "Power": "pow", "And": "and", "Or": "or", "Not": "not",
        **{op.capitalize(): f"qlib_{op}" for op in _COMPARISONS},
        "Abs": "abs", "Sign": "sign", "Log": "log",
        "Corr": "qlib_corr",
    },
    prelude="def qlib_corr(x, y, d) = (ts_std(x, d) <= 0.00002 || ts_std(y, d) <= 0.00002) ? nan : ts_corr(x, y, d)\n"
    "def qlib_rsquare(x, d) = ts_std(x, d) <= 0.00002 ? nan : ts_rsquare(x, d)\n"
    # an instrument's series in qlib starts at its first row: before its first valid close (NaN here) no rows
    "qlib_listed = trade_when(is_finite(close), 1, -1)\n"
    # pandas comparisons: a NaN operand compares false (!= true), where alphalang's give NaN; no row, no value
    + "".join(f"def qlib_{op}(a, b) = fillna({op}(a, b), {int(op == 'ne')}) * qlib_listed\n" for op in _COMPARISONS)
    # rolling(N, min_periods=1).apply(argmax + 1): positions within the window's rows since listing, and numpy's
    # argmax answers a window's first NaN (NaN is its maximum and its minimum); NaN when no value is valid
    + "def qlib_idx(x, d, at) = ts_sum(is_finite(x), d) == 0 ? nan : "
    "(ts_sum(is_nan(x) * qlib_listed, d) > 0 ? ts_argmax(is_nan(x) * qlib_listed, d) : at) "
    "- d + ts_sum(qlib_listed, d)\n"
    "def qlib_idxmax(x, d) = qlib_idx(x, d, ts_argmax(x, d))\n"
    "def qlib_idxmin(x, d) = qlib_idx(x, d, ts_argmin(x, d))\n",
    nan="skip",
    extension="qlib",
)
