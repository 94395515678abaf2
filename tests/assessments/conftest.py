"""Make the repository's `assessments` importable when the project is not pip-installed.

Without this, pytest's rootdir handling puts tests/ on sys.path and `import assessments`
resolves to this test folder as a namespace package. (`pythonpath = .` under [tool:pytest]
would do the same for every test folder.)
"""

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
