"""The change wizard: from one setting, the path its layer requires, followed until in force or undone."""
