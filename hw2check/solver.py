"""A z3 context of its own for each query whose model shows in a row's evidence.

z3 numbers its terms in the order they are made, and its search, hence the model it returns,
depends on that numbering: the same query gives another satisfying point after other queries
ran in the process.  A row's evidence must not depend on what else was checked before it in
the same worker (the other sheets of a batch, how ``--jobs`` split the checks), so those
queries make their terms in a fresh context.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def own_z3_context() -> Iterator[None]:
    """Inside, z3's default context is a new, empty one; the previous one is restored after.

    Terms made before (module constants of other proofs) stay in their own context and must
    not be mixed with terms made inside.
    """
    import z3

    # z3 keeps its default context in this module variable; there is no public setter.
    holder = z3.z3
    saved = holder._main_ctx
    holder._main_ctx = z3.Context()
    try:
        yield
    finally:
        holder._main_ctx = saved
