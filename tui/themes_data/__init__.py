"""The project's themes, shipped with the package (copies of the repository's `themes/*.yaml`)."""
