"""Browser tests (Playwright against the real `streamlit run app.py`).

A package so that its conftest.py does not take the name `conftest` from tests/conftest.py,
which other test modules import helpers from.
"""
