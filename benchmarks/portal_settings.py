"""The portal's production settings, as the benchmark serves them.

Everything comes from `portal.settings` and the environment (DEBUG off,
PostgreSQL, Redis), exactly as in production. Only the directory of the
collected static files differs: the benchmark collects them into
`benchmarks/.static/` instead of the project's `staticfiles/`, so running it
leaves nothing outside `benchmarks/`.
"""

from portal.settings import *  # noqa: F403
from portal.settings import BASE_DIR

STATIC_ROOT = BASE_DIR / "benchmarks" / ".static"
