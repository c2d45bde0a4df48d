"""Hypotheses about the gap as generative models of log-size, fitted and scored side by side."""
