"""kubeknobs: where does this knob live, and what does it take to turn it?"""

__version__ = "0.1.0"
