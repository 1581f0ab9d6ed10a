# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one interface every firewall backend implements, and the values passed across it.

Later backends (firewalld, ufw, squid, windows, change_request) subclass EgressBackend too:
read the current state, plan the change as a diff, apply it atomically, persist it, find
entries for given destinations (owned or hand-made) and remove them.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class BackendError(Exception):
    """A firewall state the backend refuses to act on; the message says why and what to do."""


class EgressSpec(object):
    """What to allow: destination networks (collapsed), port, protocol, hooks."""

    def __init__(self, networks, port=443, protocol="tcp", filter_forward=False):
        self.networks = list(networks)
        self.port = int(port)
        self.protocol = protocol
        self.filter_forward = bool(filter_forward)

    @property
    def hooks(self):
        return ("output", "forward") if self.filter_forward else ("output",)

    def networks_of(self, version):
        return [n for n in self.networks if n.version == version]


class Plan(object):
    """The change one run makes: what is added and removed, the text that does it, and the
    owned entries before and after (for --diff). `script` is backend-specific (an nft -f
    transaction, iptables-restore input per family); `desired` is what persist() writes."""

    def __init__(self, before, after, added, removed, script, desired=None, notes=None, warnings=None):
        self.before = before
        self.after = after
        self.added = list(added)
        self.removed = list(removed)
        self.script = script
        self.desired = desired
        self.notes = list(notes or [])
        self.warnings = list(warnings or [])

    @property
    def changed(self):
        return bool(self.added or self.removed)


class Entry(object):
    """A firewall entry that allows some of the given destinations on the port.

    action: ``remove`` (covers only the given destinations), ``narrow`` (a set also holding
    other members: remove only the matching elements) or ``manual_review`` (mixes them in a
    way the backend cannot split; never touched)."""

    def __init__(self, backend, kind, location, text, matched, others, action, reason, owned=False, ref=None):
        self.backend = backend
        self.kind = kind
        self.location = location
        self.text = text
        self.matched = list(matched)
        self.others = list(others)
        self.action = action
        self.reason = reason
        self.owned = owned
        self.ref = ref

    def to_dict(self):
        return {
            "backend": self.backend,
            "kind": self.kind,
            "location": self.location,
            "text": self.text,
            "matched": self.matched,
            "others": self.others,
            "action": self.action,
            "reason": self.reason,
            "owned": self.owned,
        }


class EgressBackend(object):
    name = None

    def describe(self):
        return {"name": self.name, "variant": None}

    def read_state(self):
        raise NotImplementedError

    def plan_allow(self, state, spec):
        """Plan so that exactly `spec` is allowed by the collection's own entries."""
        raise NotImplementedError

    def plan_revoke(self, state):
        """Plan the removal of every entry the collection owns (and nothing else)."""
        raise NotImplementedError

    def apply(self, plan):
        """Apply the plan atomically (one transaction where the firewall has them)."""
        raise NotImplementedError

    def persist(self, plan, check_mode):
        """Make the owned entries of `plan.desired` survive a reload; returns a list of
        {"path", "before", "after"} for files changed (or that would change)."""
        raise NotImplementedError

    def find_entries(self, state, networks, port, protocol="tcp"):
        """Entries (owned or hand-made) that allow any of `networks` on `port`."""
        raise NotImplementedError

    def plan_removal(self, state, entries):
        """Plan removing/narrowing the given entries (manual_review ones are skipped)."""
        raise NotImplementedError

    def snapshot(self):
        """Exact prior state for backups: {"file name": text}."""
        raise NotImplementedError
