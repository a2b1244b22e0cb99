"""memberdesk's head-office server (memberdesk-hq)."""

# How every HQ process logs: the one that runs a command and each worker of `serve`.
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
