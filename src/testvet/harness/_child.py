"""Child bootstrap of ``hard_kill.start(callable)``: import the callable and call it.

Invoked as ``python -m testvet.harness._child``; the target travels in the environment
variable ``TESTVET_HARNESS_TARGET`` (JSON: module, file, qualname, sys.path, pickled args).
"""

from __future__ import annotations

import base64
import importlib
import importlib.util
import json
import os
import pickle
import sys
from types import ModuleType
from typing import Any

TARGET_ENV = "TESTVET_HARNESS_TARGET"


def _load(module: str, file: str | None) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError:
        if not file:
            raise
    spec = importlib.util.spec_from_file_location(module, file)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {module} from {file}")
    loaded = importlib.util.module_from_spec(spec)
    sys.modules[module] = loaded
    spec.loader.exec_module(loaded)
    return loaded


def main() -> None:
    """Run the target named in the environment; exit 0 when it returns."""
    target = json.loads(os.environ.pop(TARGET_ENV))
    for entry in reversed(target["path"]):
        if entry not in sys.path:
            sys.path.insert(0, entry)
    obj: Any = _load(target["module"], target["file"])
    for part in target["qualname"].split("."):
        obj = getattr(obj, part)
    args, kwargs = pickle.loads(base64.b64decode(target["args"]))
    obj(*args, **kwargs)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
