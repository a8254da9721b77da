"""The reference backend (numpy): the oracle for every other backend.

``elementwise``, ``rolling`` and ``rowwise`` hold the per-operator implementations the registry points at;
``evaluate.run`` interprets a whole plan.
"""
