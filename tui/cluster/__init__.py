"""The only part of kubeknobs that talks to a cluster."""

import logging

# the dashboard owns the terminal: nothing from here may print to it
logging.getLogger("kubeknobs.cluster").addHandler(logging.NullHandler())
