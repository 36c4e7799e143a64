"""Plain-Python transforms of the input: reading, normalising, pseudonymising, the working-day calendar.

Nothing here imports Prefect: every function can be called from a test or a notebook as it is.
"""
