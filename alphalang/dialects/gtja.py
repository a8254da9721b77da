"""The Guotai Junan (GTJA) 191-alpha dialect, as the report prints it: ``SMA(CLOSE, 12, 1)``, ``A=B`` compares.

Names are the report's (upper case in print; names are case-insensitive): ``RANK`` is the cross-sectional rank,
``SUM``/``MEAN``/``STD`` windows, ``TSRANK`` the rank of today's value among the last n as 1..n, ``SMA(A, n, m)``
GTJA's recursion, ``WMA`` weights 0.9^i, ``MAX``/``MIN`` elementwise (never windows), ``COUNT(c, n)`` the days c
held, ``SUMIF(A, n, c)``, ``HIGHDAY``/``LOWDAY`` days since the window's max/min, ``FILTER(A, c)`` A where c else
0, ``SEQUENCE(n)`` the regressor 1..n of ``REGBETA`` (a day counter: slopes do not depend on its origin).
Inside an expression ``A = B`` is a comparison. The report's helper series ``HD``, ``LD``, ``TR``, ``DTM``,
``DBM`` and ``RET`` are defined by the prelude; ``AMOUNT`` is ``volume * vwap`` when the data lacks it.

Example:
    >>> DIALECT.names["tsrank"], DIALECT.names["max"], DIALECT.names["coviance"]
    ('gtja_tsrank', 'max', 'ts_cov')
"""

from alphalang.dialects import Dialect

DIALECT = Dialect(
    "gtja",
    "the Guotai Junan 191 alphas' notation: SMA(A,n,m), TSRANK 1..n, A=B comparisons, HD/LD/TR/DTM/DBM",
    spelled_as="gtja",
    renames={
        "RANK": "rank", "CORR": "ts_corr", "DELTA": "delta", "SUM": "ts_sum", "MEAN": "ts_mean", "STD": "ts_std",
        "DELAY": "delay", "TSRANK": "gtja_tsrank", "MAX": "max", "MIN": "min", "TSMAX": "ts_max", "TSMIN": "ts_min",
        "COUNT": "gtja_count", "SUMIF": "gtja_sumif", "PROD": "ts_product", "COVIANCE": "ts_cov",
        "HIGHDAY": "ts_arg_max_days", "LOWDAY": "ts_arg_min_days", "FILTER": "gtja_filter",
        "SEQUENCE": "gtja_sequence", "ABS": "abs", "LOG": "log", "SIGN": "sign",
    },
    prelude="""
def gtja_tsrank(x, n) = ts_rank(x, n) * n
def gtja_count(c, n) = ts_sum(c != 0, n)
def gtja_sumif(x, n, c) = ts_sum((c != 0) ? x : 0, n)
def gtja_filter(x, c) = (c != 0) ? x : 0
def gtja_sequence(n) = ts_step(1)
ret = returns
hd = high - delay(high, 1)
ld = delay(low, 1) - low
tr = max(max(high - low, abs(high - delay(close, 1))), abs(low - delay(close, 1)))
dtm = (open <= delay(open, 1)) ? 0 : max(high - open, open - delay(open, 1))
dbm = (open >= delay(open, 1)) ? 0 : max(open - low, open - delay(open, 1))
""",
    equals_compares=True,
    extension="gtja",
)
