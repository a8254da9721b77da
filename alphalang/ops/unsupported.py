"""Peer operators alphalang does not provide, each with the reason and what to write instead: most do not apply
to a (dates x assets) panel of one instrument set. Declared once, here; the operator reference
(``docs/operators.md``) lists them and the dialects report them by name instead of "unknown function".

Example:
    >>> UNSUPPORTED[("qlib", "ChangeInstrument")].split(";")[0]
    'reads another instrument (e.g. an index)'
"""

from __future__ import annotations

_VECTOR = "needs vector (multi-value per cell) fields; a panel cell holds one number"
_PLATFORM = "a BRAIN platform setting or statistic, not a formula operator"

UNSUPPORTED: dict[tuple[str, str], str] = {
    **{("brain", f"vec_{name}"): _VECTOR for name in ("avg", "count", "max", "min", "norm", "stddev", "sum")},
    ("brain", "generate_stats"): _PLATFORM,
    ("brain", "inst_tvr"): "per-instrument turnover of the submitted book; use alphalang simulate's turnover",
    ("brain", "ts_target_tvr_decay"): "optimises a decay to hit a turnover target on BRAIN's own book simulation; "
                                      "use simulate(decay=...) and read the turnover",
    ("brain", "ts_target_tvr_hump"): "as ts_target_tvr_decay, for hump",
    ("brain", "ts_target_tvr_delta_limit"): "as ts_target_tvr_decay, for ts_delta_limit",
    ("brain", "multi_regression"): "BRAIN's multi-factor regression has no public definition of its arguments",
    ("brain", "group_multi_regression"): "as multi_regression, per group",
    ("brain", "group_extra"): "fills a value from BRAIN's own extra-group data, which a panel does not carry",
    ("brain", "in"): "set membership of BRAIN's string-valued fields; compare numbers with == and ||",
    ("brain", "universe_size"): "a platform constant; cs_count(x) counts a date's assets with a value",
    ("brain", "filter"): "BRAIN's linear filter takes a vector of coefficients (a vector argument)",
    **{("brain", name): "listed in BRAIN's catalogue without a public definition; not guessed (a silently "
                        "different number is worse than none)"
       for name in ("ts_co_skewness", "ts_entropy", "ts_rank_gmean_amean_diff", "ts_triple_corr")},
    ("brain", "keep"): "undocumented publicly; trade_when and hold express holding a value",
    ("qlib", "ChangeInstrument"): "reads another instrument (e.g. an index); add that series as a field of "
                                  "your panel and use it by name",
    ("qlib", "Mask"): "reads another instrument; as ChangeInstrument",
    ("qlib", "TResample"): "changes the data frequency; resample the panel before compiling (pandas resample)",
    ("kunquant", "Accumulator/SetAccumulator"): "user-defined C++ recursive state; the recursions alphalang has "
                                                "(hold, ts_cumsum, ts_ema...) are operators",
    ("kunquant", "GenericCrossSectionalOp"): "a user-supplied C++ operator; write a def or a registry entry",
}
