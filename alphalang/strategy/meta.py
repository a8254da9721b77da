"""Meta-strategy node: mixes child strategies with learnable softmax meta-weights ``a = softmax(meta_logits)``.

Two mixing modes:

* ``"weights"`` - every child runs its own guardrails; the fine weights are mixed, ``w = sum_c a_c w_c``, and
  one pool/portfolio holds the mix.  A convex mix of guarded paths stays guarded (``w >= eps`` and
  ``|dw| <= sum_c a_c |dw_c| <= maximum_change``).
* ``"outputs"`` - the children's rule outputs are mixed and the guardrails run once on the mix.  All
  children must be of the same kind (all delta or all target rules).

Children may be meta nodes themselves (a tree).  The whole tree is traced into one jitted function;
:class:`~alphalang.strategy.nodes.RuleNode` children that differ only in their signal are evaluated with
one ``vmap``.

Example:
    >>> from alphalang.strategy import MetaNode, RuleNode
    >>> meta = MetaNode((RuleNode("momentum"), RuleNode("antimomentum")), mode="weights")
    >>> len(meta.children)
    2
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
import jax.numpy as jnp

from alphalang.strategy.nodes import Node, RuleNode, StrategyConfig
from alphalang.strategy.params import logit, sigmoid

MIX_MODES = ("weights", "outputs")


@dataclass(frozen=True, eq=False)
class MetaNode(Node):
    """Softmax-weighted mix of ``children`` (nodes); ``mode`` is ``"weights"`` or ``"outputs"``.

    ``initial_logits`` (one per child) sets the starting meta-weights (default: equal).
    """

    children: tuple
    mode: str = "weights"
    initial_logits: tuple | None = None
    vmap_children: bool = True

    def __post_init__(self):
        object.__setattr__(self, "children", tuple(self.children))
        if not self.children:
            raise ValueError("a meta node needs at least one child")
        if self.mode not in MIX_MODES:
            raise ValueError(f"unknown mixing mode {self.mode!r}; expected one of {MIX_MODES}")
        if self.initial_logits is not None and len(self.initial_logits) != len(self.children):
            raise ValueError("initial_logits needs one value per child")
        if self.mode == "outputs":
            kinds = {c.kind for c in self.children}
            if len(kinds) != 1 or "weights" in kinds:
                raise ValueError("mode='outputs' needs children that all produce the same kind of rule output "
                                 f"(all delta or all target, and no weights-mode meta child); got {sorted(kinds)}")

    @property
    def kind(self) -> str:  # type: ignore[override]
        return self.children[0].kind if self.mode == "outputs" else "weights"

    # ------------------------------------------------------------------------------------- parameters
    def init_params(self, n_assets, cfg, data=None):
        logits = self.initial_logits or (0.0,) * len(self.children)
        params = {
            "meta_logits": jnp.asarray(logits, dtype=jnp.float64),
            "children": tuple(c.init_params(n_assets, cfg, data) for c in self.children),
        }
        if self.kind == "target":
            params["logit_lamb"] = jnp.asarray(float(logit(0.5)))
        return params

    def trainable(self, params):
        out = {"meta_logits": True,
               "children": tuple(c.trainable(p) for c, p in zip(self.children, params["children"], strict=True))}
        if "logit_lamb" in params:
            out["logit_lamb"] = True
        return out

    def meta_weights(self, params):
        """``softmax(meta_logits)``, one weight per child."""
        return jax.nn.softmax(params["meta_logits"])

    # ----------------------------------------------------------------------------------- evaluation
    def _groups(self):
        """Indices of children grouped for vmap (same rule structure, different signals)."""
        groups: dict = {}
        order = []
        for i, child in enumerate(self.children):
            if self.vmap_children and isinstance(child, RuleNode):
                key = ("rule",) + child.structure_key()
            else:
                key = ("single", i)
            if key not in groups:
                groups[key] = []
                order.append(key)
            groups[key].append(i)
        return [groups[k] for k in order]

    def _per_child(self, params, fn_single, fn_batched):
        results = [None] * len(self.children)
        for idx in self._groups():
            if len(idx) == 1:
                i = idx[0]
                results[i] = fn_single(self.children[i], params["children"][i])
            else:
                stacked = jax.tree_util.tree_map(lambda *xs: jnp.stack(xs), *[params["children"][i] for i in idx])
                batch = fn_batched([self.children[i] for i in idx], stacked)
                for j, i in enumerate(idx):
                    results[i] = batch[j]
        return results

    def _batched(self, children, stacked, signals, per_signal):
        # children share a structure and differ only in the signal they read
        template = children[0]
        if template.signal is None:
            return jax.vmap(lambda p: per_signal(template, p, signals))(stacked)
        sig_stack = jnp.stack([signals[c.signal] for c in children])
        return jax.vmap(lambda p, s: per_signal(template, p, {template.signal: s}))(stacked, sig_stack)

    def child_outputs(self, params, cfg, prices, signals):
        """Rule outputs of every child, a list of (T-1, N) arrays."""
        def single(child, p):
            return child.rule_outputs(p, cfg, prices, signals)

        def batched(children, stacked):
            return self._batched(children, stacked, signals,
                                 lambda c, p, s: c.rule_outputs(p, cfg, prices, s))

        return self._per_child(params, single, batched)

    def child_weights(self, params, cfg, prices, signals, start_index, bout_length):
        """Fine weights of every child, a list of (bout_length - 1, N) arrays."""
        def single(child, p):
            return child.weights(p, cfg, prices, signals, start_index, bout_length)

        def batched(children, stacked):
            return self._batched(children, stacked, signals,
                                 lambda c, p, s: c.weights(p, cfg, prices, s, start_index, bout_length))

        return self._per_child(params, single, batched)

    def rule_outputs(self, params, cfg: StrategyConfig, prices, signals):
        if self.mode != "outputs":
            raise ValueError("a weights-mode meta node has no single rule output; use mode='outputs'")
        outs = jnp.stack(self.child_outputs(params, cfg, prices, signals))
        a = self.meta_weights(params)
        if self.kind == "delta":
            return jnp.tensordot(a, outs, axes=1)
        # target outputs: a child row with NaN (no signal yet) drops out of that row's mix
        valid = ~jnp.any(jnp.isnan(outs), axis=-1)  # (C, T)
        clean = jnp.where(jnp.isnan(outs), 0.0, outs)
        a_eff = a[:, None] * valid
        total = jnp.sum(a_eff, axis=0)
        mixed = jnp.einsum("ct,ctn->tn", a_eff / jnp.where(total > 0, total, 1.0), clean)
        return jnp.where((total > 0)[:, None], mixed, jnp.nan)

    def blend(self, params, cfg):
        return sigmoid(params["logit_lamb"]) if "logit_lamb" in params else None

    def weights(self, params, cfg, prices, signals, start_index, bout_length):
        if self.mode == "outputs":
            return super().weights(params, cfg, prices, signals, start_index, bout_length)
        ws = jnp.stack(self.child_weights(params, cfg, prices, signals, start_index, bout_length))
        return jnp.tensordot(self.meta_weights(params), ws, axes=1)

    def describe(self) -> str:
        """Short one-line form, e.g. ``meta[weights](momentum(), signal_target(a))``."""
        return f"meta[{self.mode}](" + ", ".join(c.describe() for c in self.children) + ")"

    def signal_names(self):
        names: set[str] = set()
        for c in self.children:
            names |= c.signal_names()
        return names
