"""The classroom page in the browser (Mesa SolaraViz) and its headless helpers."""
