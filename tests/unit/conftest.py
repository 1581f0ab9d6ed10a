"""Make ``ansible_collections.zerto_msp.billing`` importable from the work tree."""

import os
import sys
import types

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def _install_namespace():
    if "ansible_collections.zerto_msp.billing" in sys.modules:
        return
    for name, path in (("ansible_collections", None), ("ansible_collections.zerto_msp", None),
                       ("ansible_collections.zerto_msp.billing", ROOT)):
        module = sys.modules.get(name) or types.ModuleType(name)
        module.__path__ = [path] if path else []
        sys.modules[name] = module


_install_namespace()
