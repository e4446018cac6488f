"""detente: political event data from news and commentary."""

import logging

logging.getLogger(__name__).addHandler(logging.NullHandler())
