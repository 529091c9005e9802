"""Record linkage and deduplication driven by a declarative spec (no Dagster here).

See engine.py for the flow and README "Matching" for the spec format.
"""

from pipelines.match.engine import MatchResult, match
from pipelines.match.spec import MatchSpec, SpecError, load_spec, parse_spec

__all__ = ["MatchResult", "MatchSpec", "SpecError", "load_spec", "match", "parse_spec"]
