"""The coordinator: the one place that orders the work of several domains.

A unit of work (``flows.unit``) collects what an entry point changes, then writes the events,
refreshes the figures, re-evaluates the affected segments once, feeds the journeys and, after
the commit, wakes the sender. The tasks that span domains (the drain, segment rebuilds followed
by journey entries, the nightly chain) live here too (``flows.tasks``).
"""
