"""The Dagster layer: thin asset definitions over pipelines/ (engine) and quality/ (checks).

Code location: ``assets.definitions:defs`` (see pyproject ``[tool.dagster]``).
"""
