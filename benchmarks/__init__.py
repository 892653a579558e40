"""Accuracy and speed of the series' models against the recipes readers would otherwise copy."""
