"""Case files of a unit: the domestic anchor of requests, evidence and reports."""
