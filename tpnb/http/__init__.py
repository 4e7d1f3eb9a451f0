"""The only package that talks HTTP: one :class:`~tpnb.http.connection.Connection` per identity.

connection (the facade), transport (attempts, retries, pacing, counts), session (requests-cache
over requests-oauthlib), tokens (OAuth tokens and their files), cachepolicy (pure cache decisions)
and backends (cache storage), retry, pacing, stats, results. May import config and errors only.
"""
