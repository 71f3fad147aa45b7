"""`kubeknobs explain --against`: what applying a new set of manifests over an old one will do."""
