"""One module per report section: the presentation of the computation packages' results."""
