"""WorldQuant BRAIN's expression dialect: ``a = rank(close); b = ts_mean(a, 5); -b``.

BRAIN users write statements separated by ``;`` and end with a bare expression, the alpha (output ``alpha``);
group fields are bare names (``group_neutralize(x, sector)`` = ``IndClass.sector``); ``true``/``false``/``nan``
are literals; keyword options as BRAIN documents them. ``max``/``min`` are always elementwise (BRAIN has
``ts_max``); ``ts_quantile(x, d, driver)`` is BRAIN's (``ts_rank_quantile``); ``group_mean(x, w, g)`` the
weighted mean. The NaN policy stays ``strict`` unless chosen (BRAIN's own is not documented).

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
             "ts_quantile": "ts_rank_quantile"},
    final_only=True,
    extension="brain",
)
