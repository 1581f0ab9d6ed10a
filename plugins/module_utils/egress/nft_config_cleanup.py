# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The persisted side of an nftables removal: read the admin's configuration tree, plan the
edit that matches the live removal, and check the edited tree with `nft -c` before anything is
written. The collection's own persisted file is left to the backend's persist_removal."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.base import BackendError
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.nft_config import read_config
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.nft_config_check import check_config
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.nft_config_edit import ConfigEditPlan, plan_config_edit


def plan_persisted_cleanup(runner, backend, entries, targets, port, protocol="tcp"):
    """ConfigEditPlan whose changes passed `nft -c -f`; raises BackendError when only the edit
    makes the configuration fail. A tree that fails before the edit is not edited at all."""
    main = os.path.abspath(backend.main_config)
    configs = read_config(main)
    own = os.path.abspath(backend.persist_path)
    plan = plan_config_edit([c for c in configs if c.path != own], entries, targets, port, protocol)
    if not plan.changes:
        return plan
    texts = dict((c.path, c.text) for c in configs)
    edited = dict(texts)
    edited.update((change.path, change.after) for change in plan.changes)
    passed, message = check_config(runner, backend.nft, main, edited)
    if passed:
        return plan
    passed_before, message_before = check_config(runner, backend.nft, main, texts)
    if passed_before:
        raise BackendError(
            "the edited nftables configuration %s fails `nft -c` (%s); nothing was changed. Edit it by hand: %s"
            % (main, message, "; ".join("%s:%d" % (e["file"], e["line"]) for e in plan.edits))
        )
    review = ["nftables config %s:%d: %s (not edited: the configuration fails `nft -c` already: %s)"
              % (e["file"], e["line"], " ".join(e["before"].split()), message_before) for e in plan.edits]
    return ConfigEditPlan([], [], plan.manual_review + review)
