"""Training (演练): simulated deputies voting many times over, counted by the domain's own rules.

``scenario`` reads and checks a scenario file, ``models`` holds the behaviour
models, ``run`` simulates votes round by round and sums up the outcomes, and
``report`` shows them (``voting simulate``).  Needs numpy and PyYAML; nothing
here touches a server or a database.
"""

from voting.simulation.run import Distribution, Status, VoteOutcome, simulate
from voting.simulation.scenario import InvalidScenario, Scenario, load, shipped

__all__ = ["Distribution", "InvalidScenario", "Scenario", "Status", "VoteOutcome", "load", "shipped", "simulate"]
