"""The report's sections: each module renders one section from pure results."""
