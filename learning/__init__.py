"""Learning from corrections: the feedback store (candidate labels) and retraining jobs."""
