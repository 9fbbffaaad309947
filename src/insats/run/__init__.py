"""Running reports: the kernels, one report (runner), many (batch), and what guards a run."""
