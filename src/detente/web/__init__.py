"""The dashboard: pages rendered from ``detente.views``, each with a JSON twin
(``?format=json``)."""
