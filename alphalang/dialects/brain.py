"""WorldQuant BRAIN's expression dialect: ``a = rank(close); b = ts_mean(a, 5); -b``.

BRAIN users write statements separated by ``;`` and end with a bare expression, the alpha (output ``alpha``);
group fields are bare names (``group_neutralize(x, sector)`` = ``IndClass.sector``); ``true``/``false``/``nan``
are literals; keyword options as BRAIN documents them. ``max``/``min`` are always elementwise (BRAIN has
``ts_max``); ``ts_quantile(x, d, driver)`` is BRAIN's (``ts_rank_quantile``); ``group_mean(x, w, g)`` the
weighted mean. The NaN policy stays ``strict`` unless chosen (BRAIN's own is not documented).
The name table is BRAIN's catalogue as far as alphalang has it (the registry's brain spellings and the table
below): ``transpile --to brain`` writes only these names (``dialects.to_brain``).

Example:
    >>> DIALECT.names["ts_quantile"], DIALECT.names["ts_arg_max"]
    ('ts_rank_quantile', 'ts_arg_max_days')
"""

from alphalang.dialects import Dialect

DIALECT = Dialect(
    "brain",
    "WorldQuant BRAIN: statements separated by ';' ending in the alpha, bare group names, BRAIN operator names",
    spelled_as="brain",
    renames={"ts_arg_max": "ts_arg_max_days", "ts_arg_min": "ts_arg_min_days", "ts_covariance": "ts_cov",
             "ts_quantile": "ts_rank_quantile",
             # BRAIN's names for operators alphalang spells otherwise (its logical greater/less compare)
             "ts_delay": "delay", "ts_delta": "delta", "ts_std_dev": "ts_std", "ts_skewness": "ts_skew",
             "ts_kurtosis": "ts_kurt", "power": "pow", "signed_power": "signedpower", "if_else": "cond",
             "zscore": "cs_zscore", "group_neutralize": "indneutralize", "greater": "gt", "less": "lt",
             "equal": "eq", "not_equal": "ne", "greater_equal": "ge", "less_equal": "le",
             # the rest of BRAIN's catalogue alphalang spells the same way
             **{name: name for name in (
                 "abs", "log", "sign", "sqrt", "s_log_1p", "max", "min", "and", "or", "not", "rank", "scale",
                 "group_rank", "group_zscore", "ts_sum", "ts_mean", "ts_product", "ts_min", "ts_max", "ts_rank",
                 "ts_corr", "ts_zscore")}},
    final_only=True,
    extension="brain",
)
