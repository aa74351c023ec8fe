"""One package per report topic, named as its notebook in notebooks/.

Each holds that topic's computation (``compute``), figures (``charts``) and wording (``text``)
over the shared layers (``jsna.load``, ``jsna.stats``, ``jsna.report``, ``jsna.maps``,
``jsna.palette``, ``jsna.words``). No topic package imports another.
"""
