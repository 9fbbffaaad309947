"""Imported (as a preload) by multiprocessing's fork server of ``insats batch``.

The fork server is the parent of every batch worker; asking Linux to end it with the
batch (``PR_SET_PDEATHSIG``) lets each worker's own request fire in turn, so a
``kill -9`` of the batch leaves no process behind.
"""

from insats.run.lifetime import die_with_parent

die_with_parent()
