"""Entry of a demo process: `python -I launch.py PROGRAM [ARGS...]`.

Loads this folder as a package of its own so that the process imports only the demo code, and
the pure `tui.model` modules it shares (Go durations), from the same tree as this file.
"""

import importlib.util
import os
import sys


def _load_package():
    here = os.path.dirname(os.path.abspath(__file__))
    # -E and -P leave the tree off sys.path; put back exactly the one this program was started from
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(here))))
    spec = importlib.util.spec_from_file_location(
        "kubeknobs_demo", os.path.join(here, "__init__.py"), submodule_search_locations=[here]
    )
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load the demo package from {here}")
    package = importlib.util.module_from_spec(spec)
    sys.modules["kubeknobs_demo"] = package
    spec.loader.exec_module(package)


if __name__ == "__main__":
    _load_package()
    from kubeknobs_demo.programs import main

    sys.exit(main(sys.argv[1:]))
