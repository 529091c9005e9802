"""Record linkage and deduplication driven by a declarative spec (no Dagster here).

See engine.py for the flow, increment.py for increments and docs/guide/matching.md for the spec format.
"""

from pipelines.match.engine import MatchResult, match
from pipelines.match.increment import IncrementResult, match_increment
from pipelines.match.spec import MatchSpec, SpecError, load_spec, parse_spec
from pipelines.match.state import FrozenModel, MatchState, StateError, load_state, save_state

__all__ = [
    "FrozenModel",
    "IncrementResult",
    "MatchResult",
    "MatchSpec",
    "MatchState",
    "SpecError",
    "StateError",
    "load_spec",
    "load_state",
    "match",
    "match_increment",
    "parse_spec",
    "save_state",
]
