"""民生实事项目人大代表票决: deputies' vote on the government's livelihood projects.

Layers, one way: ``voting.web`` and ``voting.cli`` call ``voting.services``
(one function per use case), which load and store through ``voting.store`` and
decide through ``voting.domain``, the pure rules and tally.
"""

__version__ = "0.1.0"
