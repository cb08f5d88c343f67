"""The classroom page in the browser (Solara, around Mesa's run controls) and its headless helpers."""
