"""gait: screen walking patterns from video and pressure insoles.

Data flows one way: capture -> recording -> pose -> analysis -> findings -> report.
"""

__version__ = "0.1.0"
