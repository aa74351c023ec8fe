"""The series runner: every topic notebook x Place, executed by Papermill and exported to HTML.

``python -m jsna build`` discovers topics from notebooks/*.ipynb (notebook metadata ``"jsna"``:
title, order, description), Places from params/*.yaml, and runs each pair in its own worker
process (Papermill executes the notebook with ``place=<id>`` and ``data_dir``; nbconvert exports it
with input cells hidden through the offline ``jsna`` template: no CDN, works from file://).

Publishing is atomic. Each build writes into its own staging directory under
``reports/.build/staging/``; a finished report is moved into place with :func:`os.replace` under a
lock (filelock), so a failed, killed or interrupted run never leaves half-written HTML and never
replaces the previous report. The index page (reports/index.html) and the status record
(reports/.build/status.json) are rewritten under the same lock, so two builds at once into the
same reports directory cannot corrupt each other.

Layout written. What a reader sees is reports/ without ``.build/``: the build's own state lives
in that hidden folder, which the index never links (publish the tree with ``rsync --exclude
.build``). No published file holds an absolute path of the build machine (paths are written
relative to the repository or the reports directory, or as ``<data_dir>``-style placeholders)::

    reports/<place>/<topic>.html    the report (self-contained)
    reports/<place>/<topic>.ipynb   the executed notebook, for audit
    reports/index.html              every report grouped by Place, data vintages, failed runs
    reports/.build/logs/<place>/<topic>.log   cell outputs and errors of the last run
    reports/.build/logs/<place>/<topic>.failed.ipynb   the partly executed notebook of a failed run
    reports/.build/status.json      last result of every Place/topic (feeds the index)
    reports/.build/build.json       this build's runs with timings (feeds ``make bench``)
    reports/.build/deps.json        what each published report was built from (incremental builds)
    reports/.build/history/headlines.json  headline figures and input checksums of recent builds
    reports/.build/build.lock       the publishing lock; reports/.build/staging/ the runs in progress

A report is rebuilt only when its notebook, Place params, the package code or one of its inputs
changed (:mod:`~jsna.runner.provenance`, records in :mod:`~jsna.runner.changes`); ``--force``
rebuilds all. ``python -m jsna.runner.validate`` (``make validate``) re-runs a published notebook
under nbval after checking its inputs against its provenance.

Modules: :mod:`~jsna.runner.topics` (topic discovery), :mod:`~jsna.runner.worker` (one run in a
worker process) and :mod:`~jsna.runner.kernel` (warm kernels), :mod:`~jsna.runner.export` (the
offline HTML export), :mod:`~jsna.runner.publish` (atomic publishing, status, index page),
:mod:`~jsna.runner.build` (the build loop) and :mod:`~jsna.runner.cli` (``python -m jsna build``).
"""
