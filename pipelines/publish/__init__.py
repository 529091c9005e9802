"""Publishing: marts (analytics.duckdb, restricted.duckdb, Parquet) and exports.

marts.py   builds the mart frames from a warehouse (aggregates per 2025 ward, pseudonymised
           entity tables, old-unit reconciliation, row accounting)
store.py   writes them aside and swaps them in atomically under the warehouse's writer lock
pseudonym.py  keyed pseudonyms (HMAC-SHA256, $WARDBRIDGE_PSEUDONYM_KEY)
"""
